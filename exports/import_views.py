"""Two-step imports: upload → preview (every row and every error) → confirm. Thin: parse, plan, save."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from pccc.periods import Period
from pccc.views import criteria_set_or_404
from provinces.selectors import unit_visible_to_or_404
from roles import policy
from tasks import selectors as task_selectors

from . import pending, services
from .forms import PcccImportForm, TaskImportForm
from .pccc_import import planned_cells
from .task_import import MAX_ROWS as TASK_IMPORT_MAX_ROWS
from .task_import import column_names as task_columns
from .task_import import plan_task_import, planned_actions
from .templates_xlsx import task_template_response
from .throttle import rate_limited
from .uploads import MAX_UPLOAD_BYTES, CellError, SpreadsheetRefused, read_table, shown_errors


def _require_coordinator(user):
    if not policy.can_coordinate(user):
        raise PermissionDenied(_("Chỉ Thường trực (cơ quan điều phối) mới dùng được chức năng này."))


def _page(request, template: str, context: dict, *, status: int):
    """Render an import page; its error list is cut to the first ``MAX_ERRORS_SHOWN`` ("và N lỗi khác")."""
    context["errors"], context["errors_hidden"] = shown_errors(list(context.get("errors") or []))
    return render(request, template, context, status=status)


def _read_upload(form) -> bytes:
    """The uploaded bytes; the size is checked before anything is read into memory."""
    upload = form.cleaned_data["file"]
    if upload.size > MAX_UPLOAD_BYTES:
        raise SpreadsheetRefused([CellError(None, "", _("Tệp lớn hơn 5 MB. Hãy chia nhỏ tệp rồi nhập lần lượt."))])
    return upload.read()


def _task_table(data, filename):
    required, optional = task_columns()
    return read_table(data, required=required, optional=optional, filename=filename, max_rows=TASK_IMPORT_MAX_ROWS)


def _tasks_confirm(request, token):
    """Re-read the kept file, re-check every row against the current data, scope and preview, then save all or none.

    When rows now fail, the preview page comes back with those rows and the upload is still kept.
    """
    user = request.user
    stored = pending.load(request, "tasks", token)
    if stored is None:
        messages.error(request, _("Phiên nhập đã hết hạn. Hãy tải tệp lên lại."))
        return redirect("exports:task_import")
    params = stored.params
    programme = task_selectors.programme_visible_to(user, params["programme"])
    if programme is None:
        raise Http404(_("Không tìm thấy đề án này hoặc bạn không có quyền xem."))
    unit = unit_visible_to_or_404(user, params["unit"])
    plan, conflicts = None, []
    try:
        table = _task_table(stored.data, params["filename"])
        created, changed = services.task_import_confirm(
            actor=user, programme=programme, unit=unit, table=table, planned=stored.planned
        )
    except SpreadsheetRefused as refused:
        errors = refused.errors
    except services.TaskImportStale as stale:
        plan, errors, conflicts = stale.plan, stale.plan.errors, stale.conflicts
    else:
        pending.forget(request, token)
        messages.success(
            request,
            _("Đã nhập %(created)s nhiệm vụ mới, cập nhật %(changed)s nhiệm vụ.")
            % {"created": created, "changed": changed},
        )
        return redirect("tasks:my_tasks")
    # Something changed since the preview. Nothing is written; the failing rows are shown as
    # in the preview and the upload stays kept (same token). A row that breaks a rule can be
    # confirmed again once the data is fixed; a row whose task someone else created, edited
    # or removed needs a new upload, whose preview shows what would change now.
    form = TaskImportForm(user=user, initial={"programme": programme, "unit": unit})
    context = {"form": form, "plan": plan, "errors": errors, "token": token, "stale": True, "conflicts": conflicts}
    return _page(request, "exports/task_import.html", context, status=409)


@login_required
@require_http_methods(["GET", "POST"])
def task_import(request):
    """Import tasks into a programme and unit from the template."""
    _require_coordinator(request.user)
    user = request.user
    if request.method == "POST" and (limited := rate_limited(request, "imports")):
        return limited
    if request.POST.get("token"):
        return _tasks_confirm(request, request.POST["token"])
    form = TaskImportForm(request.POST or None, request.FILES or None, user=user)
    context = {"form": form, "plan": None, "errors": []}
    if request.method == "POST" and form.is_valid():
        programme, unit, filename = (
            form.cleaned_data["programme"],
            form.cleaned_data["unit"],
            form.cleaned_data["file"].name,
        )
        try:
            data = _read_upload(form)
            plan = plan_task_import(actor=user, programme=programme, unit=unit, table=_task_table(data, filename))
            errors = plan.errors
        except SpreadsheetRefused as refused:
            plan, errors = None, refused.errors
        except PermissionDenied as denied:
            plan, errors = None, [str(denied)]
        context.update(plan=plan, errors=errors)
        if not errors:
            context["token"] = pending.keep(
                request,
                "tasks",
                data,
                planned=planned_actions(plan),
                programme=programme.pk,
                unit=unit.code,
                filename=filename,
            )
    status = 400 if form.is_bound and (form.errors or context["errors"]) else 200
    return _page(request, "exports/task_import.html", context, status=status)


@login_required
@require_GET
def task_template(request):
    """The empty task template, with a second sheet listing the groups, agencies and unit codes."""
    _require_coordinator(request.user)
    if limited := rate_limited(request, "exports"):
        return limited
    return task_template_response(request.user)


def _pccc_confirm(request, token):
    """Re-read the kept file, re-check every cell against the current data, scope and preview, then save all or none.

    When rows or cells now fail, the preview page comes back with them and the upload is still kept.
    """
    stored = pending.load(request, "pccc", token)
    if stored is None:
        messages.error(request, _("Phiên nhập đã hết hạn. Hãy tải tệp lên lại."))
        return redirect("exports:pccc_import")
    params = stored.params
    criteria_set = criteria_set_or_404(params["criteria_set"])
    unit = unit_visible_to_or_404(request.user, params["unit"])
    period = Period.parse(params["period"])
    level = params.get("level")
    plan, errors, changed = services.pccc_import_apply(
        user=request.user,
        data=stored.data,
        criteria_set=criteria_set,
        unit=unit,
        period=period,
        level=level,
        dry_run=False,
        planned=stored.planned,
    )
    if errors:
        # As for tasks: nothing is written (the save service is all or nothing), the failing
        # rows and cells are listed, and the kept upload can be confirmed again or replaced;
        # a cell someone else saved since the preview needs a new upload (a new preview).
        initial = {"criteria_set": criteria_set, "unit": unit, "ky": period.key, "cap": level}
        form = PcccImportForm(user=request.user, initial=initial)
        conflicts = plan.conflicts if plan else []
        context = {"form": form, "plan": plan, "errors": errors, "token": token, "stale": True, "conflicts": conflicts}
        return _page(request, "exports/pccc_import.html", context, status=409)
    pending.forget(request, token)
    messages.success(request, _("Đã lưu %(count)s ô số liệu.") % {"count": changed})
    return redirect("pccc:unit_results", set_code=criteria_set.code, unit_code=unit.code)


@login_required
@permission_required("pccc.add_assessment", raise_exception=True)
@require_http_methods(["GET", "POST"])
def pccc_import(request):
    """Import criterion values for a period from the grid export (the template)."""
    if request.method == "POST" and (limited := rate_limited(request, "imports")):
        return limited
    if request.POST.get("token"):
        return _pccc_confirm(request, request.POST["token"])
    form = PcccImportForm(request.POST or None, request.FILES or None, user=request.user)
    context = {"form": form, "plan": None, "errors": []}
    if request.method == "POST" and form.is_valid():
        criteria_set, unit, period, level = (form.cleaned_data[k] for k in ("criteria_set", "unit", "ky", "cap"))
        try:
            data = _read_upload(form)
        except SpreadsheetRefused as refused:
            context["errors"] = refused.errors
        else:
            plan, errors, _changed = services.pccc_import_apply(
                user=request.user, data=data, criteria_set=criteria_set, unit=unit, period=period, level=level
            )
            context.update(plan=plan, errors=errors)
            if not errors:
                context["token"] = pending.keep(
                    request,
                    "pccc",
                    data,
                    planned=planned_cells(plan),
                    criteria_set=criteria_set.code,
                    unit=unit.code,
                    period=period.key,
                    level=level,
                )
    status = 400 if form.is_bound and (form.errors or context["errors"]) else 200
    return _page(request, "exports/pccc_import.html", context, status=status)
