"""Download views of the .xlsx exports: parse the request, call the owning app's selectors, stream."""

from django.contrib.auth.decorators import login_required, permission_required
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dashboards.selectors import SORT_KEYS, dashboard
from dashboards.views import programme_and_unit_or_404
from pccc import selectors as pccc_selectors
from pccc.forms import level_from_request, period_from_request
from pccc.periods import Period, sheet_title
from pccc.views import criteria_set_or_404
from provinces.selectors import unit_visible_to_or_404
from tasks import selectors as task_selectors
from tasks.views import task_list_filters

from . import selectors
from .throttle import rate_limited
from .xlsx import new_workbook, workbook_response, write_sheet


@login_required
@require_GET
def tasks_xlsx(request):
    """The task list as the page shows it: the same filters, search, commune and sort, read by the list's
    own ``task_list_filters`` (and ``don_vi`` for one unit's subtree). The sheet is also the import's
    template: edited, it can be imported back as is (``task_import``)."""
    if limited := rate_limited(request, "exports"):
        return limited
    user = request.user
    _filters, filter_kwargs, _showing_unit_instead = task_list_filters(request)
    tasks = task_selectors.task_list(user, **filter_kwargs)
    if request.GET.get("don_vi"):
        unit = unit_visible_to_or_404(user, request.GET["don_vi"])
        tasks = tasks.filter(unit__path__startswith=unit.path)
    workbook = new_workbook()
    write_sheet(workbook, title=_("Nhiệm vụ"), columns=selectors.task_columns(), rows=selectors.task_rows(tasks))
    return workbook_response(workbook, f"nhiem-vu-{timezone.localdate():%Y%m%d}.xlsx")


def grid_for(request, set_code: str, unit_code: str):
    """(criteria set, unit, period, level, grid) of a PCCC grid the user may see; 404 otherwise."""
    criteria_set = criteria_set_or_404(set_code)
    unit = unit_visible_to_or_404(request.user, unit_code)
    period = period_from_request(request.GET, Period.month_of(timezone.localdate()))
    criteria = pccc_selectors.criteria_of(criteria_set)
    levels = pccc_selectors.grid_levels_under(criteria, unit)
    level = level_from_request(request.GET, levels)
    grid = pccc_selectors.assessment_grid(criteria=criteria, root=unit, period=period, level=level)
    return criteria_set, unit, period, level, grid


@login_required
@permission_required("pccc.view_assessment", raise_exception=True)
@require_GET
def pccc_grid_xlsx(request, set_code: str, unit_code: str):
    """Units × criteria for a period, as the entry grid shows them; it is also the import template."""
    if limited := rate_limited(request, "exports"):
        return limited
    criteria_set, unit, period, _level, grid = grid_for(request, set_code, unit_code)
    columns = selectors.grid_columns(grid.criteria)
    workbook = new_workbook()
    write_sheet(
        workbook,
        title=sheet_title(period),
        columns=[column for _c, _p, column in columns],
        rows=selectors.grid_rows(grid, columns),
    )
    return workbook_response(workbook, f"pccc-{criteria_set.code}-{unit.code}-{period.key}.xlsx")


@login_required
@require_GET
def ranking_xlsx(request, programme_id: int, code: str):
    """The ranking of the child units on the dashboard, in the dashboard's sort order."""
    if limited := rate_limited(request, "exports"):
        return limited
    programme, unit = programme_and_unit_or_404(request.user, programme_id, code)
    sort = request.GET.get("sap_xep", "hoan-thanh")
    board = dashboard(programme=programme, unit=unit, sort=sort if sort in SORT_KEYS else "hoan-thanh")
    workbook = new_workbook()
    write_sheet(workbook, title=_("Xếp hạng"), columns=selectors.ranking_columns(), rows=selectors.ranking_rows(board))
    return workbook_response(workbook, f"xep-hang-{programme.pk}-{code}-{timezone.localdate():%Y%m%d}.xlsx")
