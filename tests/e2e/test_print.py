"""A leader prints the dashboard for a meeting: the whole ranking on paper, and a one-page summary."""

import datetime
import io
import re

import pytest
from django.utils import timezone

from dashboards.services import recompute_run
from tasks.choices import AgencyKind, TaskGroup, TaskStatus
from tasks.models import Agency, Programme, ProgressUpdate, Task
from tests.factories import make_unit

from .conftest import ARTIFACTS, log_in, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WARDS = 30  # more than the 20 of a summary's top and bottom 10, more than one printed page of ranking


def today() -> datetime.date:
    return timezone.localdate()


def ward_name(i: int) -> str:
    return f"Phường Thử Nghiệm {i:02d}"


@pytest.fixture
def many_wards(tree, users):
    """30 wards of Hà Nội, ward i at 3·i % (the strongest is ward 30), and one overdue task; recomputed."""
    programme = Programme.objects.create(
        name="Đề án 06 năm 2026", document_number="06/QĐ-TTg", issuing_body="Thủ tướng Chính phủ", year=2026,
        start_date=datetime.date(2026, 1, 1), end_date=datetime.date(2026, 12, 31),
    )  # fmt: skip
    police = Agency.objects.create(name="Công an thành phố Hà Nội", kind=AgencyKind.POLICE, unit=tree.hanoi)
    start = today() - datetime.timedelta(days=60)
    for i in range(1, WARDS + 1):
        ward = make_unit(f"9{i:04d}", ward_name(i), parent=tree.hanoi)
        task = Task.objects.create(
            programme=programme, unit=ward, group=TaskGroup.PUBLIC_SERVICES, title=f"Nhiệm vụ của phường {i:02d}",
            lead_agency=police, start_date=start, deadline=today() + datetime.timedelta(days=30),
            created_at=timezone.now() - datetime.timedelta(days=60),
        )  # fmt: skip
        ProgressUpdate.objects.create(
            task=task, author=users.officer_hanoi, percent=3 * i, status=TaskStatus.IN_PROGRESS, data_date=today(),
        )  # fmt: skip
    Task.objects.create(
        programme=programme, unit=tree.hoankiem, group=TaskGroup.PUBLIC_SERVICES, title="Làm sạch dữ liệu hộ tịch",
        lead_agency=police, start_date=start, deadline=today() - datetime.timedelta(days=4),
        created_at=timezone.now() - datetime.timedelta(days=60),
    )  # fmt: skip
    # Yesterday's figures too (every ward at 0 %): the page then shows what changed since.
    recompute_run(as_of=today() - datetime.timedelta(days=1), triggered_by="kiểm thử in")
    recompute_run(as_of=today(), triggered_by="kiểm thử in")
    return programme


def printed(pdf: bytes):
    """(number of pages by the PDF's own page objects, text of every page, the pages) of a printed PDF."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    page_objects = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    return page_objects, [page.extract_text() for page in reader.pages], reader.pages


def dashboard_url(live_server, programme, query: str = "") -> str:
    return f"{live_server.url}/bang-dieu-khien/{programme.pk}/01/{query}"


def test_the_printed_dashboard_keeps_the_whole_ranking_with_header_and_page_numbers(page, live_server, many_wards):
    log_in(page, live_server, "lanhdao.hanoi")
    page.goto(dashboard_url(live_server, many_wards))
    last_unit = page.inner_text("#ranking-table tbody tr:last-child td:nth-child(2)")
    # "Thay đổi từ ngày …": the five wards that rose most since yesterday, the strongest first.
    risers = page.locator("#since-risers tbody tr td:first-child").all_inner_texts()
    assert risers == [ward_name(i) for i in range(WARDS, WARDS - 5, -1)]
    page.locator("#since").screenshot(path=str(ARTIFACTS / "leader-dashboard-since.png"))
    page.emulate_media(media="print")
    screenshot(page, "leader-dashboard-print")
    # Screen-only controls are gone; the print header and the whole ranking (no scroll box) are there.
    for selector in ("nav.navbar", "#meeting-buttons", "#date-picker", "#programme-select", "#compare-picker"):
        assert page.is_hidden(selector), selector
    assert page.is_visible("#print-header")
    overflow, max_height = page.eval_on_selector(
        ".ranking-scroll", "el => [getComputedStyle(el).overflowY, getComputedStyle(el).maxHeight]"
    )
    assert (overflow, max_height) == ("visible", "none")

    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    (ARTIFACTS / "leader-dashboard-print.pdf").write_bytes(pdf)
    pages, texts, pdf_pages = printed(pdf)
    assert pages == len(texts) > 1
    text = "\n".join(texts)
    for unit in (last_unit, ward_name(1), ward_name(WARDS), "Phường Hoàn Kiếm"):
        assert unit in text, unit
    day = today().strftime("%d/%m/%Y")
    for number, page_text in enumerate(texts, start=1):
        # Every page: the unit and the data date at the top, "Trang n / N" at the bottom (@page margin boxes).
        assert f"Thành phố Hà Nội · Đề án 06 năm 2026 · số liệu ngày {day}" in page_text
        assert f"Trang {number} / {pages}" in page_text
    width, height = pdf_pages[0].mediabox.width, pdf_pages[0].mediabox.height
    assert width > height  # A4 landscape, the portal's print layout
    assert "Xếp hạng đơn vị trực thuộc" not in texts[0]  # the ranking starts on its own page


def test_the_one_page_summary_prints_on_one_a4_page(page, live_server, many_wards):
    log_in(page, live_server, "lanhdao.hanoi")
    page.goto(dashboard_url(live_server, many_wards))
    page.click("text=In bản tóm tắt 1 trang")
    page.wait_for_url("**in=tom-tat**")
    page.emulate_media(media="print")
    screenshot(page, "leader-summary-print")
    assert page.is_hidden("nav.navbar")

    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    (ARTIFACTS / "leader-summary-print.pdf").write_bytes(pdf)
    pages, texts, pdf_pages = printed(pdf)
    assert pages == 1
    text = texts[0]
    # Wards 30..21 lead; wards 9..1 and Hoàn Kiếm (0%) trail; wards 20..10 are in the middle, left out.
    for i in [*range(21, WARDS + 1), *range(1, 10)]:
        assert ward_name(i) in text, i
    assert "Phường Hoàn Kiếm" in text
    for i in range(10, 21):
        assert ward_name(i) not in text, i
    assert "Làm sạch dữ liệu hộ tịch" in text  # the bottleneck
    assert "Trang 1 / 1" in text
    width, height = pdf_pages[0].mediabox.width, pdf_pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (595, 842)  # A4 portrait, in points
