"""Records downloads (exports, reports, evidence) and refused attempts, keyed on the resolved URL.

A middleware rather than a decorator on each view: the views belong to their apps, and a new
export is covered as soon as it answers with an attachment.
"""

import logging
import re

from .choices import EventKind
from .context import current_request
from .services import audit_record, request_query

logger = logging.getLogger(__name__)

# view name → kind of a successful download. Any other attachment is recorded as an export.
DOWNLOAD_KINDS = {
    "tasks:evidence_download": EventKind.EVIDENCE_DOWNLOAD,
    "exports:report": EventKind.REPORT_DOWNLOAD,
    "exports:report_pdf": EventKind.REPORT_DOWNLOAD,
    "exports:tasks_xlsx": EventKind.EXPORT,
    "exports:pccc_grid_xlsx": EventKind.EXPORT,
    "exports:ranking_xlsx": EventKind.EXPORT,
}
# Blank templates carry no data.
NOT_AUDITED = {"exports:task_template"}
REFUSED_STATUSES = {403, 404}
FILENAME = re.compile(r"filename\*=UTF-8''([^;]+)|filename=\"?([^\";]+)\"?", re.IGNORECASE)


def _download_name(response) -> str:
    from urllib.parse import unquote

    found = FILENAME.search(response.get("Content-Disposition", ""))
    if not found:
        return ""
    return unquote(found.group(1)) if found.group(1) else found.group(2)


class AuditMiddleware:
    """Keeps the request for receivers, then records what the response says happened."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        try:
            self.record(request, response)
        except Exception:  # the audit never turns a served page into an error
            logger.exception("audit of %s %s failed", request.method, request.path)
        return response

    def record(self, request, response) -> None:
        match = getattr(request, "resolver_match", None)
        if match is None:
            return  # unknown URLs are not objects
        if getattr(request, "audited_by_view", False):
            return  # the view recorded the call itself (the read API: audit.services.audit_api_call)
        view_name = match.view_name
        refused = response.status_code in REFUSED_STATUSES
        kind = None
        if not refused:
            if response.status_code != 200 or view_name in NOT_AUDITED:
                return
            kind = DOWNLOAD_KINDS.get(view_name)
            if kind is None and not response.get("Content-Disposition", "").lower().startswith("attachment"):
                return
        # Only now: reading request.user loads the session and the user, which most pages need not.
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return  # anonymous requests end at the login page
        object_id = ",".join(str(value) for value in match.kwargs.values())
        if refused:
            audit_record(
                kind=EventKind.ACCESS_REFUSED, request=request, object_type=view_name, object_id=object_id,
                detail={"status": response.status_code, "method": request.method, "query": request_query(request)},
            )  # fmt: skip
            return
        audit_record(
            kind=kind or EventKind.EXPORT,
            request=request,
            object_type="tasks.evidencefile" if kind == EventKind.EVIDENCE_DOWNLOAD else view_name,
            object_id=object_id,
            object_repr=_download_name(response),
            detail={"query": request_query(request)},
        )
