"""Thin views: check scope, parse, call a selector or a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from exports.uploads import MAX_UPLOAD_BYTES, CellError, SpreadsheetRefused, shown_errors
from pccc.choices import PeriodKind
from pccc.forms import PeriodForm
from pccc.periods import InvalidPeriod, Period, recent_periods
from provinces.models import AdministrativeUnit
from provinces.selectors import unit_breadcrumbs, unit_visible_to_or_404

from . import selectors
from .forms import (
    IndicatorValueForm,
    category_field_name,
    category_inputs_from_post,
    target_cells_from_post,
    target_field_name,
    target_period_from_request,
)
from .importer import targets_import
from .models import EVERY_PERIOD
from .services import IndicatorInputError, category_values_save, indicator_values_save, targets_save

# The national view in URLs, as on the dashboards.
NATIONAL = "toan-quoc"


def _programme_or_404(user, programme_id: int):
    programme = selectors.programmes_visible_to(user).filter(pk=programme_id).first()
    if programme is None:
        raise Http404(_("Không tìm thấy đề án này hoặc bạn không có quyền xem."))
    return programme


def _unit_or_404(user, code: str) -> AdministrativeUnit | None:
    """A current unit in the user's scope, or None for the national view (national users only)."""
    if code == NATIONAL:
        if user.unit_id is not None:
            raise Http404(_("Bạn chỉ xem được số liệu trong phạm vi đơn vị của mình."))
        return None
    unit = unit_visible_to_or_404(user, code)
    if unit.is_legacy:
        raise Http404(_("Chỉ tiêu được báo cáo theo địa giới hiện nay."))
    return unit


def _period_or_none(text: str | None) -> Period | None:
    try:
        return Period.parse(text) if text else None
    except InvalidPeriod:
        return None


@login_required
@require_GET
def index(request):
    """Programmes with indicators, opened at the user's unit."""
    code = request.user.unit.code if request.user.unit_id else NATIONAL
    return render(
        request,
        "indicators/index.html",
        {"programmes": selectors.programmes_with_indicators(request.user), "code": code},
    )


