"""What the nightly run leaves ready for the morning's first viewers of the national and provincial
dashboards: the parts of their page that depend only on the run, computed once and shared.

A province's dashboard, first visit of the day, in process on the national dataset (Nghệ An, median
of 8): 114 ms with nothing ready, 63 ms with what this leaves ready (docs/benchmarks.md). Communes are
left to their first viewer: their page is small.
"""

import datetime
import logging
import time

from django.conf import settings
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import translation

from provinces.choices import UnitLevel
from provinces.models import AdministrativeUnit

from .models import NATIONAL_SCOPE, CompletionSnapshot
from .selectors import NATIONAL, changes_since_shared, dashboard

logger = logging.getLogger(__name__)

# The ranking as a viewer first sees it: the default sort and criteria set, the latest figures.
DEFAULT_SORT = "hoan-thanh"


def warm_dashboards(as_of: datetime.date) -> None:
    """After a successful run of ``as_of``: fill the shared parts of the national and provincial pages.

    A failure here costs only the first viewer's wait, so it is logged, never raised: the run stands.
    """
    started = time.perf_counter()
    try:
        if CompletionSnapshot.objects.filter(date__gt=as_of).exists():
            return  # a past day recomputed: the pages show a later day, whose parts these are not
        changes = warm_changes_since(as_of)
        rankings = warm_ranking_sections(as_of)
    except Exception:
        logger.exception("Warming the dashboards of %s failed", as_of)
        return
    logger.info(
        "Warmed the dashboards of %s: %s comparisons, %s rankings in %.1f s",
        as_of, changes, rankings, time.perf_counter() - started,
    )  # fmt: skip


def _warmed_scopes() -> list[str]:
    provinces = AdministrativeUnit.objects.current().filter(level=UnitLevel.PROVINCE)
    return [NATIONAL_SCOPE, *provinces.values_list("path", flat=True)]


def _snapshots_shown(as_of: datetime.date, scopes: list[str]):
    """Each programme's national and provincial snapshot of ``as_of``: the figures their pages show."""
    return CompletionSnapshot.objects.filter(date=as_of, scope_path__in=scopes).select_related("programme", "unit")


def warm_changes_since(as_of: datetime.date) -> int:
    """Compute each national and provincial "Thay đổi từ ngày …" of the run of ``as_of`` against the
    scope's previous snapshot, as its first viewer's page would (same shared key); returns how many.
    A province's costs 10–20 ms of SQL on the national dataset."""
    scopes = _warmed_scopes()
    previous = {
        (row["programme_id"], row["scope_path"]): row["day"]
        for row in CompletionSnapshot.objects.filter(date__lt=as_of, scope_path__in=scopes)
        .values("programme_id", "scope_path")
        .annotate(day=Max("date"))
    }
    warmed = 0
    for snapshot in _snapshots_shown(as_of, scopes):
        since = previous.get((snapshot.programme_id, snapshot.scope_path))
        if since is not None:
            changes_since_shared(
                programme=snapshot.programme, unit=snapshot.unit, until=as_of, since=since,
                known_at=snapshot.computed_at,
            )  # fmt: skip
            warmed += 1
    return warmed


def warm_ranking_sections(as_of: datetime.date) -> int:
    """Render the ranking and tile map of each national and provincial page showing ``as_of``, in the
    portal's language, through the page's own include: its ``{% cache %}`` stores them under the key
    the page will look up. Returns how many were rendered."""
    rendered = 0
    with translation.override(settings.LANGUAGE_CODE):
        for snapshot in _snapshots_shown(as_of, _warmed_scopes()):
            # ``on``: that day's figures without the live ones (the page computes those itself).
            board = dashboard(programme=snapshot.programme, unit=snapshot.unit, on=as_of)
            render_to_string("dashboards/_ranking_section.html", ranking_section_context(board))
            rendered += 1
    return rendered


def ranking_section_context(board) -> dict:
    """The names ``_ranking_section.html`` reads, as the latest page with no sort or set chosen has them."""
    return {
        "board": board,
        "programme": board.programme,
        "snap": board.snapshot,
        "sort": DEFAULT_SORT,
        "set_query": "",
        "date_query": "",
        "national_code": NATIONAL,
    }
