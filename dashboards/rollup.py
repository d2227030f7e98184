"""Adding figures up the unit tree: a parent's figure is the sum of its subtree's, never a mean of means."""

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from provinces.models import AdministrativeUnit

from .models import NATIONAL_SCOPE

VALID_PATH = re.compile(r"^(/[^/]+)+/$")


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


@dataclass
class UnitTree:
    """The current unit tree as the recompute sees it, read in one query.

    A row recorded on a unit that is not part of the current tree (merged: ``valid_to``
    set; or without a valid path) is counted under the current unit its ``successor``
    chain leads to, and left out when there is none: one such row must never stop the
    national run (``KeyError`` on the unit's path), nor show under a wrong scope.
    """

    paths: dict[int, str]  # current unit id -> materialized path
    levels: dict[int, int]  # every unit id -> level
    successor: dict[int, int] = field(default_factory=dict)  # unit not in the tree -> current unit it rolls into

    @classmethod
    def load(cls) -> "UnitTree":
        paths, levels, successor_of = {}, {}, {}
        for pk, path, level, valid_to, successor_id in AdministrativeUnit.objects.values_list(
            "pk", "path", "level", "valid_to", "successor_id"
        ).iterator(chunk_size=5000):
            levels[pk] = level
            if valid_to is None and VALID_PATH.match(path or ""):
                paths[pk] = path
            elif successor_id is not None:
                successor_of[pk] = successor_id
        tree = cls(paths=paths, levels=levels)
        for pk in successor_of:
            target = cls._follow(pk, successor_of, paths)
            if target is not None:
                tree.successor[pk] = target
        return tree

    @staticmethod
    def _follow(pk: int, successor_of: dict[int, int], paths: dict[int, str]) -> int | None:
        seen = {pk}
        while pk not in paths:
            pk = successor_of.get(pk)
            if pk is None or pk in seen:  # end of the chain, or a cycle typed in admin
                return None
            seen.add(pk)
        return pk

    def current_unit(self, unit_id: int) -> int | None:
        """The current unit a row of ``unit_id`` counts under, or None when it must be left out."""
        if unit_id in self.paths:
            return unit_id
        return self.successor.get(unit_id)

    def units_per_level(self) -> dict[str, Counter]:
        """Per scope, the number of current units of each level in it (``{"level3": 126}``)."""
        totals: dict[str, Counter] = defaultdict(Counter)
        for pk, path in self.paths.items():
            key = f"level{self.levels[pk]}"
            for scope in scope_chain(path):
                totals[scope][key] += 1
        return totals
