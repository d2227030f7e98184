"""Positions of the 34 provinces on a tile-grid map (row, column), roughly north to south.

Boundary data is not at hand offline; a tile grid keeps neighbours near each other
and gives every province the same visual weight. Keyed on official codes.
"""

PROVINCE_TILES = {
    "12": (0, 1), "15": (0, 2), "08": (0, 3), "04": (0, 4),
    "11": (1, 0), "14": (1, 1), "25": (1, 2), "19": (1, 3), "20": (1, 4),
    "01": (2, 2), "24": (2, 3), "22": (2, 4),
    "37": (3, 2), "33": (3, 3), "31": (3, 4),
    "38": (4, 2),
    "40": (5, 2),
    "42": (6, 3),
    "44": (7, 3),
    "46": (8, 4),
    "48": (9, 4),
    "52": (10, 4), "51": (10, 5),
    "66": (11, 4), "56": (11, 5),
    "68": (12, 4),
    "80": (13, 2), "79": (13, 3), "75": (13, 4),
    "91": (14, 1), "82": (14, 2), "86": (14, 3),
    "96": (15, 1), "92": (15, 2),
}  # fmt: skip


FLOW_COLUMNS = 12


def tiles(rows) -> tuple[list[dict], int]:
    """Tiles for ranking rows and the number of grid columns: geographic for provinces, flowing otherwise."""
    geographic = rows and all(r.unit.code in PROVINCE_TILES for r in rows)
    result = []
    for i, row in enumerate(sorted(rows, key=lambda r: r.unit.name)):
        r, c = PROVINCE_TILES[row.unit.code] if geographic else divmod(i, FLOW_COLUMNS)
        result.append({"row": row, "grid_row": r + 1, "grid_col": c + 1})
    columns = 1 + max(c for _r, c in PROVINCE_TILES.values()) if geographic else FLOW_COLUMNS
    return result, columns


def tile_colour(completion) -> str:
    """A red-to-green scale in five steps; grey when there is no figure."""
    if completion is None:
        return "#dee2e6"
    # The red is a shade lighter than ColorBrewer's #d73027, on which the tiles' dark names read at
    # 3.9:1 only; on #e34a33 they read at 4.8:1 (WCAG AA, issue 19 item 11).
    steps = ["#e34a33", "#fc8d59", "#fee08b", "#91cf60", "#1a9850"]
    return steps[min(4, int(completion) // 20)]
