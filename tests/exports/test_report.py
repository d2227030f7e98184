"""The meeting report: a .docx in the state format with the dashboard's figures, scoped like the dashboard."""

import datetime
import io
import re
import zlib

import pytest
from django.urls import reverse
from docx import Document
from docx.shared import Mm

from dashboards.services import snapshot_rebuild
from tasks.choices import BlockReason, TaskStatus

pytestmark = pytest.mark.django_db


def inflated(pdf: bytes) -> bytes:
    """The PDF with its compressed streams (object streams included) inflated, to search in."""
    parts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            pass
    return b"\n".join(parts)


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def test_report_is_a_state_format_document_with_figures_ranking_and_bottlenecks(
    client, users, tree, programme, make_task, pccc
):
    make_task(unit=tree.hoankiem, title="Kết nối dữ liệu dân cư", deadline=datetime.date(2026, 1, 31),
              current_status=TaskStatus.IN_PROGRESS, current_percent=30)  # fmt: skip
    make_task(unit=tree.badinh, title="Cấp chữ ký số")
    snapshot_rebuild(as_of=datetime.date.today())
    client.force_login(users.leader_hanoi)
    response = client.get(
        reverse("exports:report"),
        {"programme": programme.pk, "unit": tree.hanoi.code, "ky": "2026-Q3", "so_van_ban": "15/BC-UBND"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    document = Document(io.BytesIO(response.content))
    text = all_text(document)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số: 15/BC-UBND", "Hà Nội, ngày",
        "BÁO CÁO", "Sơ kết quý III/2026 thực hiện Đề án 06 năm 2026", "I. KẾT QUẢ THỰC HIỆN", "II. TỒN TẠI",
        "2. Xếp hạng các đơn vị trực thuộc", "Phường Hoàn Kiếm", "Kết nối dữ liệu dân cư", "Nơi nhận:", "CHỦ TỊCH",
    ):  # fmt: skip
        assert expected in text, expected
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert Mm(20) <= section.top_margin <= Mm(25) and Mm(30) <= section.left_margin <= Mm(35)
    normal = document.styles["Normal"].font
    assert normal.name == "Times New Roman" and 13 <= normal.size.pt <= 14


def test_report_counts_every_bottleneck_and_says_how_many_the_table_leaves_out(
    client, users, tree, programme, make_task
):
    """45 tasks wait for central guidance and 13 are overdue: more than the table lists."""
    today = datetime.date.today()
    for i in range(45):
        make_task(
            unit=tree.badinh,
            title=f"Chờ Trung ương {i:02d}",
            current_status=TaskStatus.BLOCKED,
            current_block_reason=BlockReason.WAITING_CENTRAL,
            deadline=today + datetime.timedelta(days=9),
        )
    for i in range(13):
        make_task(unit=tree.hoankiem, title=f"Quá hạn {i:02d}", deadline=today - datetime.timedelta(days=3))
    snapshot_rebuild(as_of=today)
    client.force_login(users.leader_hanoi)
    response = client.get(reverse("exports:report"), {"programme": programme.pk, "unit": tree.hanoi.code, "ky": "2026"})
    document = Document(io.BytesIO(response.content))
    text = all_text(document)
    assert (
        "Có 58 nhiệm vụ quá hạn hoặc vướng mắc (13 nhiệm vụ quá hạn, 45 nhiệm vụ vướng mắc, "
        "trong đó 45 nhiệm vụ chờ hướng dẫn của Trung ương)"
    ) in text
    counts = {row.cells[0].text: row.cells[1].text for table in document.tables for row in table.rows}
    assert counts["Công an thành phố Hà Nội"] == "13"
    assert counts["Chờ hướng dẫn của Trung ương"] == "45"
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    # "3. Kết quả theo cơ quan chủ trì": tasks, done, overdue, completion.
    assert ["Công an thành phố Hà Nội", "58", "0", "13", "0,0%"] in rows
    assert "và 38 nhiệm vụ khác" in text  # 10 of each group are listed
    assert "/nhiem-vu/?scope=unit" in text


def test_report_for_another_province_is_refused(client, users, tree, programme):
    client.force_login(users.leader_hanoi)
    response = client.get(
        reverse("exports:report"), {"programme": programme.pk, "unit": tree.haiphong.code, "ky": "2026"}
    )
    assert response.status_code == 400
    assert "ngoài phạm vi" in response.content.decode()


def test_hub_page_offers_what_the_role_allows(client, users):
    client.force_login(users.leader_hanoi)
    body = client.get(reverse("exports:index")).content.decode()
    assert reverse("exports:report") in body and reverse("exports:task_import") not in body
    client.force_login(users.coordinator_hanoi)
    assert reverse("exports:task_import") in client.get(reverse("exports:index")).content.decode()


def test_report_pdf_is_a4_with_a_font_that_has_vietnamese(client, users, tree, programme, make_task):
    from exports.report_pdf import pdf_available

    if not pdf_available():
        pytest.skip("WeasyPrint needs libpango-1.0-0 and libpangoft2-1.0-0 (Debian)")
    make_task(unit=tree.hoankiem, title="Kết nối dữ liệu dân cư")
    snapshot_rebuild(as_of=datetime.date.today())
    client.force_login(users.leader_hanoi)
    response = client.get(
        reverse("exports:report_pdf"), {"programme": programme.pk, "unit": tree.hanoi.code, "ky": "2026"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    content = inflated(response.content)
    assert re.search(rb"/MediaBox\s*\[\s*0 0 595\.\d+ 841\.\d+", content)  # A4 in points
    fonts = set(re.findall(rb"/BaseFont\s*/\w+\+([\w-]+)", content))
    # Only the bundled family (named by its @font-face): a machine font would show up here.
    assert fonts and all(font.startswith(b"Portal-Serif") for font in fonts), fonts


def test_report_pdf_for_another_province_is_refused(client, users, tree, programme):
    client.force_login(users.leader_hanoi)
    response = client.get(
        reverse("exports:report_pdf"), {"programme": programme.pk, "unit": tree.haiphong.code, "ky": "2026"}
    )
    assert response.status_code == 400


def test_report_for_a_province_of_126_communes_runs_a_fixed_number_of_queries(
    client, big_province, programme, django_assert_max_num_queries
):
    from provinces.models import AdministrativeUnit
    from roles.choices import Role
    from tasks.models import Agency, Task
    from tests.factories import make_user

    leader = make_user("lanhdao.lon", unit=big_province, role=Role.LEADER)
    agency = Agency.objects.create(name="Công an thành phố", kind="cong_an", unit=big_province)
    for commune in AdministrativeUnit.objects.filter(parent=big_province):
        Task.objects.create(
            programme=programme, unit=commune, group="dich_vu_cong", title="Nhiệm vụ", lead_agency=agency,
            start_date=datetime.date(2026, 1, 1), deadline=datetime.date(2026, 1, 31),
        )  # fmt: skip
    snapshot_rebuild(as_of=datetime.date.today())
    client.force_login(leader)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("exports:report"), {"programme": programme.pk, "unit": "01", "ky": "2026"})
    assert response.status_code == 200
    assert "Xã số 126" in all_text(Document(io.BytesIO(response.content)))


def test_hub_links_the_exports_of_the_users_own_unit(client, users, tree, programme, pccc):
    client.force_login(users.officer_hanoi)
    body = client.get(reverse("exports:index")).content.decode()
    assert reverse("exports:ranking_xlsx", kwargs={"programme_id": programme.pk, "code": tree.hanoi.code}) in body
    assert reverse("exports:pccc_grid_xlsx", kwargs={"set_code": pccc.set.code, "unit_code": tree.hanoi.code}) in body


def test_the_menu_links_the_hub(client, users):
    client.force_login(users.officer_hanoi)
    assert f'href="{reverse("exports:index")}"' in client.get(reverse("tasks:my_tasks")).content.decode()
