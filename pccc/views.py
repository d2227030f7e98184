"""Thin views: parse, call a selector or the save service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from provinces.choices import UnitLevel
from provinces.selectors import unit_breadcrumbs, unit_children_with_counts, unit_visible_to_or_404
from roles import policy

from . import selectors
from .forms import PeriodForm, cells_from_post, grid_rows, level_from_request, period_from_request
from .periods import Period
from .services import GridValidationError, assessment_grid_save


def criteria_set_or_404(code: str):
    """The active criteria set with this code, or the Vietnamese 404 (the exports use it too)."""
    criteria_set = selectors.criteria_set_active(code)
    if criteria_set is None:
        raise Http404(_("Không tìm thấy mô hình này."))
    return criteria_set


@login_required
@permission_required("pccc.view_assessment", raise_exception=True)
def index(request):
    """The sets (mô hình) with links for the user's unit; national users pick a province."""
    return render(
        request,
        "pccc/index.html",
        {
            "criteria_sets": list(selectors.criteria_sets_active()),
            "provinces": unit_children_with_counts(None) if request.user.unit is None else [],
            "can_enter": policy.can_enter_assessments(request.user),
        },
    )


@login_required
@permission_required("pccc.view_assessment", raise_exception=True)
def unit_results(request, set_code: str, unit_code: str):
    """Pass/fail of a unit in scope and "x/y đơn vị đạt" for each level below it."""
    criteria_set = criteria_set_or_404(set_code)
    unit = unit_visible_to_or_404(request.user, unit_code)
    chosen = period_from_request(request.GET, None)
    # No period chosen: each unit with its own latest month, as the dashboards count it; the
    # latest month of all is the one offered for entry, history and the period picker.
    results = selectors.unit_results(criteria_set=criteria_set, unit=unit, period=chosen)
    period = chosen or (Period.parse(results.months[1]) if results.months else Period.month_of(timezone.localdate()))
    return render(
        request,
        "pccc/unit_results.html",
        {
            "criteria_set": criteria_set,
            "unit": unit,
            "period": period,
            "period_form": PeriodForm(
                selected=period, kinds=selectors.period_kinds(results.criteria), first_year=_first_year(criteria_set)
            ),
            "results": results,
            "history": selectors.assessment_history(criteria_set=criteria_set, unit=unit, period=period),
            "breadcrumbs": unit_breadcrumbs(request.user, unit),
            "can_enter": policy.can_enter_assessments(request.user),
        },
    )


@login_required
@permission_required("pccc.add_assessment", raise_exception=True)
def assessment_grid(request, set_code: str, unit_code: str):
    """The spreadsheet-like entry grid; a POST saves the whole grid or nothing."""
    criteria_set = criteria_set_or_404(set_code)
    root = unit_visible_to_or_404(request.user, unit_code)
    data = request.POST if request.method == "POST" else request.GET
    criteria = selectors.criteria_of(criteria_set)
    period = period_from_request(data, selectors.default_entry_period(criteria, timezone.localdate()))
    levels = selectors.grid_levels_under(criteria, root, period)
    level = level_from_request(data, levels)
    typed, cell_errors, errors, status = [], {}, [], 200
    if request.method == "POST":
        try:
            typed = cells_from_post(data)
            # The raw key: a malformed period is refused, not silently replaced by a default.
            result = assessment_grid_save(
                user=request.user, criteria_set=criteria_set, root=root, period=data.get("ky", ""), cells=typed
            )
        except GridValidationError as exc:
            cell_errors, errors, status = exc.cell_errors, exc.errors, exc.status
        else:
            if result.changed:
                messages.success(request, _("Đã lưu %(count)s ô số liệu.") % {"count": result.changed})
            else:
                messages.info(request, _("Không có thay đổi nào để lưu."))
            url = reverse("pccc:grid", kwargs={"set_code": set_code, "unit_code": unit_code})
            page = _page_from(data)
            return redirect(f"{url}?ky={period.key}&cap={level}" + (f"&trang={page}" if page > 1 else ""))
    grid = selectors.assessment_grid(criteria=criteria, root=root, period=period, level=level, page=_page_from(data))
    return render(
        request,
        "pccc/grid.html",
        {
            "criteria_set": criteria_set,
            "unit": root,
            "period": period,
            "level": level,
            "levels": levels,
            "level_choices": [(lvl, UnitLevel(lvl).label) for lvl in levels],
            "period_form": PeriodForm(
                selected=period, kinds=selectors.period_kinds(criteria), first_year=_first_year(criteria_set)
            ),
            "grid": grid,
            "rows": grid_rows(grid, typed=typed if status != 200 else None, cell_errors=cell_errors),
            "errors": errors,
            "off_screen_errors": _off_screen_errors(cell_errors, grid=grid, criteria=criteria, root=root),
            "has_cell_errors": bool(cell_errors),
            "breadcrumbs": unit_breadcrumbs(request.user, root),
        },
        status=status,
    )


def _page_from(data) -> int:
    """The grid's page (?trang=2); 1 when absent or not a number (the selector clamps it to the last page)."""
    text = (data.get("trang") or "").strip()
    return int(text) if text.isdigit() and len(text) < 6 else 1


def _first_year(criteria_set) -> int | None:
    """The first year the picker offers: the set's start, when it says."""
    return criteria_set.starts_on.year if criteria_set.starts_on else None


def _off_screen_errors(cell_errors: dict, *, grid, criteria, root) -> list[tuple[str, str, str]]:
    """(unit, criterion, message) for each failed cell that the page does not show.

    Such a cell (another level, a unit merged since the page was opened, a forged post)
    has no input to sit beside, so its message must name it. A unit not found under
    ``root`` is named by the id that was posted only: its name is not the user's to see.
    """
    shown = {(c.pk, u.pk) for c in grid.criteria for u in grid.units}
    hidden = [(key, messages) for key, messages in cell_errors.items() if key not in shown]
    if not hidden:
        return []
    codes = {c.pk: c.code for c in criteria}
    names = selectors.unit_names_under(root, {unit_id for (_c, unit_id), _m in hidden})
    return [
        (
            names.get(unit_id) or _("Đơn vị #%(id)s") % {"id": unit_id},
            codes.get(criterion_id) or _("Tiêu chí #%(id)s") % {"id": criterion_id},
            message,
        )
        for (criterion_id, unit_id), messages in hidden
        for message in messages
    ]
