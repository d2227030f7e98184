"""The meeting report download: parse the form, read, build the .docx."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .forms import ReportForm
from .report_data import report_data
from .report_docx import build_report

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
@require_GET
def report_docx(request):
    """A báo cáo sơ kết for a unit in scope, programme and period, as an editable .docx."""
    form = ReportForm(request.GET, user=request.user)
    if not form.is_valid():
        return render(request, "exports/report_form.html", {"form": form}, status=400)
    data = form.cleaned_data
    period = data["ky"]
    content = build_report(
        report_data(programme=data["programme"], unit=data["unit"], period=period, number=data["so_van_ban"])
    )
    response = HttpResponse(content, content_type=DOCX_CONTENT_TYPE)
    filename = f"bao-cao-so-ket-{data['unit'].code}-{period.key}.docx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
