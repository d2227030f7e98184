"""Pages of the tasks app: parse, call a selector or a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from roles import policy

from . import selectors, services
from .evidence import download_name, is_size_refusal, max_evidence_bytes
from .forms import CopyTasksForm, ProgressReportForm, ReasonForm, TaskFilterForm, TaskForm

PAGE_SIZE = 50


def _task_or_404(user, pk):
    """The same Vietnamese 404 whether the task is missing or out of scope."""
    task = selectors.task_visible_to(user, pk)
    if task is None:
        raise Http404(_("Không tìm thấy nhiệm vụ này hoặc bạn không có quyền xem."))
    return task


def _evidence_or_404(user, pk):
    evidence = selectors.evidence_visible_to(user, pk)
    if evidence is None:
        raise Http404(_("Không tìm thấy tệp minh chứng này hoặc bạn không có quyền tải về."))
    return evidence


def _require_coordinator(user) -> None:
    if not policy.can_coordinate(user):
        raise PermissionDenied(_("Chỉ Thường trực (cơ quan điều phối) mới dùng được chức năng này."))


@login_required
@require_GET
def my_tasks(request):
    """ "Việc của tôi": tasks assigned to me, my agency or my unit, sorted by deadline."""
    user = request.user
    # Leaders have no assignments of their own: they start from every task of their unit.
    default_scope = "mine" if policy.can_report(user) else "unit"
    filters = TaskFilterForm(
        request.GET or None, programmes=selectors.programmes_visible_to(user), default_scope=default_scope
    )
    filter_kwargs = filters.selector_kwargs(default_scope=default_scope)
    tasks = selectors.my_tasks(user, **filter_kwargs)
    counts = selectors.task_counts(tasks)
    paginator = Paginator(tasks, PAGE_SIZE)
    paginator.count = counts["total"]  # already counted: saves a query
    page = paginator.get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    return render(
        request,
        "tasks/my_tasks.html",
        {
            "filters": filters,
            "page": page,
            "counts": counts,
            "query": query.urlencode(),
            "narrowed_by": selectors.narrowing_filter_labels(user, **filter_kwargs),
            "returned": selectors.returned_reports_for(user, selectors.my_tasks(user, scope="mine")),
        },
    )


def _detail_context(request, task, **forms) -> dict:
    user = request.user
    can_coordinate = policy.can_coordinate(user)
    context = {
        "task": task,
        "timeline": selectors.task_timeline(task),
        "audit_log": selectors.task_audit_log(task),
        "coordinating_agencies": list(task.coordinating_agencies.all()),
        "can_coordinate": can_coordinate,
        "max_upload": filesizeformat(max_evidence_bytes()),
        "report_form": None,
        "return_form": forms.get("return_form") or ReasonForm(prefix="tra-lai"),
        "reopen_form": forms.get("reopen_form") or ReasonForm(prefix="mo-lai"),
    }
    if policy.can_report(user) and not task.completion_verified:
        context["report_form"] = forms.get("report_form") or ProgressReportForm(
            action=reverse("tasks:task_detail", kwargs={"pk": task.pk}),
            initial={"percent": task.current_percent, "status": task.current_status},
        )
    return context


@login_required
@require_http_methods(["GET", "POST"])
def task_detail(request, pk: int):
    """The task's "5 rõ" fields, its timeline and audit log, and the report form."""
    task = _task_or_404(request.user, pk)
    if request.method == "POST":
        form = ProgressReportForm(request.POST, request.FILES, action=request.path)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.progress_report_submit(
                    actor=request.user, task=task, percent=data["percent"], status=data["status"],
                    note=data["note"], block_reason=data["block_reason"], files=data["evidence"],
                )  # fmt: skip
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Đã ghi nhận báo cáo tiến độ."))
                return redirect(task)
        messages.error(request, _("Báo cáo chưa được lưu. Hãy sửa các lỗi bên dưới."))
        # Too many, too large or over quota: 413; any other refusal: 400.
        too_large = any(is_size_refusal(e) for errors in form.errors.as_data().values() for e in errors)
        context = _detail_context(request, task, report_form=form)
        return render(request, "tasks/task_detail.html", context, status=413 if too_large else 400)
    return render(request, "tasks/task_detail.html", _detail_context(request, task))