@login_required
@require_GET
def unit_indicators(request, programme_id: int, code: str):
    """Every indicator of a programme for one unit: value, target, gap, verdict, trend; its children below."""
    programme = _programme_or_404(request.user, programme_id)
    unit = _unit_or_404(request.user, code)
    board = selectors.indicator_board_shared(
        programme=programme, unit=unit, period=_period_or_none(request.GET.get("ky"))
    )
    period = board.period or Period.month_of(timezone.localdate())
    grading_rule, graded = selectors.graded_rows(board)
    return render(
        request,
        "indicators/unit_indicators.html",
        {
            "grading_rule": grading_rule,
            "graded": graded,
            "programme": programme,
            "unit": unit,
            "board": board,
            "period": period,
            "period_form": PeriodForm(initial={"ky": period.key}),
            "breadcrumbs": unit_breadcrumbs(request.user, unit) if unit else [],
            "national_code": NATIONAL,
            "can_enter": unit is not None and selectors.can_enter_values(request.user),
            "can_assign": selectors.can_assign_targets(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def value_entry(request, programme_id: int, code: str):
    """The figures one unit reports for one period; a POST saves all of them or none."""
    if not selectors.can_enter_values(request.user):
        raise PermissionDenied(_("Bạn không có quyền nhập số liệu chỉ tiêu."))
    programme = _programme_or_404(request.user, programme_id)
    unit = _unit_or_404(request.user, code)
    if unit is None or not selectors.unit_in_programme_scope(programme, unit):
        raise Http404(_("Đơn vị này không thuộc phạm vi của đề án."))
    data = request.POST if request.method == "POST" else request.GET
    period = _period_or_none(data.get("ky")) or Period.month_of(timezone.localdate())
    indicators = selectors.indicators_of(programme)
    stored = selectors.values_for_entry(programme=programme, unit=unit, period=period)
    errors, status = [], 200
    if request.method == "POST":
        forms = [IndicatorValueForm(request.POST, indicator=i) for i in indicators]
        if all(form.is_valid() for form in forms):
            try:
                changed = indicator_values_save(
                    actor=request.user, programme=programme, unit=unit, period=data.get("ky", ""),
                    entries=[form.value_input() for form in forms],
                )  # fmt: skip
            except IndicatorInputError as error:
                errors = error.errors
                for form in forms:
                    for field, message in error.field_errors.get(form.indicator.pk, {}).items():
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, _("Đã lưu %(count)s chỉ tiêu.") % {"count": changed})
                url = reverse("indicators:entry", kwargs={"programme_id": programme.pk, "code": code})
                return redirect(f"{url}?ky={period.key}")
        status = 400
    else:
        forms = [IndicatorValueForm(indicator=i, initial=_initial(stored.get(i.pk))) for i in indicators]
    board = selectors.indicator_board(programme=programme, unit=unit, period=period)
    return render(
        request,
        "indicators/entry.html",
        {
            "programme": programme,
            "unit": unit,
            "period": period,
            "period_form": PeriodForm(initial={"ky": period.key}),
            "rows": list(zip(forms, board.figures or [None] * len(forms), strict=True)),
            "errors": errors,
            "breadcrumbs": unit_breadcrumbs(request.user, unit),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def category_entry(request, programme_id: int, code: str, indicator_id: int):
    """A unit's figure for one indicator and period split by the facility categories of the phase in force."""
    if not selectors.can_enter_values(request.user):
        raise PermissionDenied(_("Bạn không có quyền nhập số liệu chỉ tiêu."))
    programme = _programme_or_404(request.user, programme_id)
    unit = _unit_or_404(request.user, code)
    indicator = next((i for i in selectors.indicators_of(programme) if i.pk == indicator_id), None)
    if unit is None or indicator is None or not selectors.unit_in_programme_scope(programme, unit):
        raise Http404(_("Không tìm thấy chỉ tiêu hoặc đơn vị này trong phạm vi của đề án."))
    data = request.POST if request.method == "POST" else request.GET
    period = _period_or_none(data.get("ky")) or Period.month_of(timezone.localdate())
    breakdown = selectors.category_breakdown(indicator=indicator, unit=unit, period=period)
    errors, field_errors, status = [], {}, 200
    if request.method == "POST":
        entries, field_errors = category_inputs_from_post(request.POST, [c for c, _row in breakdown.rows])
        if not field_errors:
            try:
                changed = category_values_save(
                    actor=request.user, programme=programme, unit=unit, indicator=indicator,
                    period=data.get("ky", ""), entries=entries,
                )  # fmt: skip
            except IndicatorInputError as error:
                errors, field_errors = error.errors, error.field_errors
            else:
                messages.success(request, _("Đã lưu %(count)s số liệu theo loại cơ sở.") % {"count": changed})
                url = reverse("indicators:categories", args=[programme.pk, code, indicator.pk])
                return redirect(f"{url}?ky={period.key}")
        status = 400
    return render(
        request,
        "indicators/categories.html",
        {
            "programme": programme,
            "unit": unit,
            "indicator": indicator,
            "period": period,
            "breakdown": breakdown,
            "rows": _category_rows(breakdown, request.POST if request.method == "POST" else None, field_errors),
            "errors": errors,
            "breadcrumbs": unit_breadcrumbs(request.user, unit),
        },
        status=status,
    )


def _category_rows(breakdown, typed, field_errors: dict) -> list[dict]:
    """One row per category: what was typed (after a refused POST) or what is stored, and its messages."""
    rows = []
    for category, stored in breakdown.rows:
        row = {"category": category, "errors": field_errors.get(category.pk, {})}
        for part in ("numerator", "denominator"):
            name = category_field_name(category.pk, part)
            value = getattr(stored, part, None)
            row[part] = {"name": name, "value": typed.get(name, "") if typed else ("" if value is None else value)}
        rows.append(row)
    return rows


def _initial(value) -> dict:
    if value is None:
        return {}
    if value.entered_percent is not None:
        return {"percent": value.entered_percent, "base": value.denominator, "paired": value.paired_value}
    return {"numerator": value.numerator, "denominator": value.denominator, "paired": value.paired_value}


@login_required
@require_http_methods(["GET", "POST"])
def target_grid(request, programme_id: int, code: str):
    """Assigned targets of a unit and its children (national: the whole programme and provinces) for one period."""
    if not selectors.can_assign_targets(request.user):
        raise PermissionDenied(_("Bạn không có quyền giao chỉ tiêu."))
    programme = _programme_or_404(request.user, programme_id)
    unit = _unit_or_404(request.user, code)
    data = request.POST if request.method == "POST" else request.GET
    period_key = target_period_from_request(data)
    indicators = selectors.indicators_of(programme)
    units = selectors.target_grid_units(programme=programme, unit=unit)
    unit_ids = ([None] if unit is None else []) + [u.pk for u in units]
    cell_errors, errors, typed, status = {}, [], {}, 200
    import_errors, import_errors_hidden = [], 0
    if request.method == "POST" and "tep" in request.FILES:
        upload = request.FILES["tep"]
        try:
            if upload.size > MAX_UPLOAD_BYTES:
                raise SpreadsheetRefused([CellError(None, "", _("Tệp quá lớn: tối đa 5 MB."))])
            changed = targets_import(actor=request.user, programme=programme, data=upload.read(), filename=upload.name)
        except SpreadsheetRefused as error:
            import_errors, import_errors_hidden = shown_errors(error.errors)
            status = 400
        else:
            messages.success(request, _("Đã nhập %(count)s chỉ tiêu giao từ tệp Excel.") % {"count": changed})
            url = reverse("indicators:targets", kwargs={"programme_id": programme.pk, "code": code})
            return redirect(f"{url}?ky={period_key}")
    elif request.method == "POST":
        typed = request.POST
        cells, cell_errors = target_cells_from_post(request.POST, indicators=indicators, unit_ids=unit_ids)
        if not cell_errors:
            try:
                changed = targets_save(actor=request.user, programme=programme, period=period_key, cells=cells)
            except IndicatorInputError as error:
                cell_errors, errors = error.field_errors, error.errors
            else:
                messages.success(request, _("Đã lưu %(count)s chỉ tiêu giao.") % {"count": changed})
                url = reverse("indicators:targets", kwargs={"programme_id": programme.pk, "code": code})
                return redirect(f"{url}?ky={period_key}")
        status = 400
    stored = selectors.targets_for_grid(programme=programme, units=units, period_key=period_key)
    rows = []
    for row_unit in ([None] if unit is None else []) + units:
        unit_id = row_unit.pk if row_unit else None
        cells = []
        for indicator in indicators:
            name = target_field_name(indicator.pk, unit_id)
            target = stored.get((indicator.pk, unit_id))
            shown = typed.get(name, "") if typed else (_decimal_text(target.value) if target else "")
            cells.append({"name": name, "value": shown, "error": cell_errors.get((indicator.pk, unit_id))})
        rows.append((row_unit, cells))
    today = timezone.localdate()
    return render(
        request,
        "indicators/targets.html",
        {
            "programme": programme,
            "unit": unit,
            "indicators": indicators,
            "rows": rows,
            "period_key": period_key,
            # Targets may be set ahead: next year too.
            "period_choices": [
                (EVERY_PERIOD, _("Mọi kỳ")),
                *((p.key, p.label) for p in [*recent_periods(today), Period(today.year + 1, PeriodKind.YEAR)]),
            ],
            "errors": errors,
            "import_errors": import_errors,
            "import_errors_hidden": import_errors_hidden,
            "has_cell_errors": bool(cell_errors),
            "breadcrumbs": unit_breadcrumbs(request.user, unit) if unit else [],
            "national_code": NATIONAL,
        },
        status=status,
    )


def _decimal_text(value) -> str:
    """A stored target as a person would type it: "98,5", "25"."""
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


@login_required
@require_GET
def export_xlsx(request, programme_id: int, code: str):
    """The page's figures as a spreadsheet: each indicator with its target, verdict and gap, per unit."""
    from exports.throttle import rate_limited
    from exports.xlsx import new_workbook, workbook_response, write_sheet

    from .export import indicator_columns, indicator_rows

    if limited := rate_limited(request, "exports"):
        return limited
    programme = _programme_or_404(request.user, programme_id)
    unit = _unit_or_404(request.user, code)
    board = selectors.indicator_board(programme=programme, unit=unit, period=_period_or_none(request.GET.get("ky")))
    workbook = new_workbook()
    label = unit.name if unit else _("Toàn quốc")
    write_sheet(
        workbook, title=_("Chỉ tiêu"), columns=indicator_columns(), rows=indicator_rows(board, unit_label=label)
    )
    period = board.period.key if board.period else "chua-co"
    return workbook_response(workbook, f"chi-tieu-{programme.pk}-{code}-{period}.xlsx")
