"""Adding figures up the unit tree: a parent's figure is the sum of its subtree's, never a mean of means."""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from .models import NATIONAL_SCOPE


def scope_chain(path: str) -> list[str]:
    """ "/01/00070/" → ["/", "/01/", "/01/00070/"]: the national scope, then each ancestor, then the unit."""
    codes = path.strip("/").split("/")
    return [NATIONAL_SCOPE] + ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


def roll_up(rows: Iterable[tuple[object, str, Mapping[str, int]]]) -> dict[tuple[object, str], Counter]:
    """Sum additive counters per (key, scope) for every scope above each row's unit.

    ``rows`` are ``(key, unit_path, counters)`` already grouped by unit in SQL, so this
    loops over units, not over tasks or assessments' history.
    """
    totals: dict[tuple[object, str], Counter] = defaultdict(Counter)
    for key, unit_path, counters in rows:
        for scope in scope_chain(unit_path):
            totals[(key, scope)].update(counters)
    return totals
