"""Issue 19 item 9: the evidence box of a task page speaks the portal's Vietnamese, not the browser's.

The browser draws ``<input type="file">`` in its own language ("Choose Files / No file chosen" in an
English browser); the page shows its own "Chọn tệp" button and "Chưa chọn tệp" instead
(inputs.widgets.FileChooserInput). The real-browser side is tests/e2e/test_file_chooser.py.
"""

import re

import pytest
from django.urls import reverse

from tasks.models import ProgressUpdate

from .conftest import exe_file, pdf_file

pytestmark = pytest.mark.django_db


def evidence_box(html: str) -> str:
    """The file box around the evidence input of the report form."""
    match = re.search(r'<div class="file-chooser[^"]*">.*?</div>', html, re.S)
    assert match, "no file box on the page"
    return match.group(0)


def test_the_evidence_input_has_the_portals_choose_button_and_empty_text(client, users, task):
    client.force_login(users.officer_hanoi)
    box = evidence_box(client.get(reverse("tasks:task_detail", kwargs={"pk": task.pk})).content.decode())
    assert re.search(r'<label for="id_evidence" class="btn[^"]*">.*Chọn tệp</label>', box, re.S)
    assert 'id="id_evidence_names"' in box and "Chưa chọn tệp" in box


def test_the_native_input_keeps_its_name_choices_and_stays_keyboard_reachable(client, users, task):
    """Clipped with btn-check (focusable, its focus drawn on the label), never display:none or tabindex=-1."""
    client.force_login(users.officer_hanoi)
    box = evidence_box(client.get(reverse("tasks:task_detail", kwargs={"pk": task.pk})).content.decode())
    native = re.search(r'<input type="file"[^>]*>', box).group(0)
    assert 'name="evidence"' in native and " multiple" in native
    assert 'accept=".pdf,.jpg,.jpeg,.png,.docx,.xlsx"' in native
    assert 'class="btn-check' in native and "form-control" not in native
    assert "tabindex" not in native and "hidden" not in native
    assert 'aria-describedby="id_evidence_helptext id_evidence_names"' in native


def test_the_script_that_shows_the_chosen_names_is_a_local_file(client, users, task):
    client.force_login(users.officer_hanoi)
    html = client.get(reverse("tasks:task_detail", kwargs={"pk": task.pk})).content.decode()
    assert '<script src="/static/js/file-chooser.js" defer></script>' in html


def test_evidence_files_are_still_uploaded_through_the_new_box(client, users, task):
    client.force_login(users.officer_hanoi)
    response = client.post(
        reverse("tasks:task_detail", kwargs={"pk": task.pk}),
        {
            "percent": "60", "status": "dang_trien_khai", "note": "Đã hoàn thiện", "block_reason": "",
            "evidence": [pdf_file("bien-ban-1.pdf"), pdf_file("bien-ban-2.pdf")],
        },
    )  # fmt: skip
    assert response.status_code == 302
    update = ProgressUpdate.objects.get()
    assert sorted(update.evidence.values_list("original_name", flat=True)) == ["bien-ban-1.pdf", "bien-ban-2.pdf"]


def test_a_refused_file_shows_its_error_under_the_box(client, users, task):
    client.force_login(users.officer_hanoi)
    response = client.post(
        reverse("tasks:task_detail", kwargs={"pk": task.pk}),
        {"percent": "60", "status": "dang_trien_khai", "note": "x", "evidence": [exe_file("a.pdf")]},
    )
    html = response.content.decode()
    assert response.status_code == 400
    # Bootstrap shows .invalid-feedback only after an .is-invalid sibling: the box's wrapper carries it.
    assert re.search(r'<div class="is-invalid">\s*<div class="file-chooser[^"]*is-invalid', html)
    assert 'class="invalid-feedback"' in html
