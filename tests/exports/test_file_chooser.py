"""Issue 19 item 9: the Excel import boxes speak the portal's Vietnamese, not the browser's.

Every file input of the portal is the one widget (inputs.widgets.FileChooserInput, template
widgets/file_chooser.html): "Chọn tệp" and "Chưa chọn tệp" in place of the browser's
"Choose File / No file chosen". The real-browser side is tests/e2e/test_file_chooser.py.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

WIDGET_TEMPLATE = Path(settings.BASE_DIR) / "inputs" / "templates" / "widgets" / "file_chooser.html"


def native_input(html: str, name: str) -> str:
    return re.search(rf'<input type="file" name="{name}"[^>]*>', html).group(0)


@pytest.mark.parametrize("url_name", ["exports:task_import", "exports:pccc_import"])
def test_the_import_page_has_the_portals_choose_button_and_keeps_accept_and_required(client, users, url_name):
    client.force_login(users.coordinator_hanoi)
    html = client.get(reverse(url_name)).content.decode()
    assert re.search(r'<label for="id_file" class="btn[^"]*">.*?Chọn tệp</label>', html, re.S)
    assert "Chưa chọn tệp" in html
    native = native_input(html, "file")
    assert 'accept=".xlsx"' in native and " required" in native and 'class="btn-check' in native


def test_the_targets_page_import_uses_the_same_box(client, users, programme):
    """The raw input of the targets page (indicators) goes through {% file_chooser %}: same widget."""
    client.force_login(users.coordinator_hanoi)
    response = client.get(reverse("indicators:targets", kwargs={"programme_id": programme.pk, "code": "01"}))
    assert response.status_code == 200
    html = response.content.decode()
    native = native_input(html, "tep")
    assert 'accept=".xlsx"' in native and " required" in native and 'aria-label="Tệp Excel chỉ tiêu giao"' in native
    assert '<label for="tep-chi-tieu-giao" class="btn' in html and "Chưa chọn tệp" in html


def test_no_template_writes_a_raw_file_input():
    """A bare <input type="file"> would show the browser's own words again: one home, the widget."""
    roots = [Path(settings.BASE_DIR) / "templates", *Path(settings.BASE_DIR).glob("*/templates")]
    raw = [
        str(path.relative_to(settings.BASE_DIR))
        for root in roots
        for path in root.rglob("*.html")
        if path != WIDGET_TEMPLATE and re.search(r"type=[\"']?file", path.read_text(encoding="utf-8"))
    ]
    assert raw == []