def _next_url(request, task) -> str:
    target = request.POST.get("next")
    return reverse("tasks:verification_queue") if target == "queue" else task.get_absolute_url()


@login_required
@require_POST
def task_verify(request, pk: int):
    """Confirm a completion report [xác nhận]."""
    task = _task_or_404(request.user, pk)
    try:
        services.progress_completion_verify(actor=request.user, task=task, note=request.POST.get("note", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã xác nhận hoàn thành nhiệm vụ “%(title)s”.") % {"title": task.title})
    return redirect(_next_url(request, task))


@login_required
@require_POST
def task_return(request, pk: int):
    """Return a completion report with a reason [trả lại]."""
    return _reason_action(request, pk, prefix="tra-lai", service=services.progress_completion_return)


@login_required
@require_POST
def task_reopen(request, pk: int):
    """Reopen a completed task with a reason [mở lại]."""
    return _reason_action(request, pk, prefix="mo-lai", service=services.task_reopen)


def _reason_action(request, pk, *, prefix, service):
    task = _task_or_404(request.user, pk)
    _require_coordinator(request.user)
    form = ReasonForm(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            service(actor=request.user, task=task, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Đã cập nhật nhiệm vụ và ghi vào dòng thời gian."))
            return redirect(task)
    messages.error(request, _("Chưa thực hiện được. Hãy xem lỗi bên dưới."))
    forms = {"return_form" if prefix == "tra-lai" else "reopen_form": form}
    return render(request, "tasks/task_detail.html", _detail_context(request, task, **forms), status=400)


@login_required
@require_http_methods(["GET", "POST"])
def task_create(request):
    """Create and assign a task within the coordinator's scope."""
    _require_coordinator(request.user)
    form = TaskForm(request.POST or None, user=request.user, submit_label=_("Giao nhiệm vụ"))
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            task = services.task_create(actor=request.user, **fields)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Đã giao nhiệm vụ."))
            return redirect(task)
    status = 400 if form.is_bound else 200
    return render(request, "tasks/task_form.html", {"form": form, "task": None}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request, pk: int):
    """Edit a task's fields; a concurrent edit gives "đã có người sửa" and keeps what was typed."""
    _require_coordinator(request.user)
    task = _task_or_404(request.user, pk)
    form = TaskForm(request.POST or None, instance=task, user=request.user, submit_label=_("Lưu thay đổi"))
    conflict = False
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.task_update(
                actor=request.user, task=task, expected_version=form.cleaned_data["version"] or 0, **fields
            )
        except services.TaskEditConflict as error:
            conflict = True
            task = _task_or_404(request.user, pk)
            data = request.POST.copy()
            data["version"] = task.version  # saving again now is a deliberate overwrite
            form = TaskForm(data, instance=task, user=request.user, submit_label=_("Lưu đè thay đổi của tôi"))
            form.is_valid()
            form.add_error(None, error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect(task)
    status = 409 if conflict else 400 if form.is_bound else 200
    return render(request, "tasks/task_form.html", {"form": form, "task": task, "conflict": conflict}, status=status)


@login_required
@require_GET
def verification_queue(request):
    """Completion reports waiting for the coordinator's confirmation."""
    _require_coordinator(request.user)
    return render(request, "tasks/verification_queue.html", {"tasks": selectors.verification_queue(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def programme_copy(request):
    """Copy a programme's task list to another unit or another year."""
    _require_coordinator(request.user)
    form = CopyTasksForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.programme_tasks_copy(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict") and not set(error.error_dict) <= set(form.fields):
                error = ValidationError(error.messages)  # a task's field: shown above the form
            form.add_error(None, error)
        else:
            messages.success(request, _("Đã sao chép %(count)s nhiệm vụ.") % {"count": len(created)})
            return redirect(reverse("tasks:my_tasks") + "?scope=unit")
    return render(request, "tasks/programme_copy.html", {"form": form}, status=400 if form.is_bound else 200)


@login_required
@require_GET
def evidence_download(request, pk: int):
    """Serve an evidence file to a user who may see its task, under its original name."""
    evidence = _evidence_or_404(request.user, pk)
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=download_name(evidence.original_name, evidence.content_type),
        content_type=evidence.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response
