"""Pages of the tasks app: parse, call a selector or a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from roles import policy

from . import selectors, services
from .evidence import download_name, is_size_refusal, max_evidence_bytes
from .forms import (
    CopyTasksForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    ProgressReportForm,
    ReasonForm,
    TaskCommentForm,
    TaskForm,
    TaskListForm,
)


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


def _extension_or_404(user, pk):
    extension = selectors.extension_request_visible_to(user, pk)
    if extension is None:
        raise Http404(_("Không tìm thấy đề nghị gia hạn này hoặc bạn không có quyền xem."))
    return extension


def _require_coordinator(user) -> None:
    if not policy.can_coordinate(user):
        raise PermissionDenied(_("Chỉ Thường trực (cơ quan điều phối) mới dùng được chức năng này."))


@login_required
@require_GET
def my_tasks(request):
    """ "Việc của tôi" and every task list: search, commune, status, sort, page size, grouping; all in the URL."""
    user = request.user
    filters, filter_kwargs, showing_unit_instead = task_list_filters(request)
    tasks = selectors.task_list(user, **filter_kwargs)
    counts = selectors.task_counts(tasks)
    if filters.grouped:
        paginator = Paginator(selectors.task_groups(tasks), filters.page_size)
    else:
        paginator = Paginator(tasks, filters.page_size)
        paginator.count = counts["total"]  # already counted: saves a query
    page = paginator.get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    # Status badges link to the same list narrowed to their status.
    status_query = query.copy()
    for key in ("status", "overdue"):
        status_query.pop(key, None)
    return render(
        request,
        "tasks/my_tasks.html",
        {
            "filters": filters,
            "page": page,
            "grouped": filters.grouped,
            "counts": counts,
            "query": query.urlencode(),
            "status_query": status_query.urlencode(),
            "query_items": [(key, value) for key in query for value in query.getlist(key)],
            "heading": _list_heading(user, filter_kwargs),
            "narrowed_by": selectors.narrowing_filter_labels(user, **filter_kwargs),
            "showing_unit_instead": showing_unit_instead,
            "returned": selectors.returned_reports_for(user, selectors.my_tasks(user, scope="mine")),
        },
    )


def task_list_filters(request) -> tuple[TaskListForm, dict, bool]:
    """The list's filters read from the URL: (form, ``selectors.task_list`` keyword arguments, whether an
    officer with nothing assigned sees their unit's tasks instead). The list and its .xlsx export both
    call this, so that the export holds exactly the rows the list shows."""
    user = request.user
    # Leaders have no assignments of their own: they start from every task of their unit.
    default_scope = "mine" if policy.can_report(user) else "unit"
    filters = TaskListForm(
        request.GET or None,
        programmes=selectors.programmes_visible_to(user),
        units=selectors.units_for_task_list(user, request.GET.get("commune", "")[:20]),
        default_scope=default_scope,
    )
    filter_kwargs = filters.selector_kwargs(default_scope=default_scope)
    showing_unit_instead = _nothing_assigned(request, user, filter_kwargs)
    if showing_unit_instead:
        filter_kwargs["scope"] = "unit"
    return filters, filter_kwargs, showing_unit_instead


def _list_heading(user, filter_kwargs) -> str:
    """The list's heading follows its scope: my work, a unit's tasks, or the whole country's."""
    if filter_kwargs["scope"] == "mine" and not filter_kwargs.get("unit_code"):
        return _("Việc của tôi")
    unit = selectors.unit_visible_to(user, filter_kwargs["unit_code"]) if filter_kwargs.get("unit_code") else user.unit
    if unit is None:
        return _("Nhiệm vụ toàn quốc")
    return _("Nhiệm vụ của %(unit)s") % {"unit": unit.name}


