"""The meeting report as an A4 PDF (WeasyPrint), from the same ReportData as the .docx, with a chart.

WeasyPrint needs Pango at run time (Debian: libpango-1.0-0 libpangoft2-1.0-0). The font is
bundled (exports/fonts: Liberation Serif 2, SIL OFL, every Vietnamese letter), so the output does
not depend on the fonts of the machine.
"""

from pathlib import Path

from django.template.loader import render_to_string

from .report_data import RANKING_CAPTION, ReportData

CHART_BAR_HEIGHT = 16
FONTS_BASE = Path(__file__).resolve().parent  # the template's url("fonts/…") resolves here


class PdfUnavailable(RuntimeError):
    """WeasyPrint or its system libraries are not installed on this machine."""


def pdf_available() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def build_report_pdf(data: ReportData, *, today) -> bytes:
    """The report as PDF bytes (no query)."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as error:
        raise PdfUnavailable(str(error)) from None
    bars = [
        {"label": label, "value": value, "y": i * (CHART_BAR_HEIGHT + 6), "width": value * 3}
        for i, (label, value) in enumerate(data.chart)
    ]
    html = render_to_string(
        "exports/report_pdf.html",
        {
            "data": data,
            "today": today,
            "bars": bars,
            "chart_height": len(bars) * (CHART_BAR_HEIGHT + 6) + 4,
            "chart_caption": str(RANKING_CAPTION),
        },
    )
    return HTML(string=html, base_url=str(FONTS_BASE)).write_pdf()
