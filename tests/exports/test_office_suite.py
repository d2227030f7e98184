"""Every .docx and .xlsx the portal hands to leaders opens in a real office suite.

LibreOffice headless (Debian: libreoffice-writer-nogui, libreoffice-calc-nogui, installed by
.ci/run) converts each file to PDF; a file it cannot load gives no PDF. Without LibreOffice the
test is skipped, except where PORTAL_REQUIRE_OFFICE=1 (CI) makes that a failure.
"""

import datetime
import os
import shutil
import subprocess

import pytest
from django.urls import reverse

from dashboards.services import snapshot_rebuild

pytestmark = pytest.mark.django_db

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture
def soffice():
    if SOFFICE is None:
        if os.environ.get("PORTAL_REQUIRE_OFFICE") == "1":
            pytest.fail("LibreOffice is required here: libreoffice-writer-nogui, libreoffice-calc-nogui")
        pytest.skip("LibreOffice is not installed (libreoffice-writer-nogui, libreoffice-calc-nogui)")
    return SOFFICE


def converted_by_libreoffice(soffice, files, tmp_path) -> set[str]:
    """The names of the files LibreOffice could open, read from the PDFs it wrote."""
    out = tmp_path / "pdf"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(out), *map(str, files)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return {pdf.stem for pdf in out.glob("*.pdf") if pdf.stat().st_size > 1000}


def test_every_generated_docx_and_xlsx_opens_in_libreoffice(
    soffice, client, users, tree, programme, make_task, pccc, tmp_path
):
    today = datetime.date.today()
    make_task(unit=tree.hoankiem, title="Kết nối dữ liệu dân cư với hộ tịch")
    make_task(unit=tree.badinh, title='=HYPERLINK("http://x") công thức không được chạy')
    snapshot_rebuild(as_of=today)
    ranking = reverse("exports:ranking_xlsx", kwargs={"programme_id": programme.pk, "code": tree.hanoi.code})
    grid = reverse("exports:pccc_grid_xlsx", kwargs={"set_code": pccc.set.code, "unit_code": tree.hanoi.code})
    downloads = {
        "bao-cao.docx": (users.leader_hanoi, reverse("exports:report"),
                         {"programme": programme.pk, "unit": tree.hanoi.code, "ky": str(today.year)}),
        "nhiem-vu.xlsx": (users.officer_hanoi, reverse("exports:tasks_xlsx"), {"scope": "unit"}),
        "xep-hang.xlsx": (users.leader_hanoi, ranking, {}),
        "pccc.xlsx": (users.leader_hanoi, grid, {}),
        "mau-nhap-nhiem-vu.xlsx": (users.coordinator_hanoi, reverse("exports:task_template"), {}),
    }  # fmt: skip
    files = []
    for name, (user, url, params) in downloads.items():
        client.force_login(user)
        response = client.get(url, params)
        assert response.status_code == 200, name
        path = tmp_path / name
        path.write_bytes(b"".join(response.streaming_content) if response.streaming else response.content)
        files.append(path)
    broken = tmp_path / "hong.xlsx"
    broken.write_bytes(files[1].read_bytes()[:2000])  # a cut file: proves a failure is seen
    files.append(broken)

    opened = converted_by_libreoffice(soffice, files, tmp_path)

    assert opened == {path.stem for path in files if path != broken}