def _nothing_assigned(request, user, filter_kwargs) -> bool:
    """True when an officer opens "Việc của tôi" without choosing a scope and nothing is assigned to them:
    the page then shows their unit's tasks with a hint saying so, rather than an empty list."""
    return (
        "scope" not in request.GET
        and filter_kwargs["scope"] == "mine"
        and not selectors.my_tasks(user, scope="mine").exists()
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
    context.update(_discussion_context(user, task, **forms))
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
                    data_date=data["data_date"],
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
@require_http_methods(["GET", "POST"])
def verification_queue(request):
    """Completion reports waiting for the coordinator, each shown in full (reporter, note, evidence, days
    waiting) and confirmed or returned from here; a POST comes back to the queue."""
    _require_coordinator(request.user)
    if request.method == "POST":
        _queue_decide(request)
        return redirect("tasks:verification_queue")
    return render(
        request, "tasks/verification_queue.html", {"tasks": selectors.verification_queue_with_reports(request.user)}
    )


def _posted_task_ids(values) -> list[int]:
    """Task ids of the queue's buttons and checkboxes; anything that is not a sane id is dropped."""
    ids = []
    for value in values:
        value = (value or "").strip()
        if value.isdecimal() and len(value) <= 18:
            ids.append(int(value))
    return ids


def _queue_decide(request) -> None:
    """Return one report with a reason, or confirm one or several (checked) reports in one transaction.

    Each confirmation goes through ``progress_completion_verify`` (timeline, history, four eyes). The
    form carries the id of the report that was on screen; a report replaced since then is not
    confirmed unread.
    """
    user = request.user
    if returned := _posted_task_ids([request.POST.get("return")]):
        task = selectors.verification_queue(user).filter(pk=returned[0]).first()
        if task is None:
            messages.error(request, _("Báo cáo này không còn chờ xác nhận hoặc ngoài phạm vi của bạn."))
            return
        try:
            services.progress_completion_return(
                actor=user, task=task, reason=request.POST.get(f"reason-{task.pk}", "")[:2000]
            )
        except ValidationError as error:
            messages.error(
                request, _("“%(title)s”: %(error)s") % {"title": task.title, "error": " ".join(error.messages)}
            )
        else:
            messages.success(request, _("Đã trả lại báo cáo của nhiệm vụ “%(title)s”.") % {"title": task.title})
        return
    if "confirm_selected" in request.POST:
        ids = _posted_task_ids(request.POST.getlist("selected"))
    else:
        ids = _posted_task_ids([request.POST.get("confirm")])
    if not ids:
        messages.error(request, _("Hãy chọn ít nhất một báo cáo để xác nhận."))
        return
    tasks = list(selectors.verification_queue(user).filter(pk__in=ids))
    if len(tasks) != len(set(ids)):
        messages.error(
            request, _("Có báo cáo không còn chờ xác nhận hoặc ngoài phạm vi của bạn; chưa xác nhận báo cáo nào.")
        )
        return
    reports = selectors.pending_completion_reports(task.pk for task in tasks)
    try:
        with transaction.atomic():
            for task in tasks:
                report = reports.get(task.pk)
                if report is None or str(report.pk) != request.POST.get(f"report-{task.pk}"):
                    raise ValidationError(
                        _("Báo cáo của nhiệm vụ “%(title)s” đã thay đổi sau khi bạn mở trang; hãy đọc lại.")
                        % {"title": task.title}
                    )
                try:
                    services.progress_completion_verify(
                        actor=user, task=task, note=request.POST.get(f"note-{task.pk}", "")[:2000]
                    )
                except ValidationError as error:
                    raise ValidationError(
                        _("“%(title)s”: %(error)s") % {"title": task.title, "error": " ".join(error.messages)}
                    ) from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages) + " " + _("Chưa xác nhận báo cáo nào."))
        return
    messages.success(request, _("Đã xác nhận %(count)s báo cáo hoàn thành.") % {"count": len(tasks)})


