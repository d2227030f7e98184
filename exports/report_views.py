"""The meeting report downloads: parse the form, read once, build the .docx or the PDF."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .forms import ReportForm
from .report_data import report_data
from .report_docx import build_report
from .report_pdf import PdfUnavailable, build_report_pdf
from .throttle import rate_limited

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _read(request):
    """(form, data) for a valid request; the unit field only accepts units in the user's scope."""
    form = ReportForm(request.GET, user=request.user)
    if not form.is_valid():
        return form, None
    cleaned = form.cleaned_data
    data = report_data(
        programme=cleaned["programme"],
        unit=cleaned["unit"],
        period=cleaned["ky"],
        number=cleaned["so_van_ban"],
        on=cleaned.get("ngay"),
    )
    return form, data


def _name(form, extension: str) -> str:
    return f"bao-cao-so-ket-{form.cleaned_data['unit'].code}-{form.cleaned_data['ky'].key}.{extension}"


@login_required
@require_GET
def report_docx(request):
    """A báo cáo sơ kết for a unit in scope, programme and period, as an editable .docx."""
    form, data = _read(request)
    if data is None:
        return render(request, "exports/report_form.html", {"form": form}, status=400)
    if limited := rate_limited(request, "reports"):
        return limited
    return _download(build_report(data), DOCX_CONTENT_TYPE, _name(form, "docx"))


@login_required
@require_GET
def report_pdf(request):
    """The same report as an A4 PDF with a chart of the ranking."""
    form, data = _read(request)
    if data is None:
        return render(request, "exports/report_form.html", {"form": form}, status=400)
    if limited := rate_limited(request, "reports"):
        return limited
    try:
        content = build_report_pdf(data, today=timezone.localdate())
    except PdfUnavailable:
        form.add_error(None, _("Máy chủ chưa cài thư viện tạo PDF; hãy tải bản .docx."))
        return render(request, "exports/report_form.html", {"form": form}, status=503)
    return _download(content, "application/pdf", _name(form, "pdf"))