@login_required
@require_http_methods(["GET", "POST"])
def programme_copy(request):
    """Copy a programme's task list to several units (or every commune) or another year: a preview of what
    each target gets (copies, titles skipped as already there, problems), then the copy, all or nothing."""
    _require_coordinator(request.user)
    form = CopyTasksForm(request.POST or None, user=request.user)
    targets = None
    confirming = bool(request.POST.get("confirm"))
    # The preview plans without writing; the confirmation plans again and writes, all targets or none.
    copy = services.programme_tasks_copy_to_units if confirming else services.programme_tasks_copy_plan
    if request.method == "POST" and form.is_valid():
        try:
            targets = copy(actor=request.user, **form.copy_kwargs())
        except ValidationError as error:
            if hasattr(error, "error_dict") and not set(error.error_dict) <= set(form.fields):
                error = ValidationError(error.messages)  # a task's field: shown above the form
            form.add_error(None, error)
        else:
            if confirming:
                created = sum(target.creates for target in targets)
                messages.success(
                    request,
                    _("Đã sao chép %(count)s nhiệm vụ sang %(units)s đơn vị.")
                    % {"count": created, "units": len(targets)},
                )
                return redirect(reverse("tasks:my_tasks") + "?scope=unit")
    context = {
        "form": form,
        "targets": targets,
        "can_confirm": bool(targets) and not any(target.problems for target in targets),
        "creates": sum(target.creates for target in targets or []),
        "skipped": sum(len(target.skipped) for target in targets or []),
        # The confirmation posts exactly what was previewed.
        "previewed": [
            (key, value)
            for key in request.POST
            if key not in ("csrfmiddlewaretoken", "confirm", "submit")
            for value in request.POST.getlist(key)
        ],
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "tasks/programme_copy.html", context, status=status)


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


# --- discussion and deadline extensions (issue 19) ---------------------------


def _discussion_context(user, task, **forms) -> dict:
    """The task page's discussion thread and requests for a new deadline, with their forms."""
    extensions = selectors.task_extension_requests(task)
    can_request = (
        policy.can_report(user) and not task.is_done and not any(extension.is_pending for extension in extensions)
    )
    return {
        "can_report": policy.can_report(user),
        "comments": selectors.task_comments(task),
        "comment_form": forms.get("comment_form") or TaskCommentForm(),
        "extension_requests": extensions,
        "extension_form": forms.get("extension_form") or (ExtensionRequestForm() if can_request else None),
        "decision_form": forms.get("decision_form") or ExtensionDecisionForm(),
    }


def _render_detail_with_errors(request, task, **forms):
    messages.error(request, _("Chưa thực hiện được. Hãy xem lỗi bên dưới."))
    return render(request, "tasks/task_detail.html", _detail_context(request, task, **forms), status=400)


@login_required
@require_POST
def task_comment_add(request, pk: int):
    """Post a message to the task's discussion [trao đổi]; back to the thread."""
    task = _task_or_404(request.user, pk)
    form = TaskCommentForm(request.POST)
    if form.is_valid():
        try:
            services.task_comment_add(actor=request.user, task=task, body=form.cleaned_data["body"])
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Đã gửi trao đổi."))
            return redirect(task.get_absolute_url() + "#trao-doi")
    return _render_detail_with_errors(request, task, comment_form=form)


@login_required
@require_POST
def deadline_extension_request(request, pk: int):
    """An officer asks for a new deadline with a reason; the coordinator decides on the same page."""
    task = _task_or_404(request.user, pk)
    form = ExtensionRequestForm(request.POST)
    if form.is_valid():
        try:
            services.deadline_extension_request(actor=request.user, task=task, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Đã gửi đề nghị gia hạn; Thường trực sẽ xem xét."))
            return redirect(task.get_absolute_url() + "#gia-han")
    return _render_detail_with_errors(request, task, extension_form=form)


@login_required
@require_POST
def deadline_extension_decide(request, pk: int):
    """The coordinator approves (the deadline moves through the task service) or refuses with a reason."""
    extension = _extension_or_404(request.user, pk)
    _require_coordinator(request.user)
    task = _task_or_404(request.user, extension.task_id)
    form = ExtensionDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.deadline_extension_decide(
                actor=request.user,
                extension=extension,
                approve=form.approves,
                note=form.cleaned_data["decision_note"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            if form.approves:
                messages.success(request, _("Đã đồng ý gia hạn; thời hạn mới đã ghi vào lịch sử thay đổi."))
            else:
                messages.success(request, _("Đã trả lời không đồng ý gia hạn."))
            return redirect(task.get_absolute_url() + "#gia-han")
    return _render_detail_with_errors(request, task, decision_form=form)
