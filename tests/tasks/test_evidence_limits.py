"""Evidence: at most 10 files a report, quotas per task and per user (413), names from the checked content."""

import pytest
from django.urls import reverse

from tasks.choices import TaskStatus
from tasks.evidence import MAX_FILES_PER_REPORT
from tasks.models import EvidenceFile, ProgressUpdate

from .conftest import pdf_file

pytestmark = pytest.mark.django_db


def post_report(client, task, files):
    data = {"percent": "60", "status": TaskStatus.IN_PROGRESS, "note": "Đã làm", "block_reason": "", "evidence": files}
    return client.post(reverse("tasks:task_detail", kwargs={"pk": task.pk}), data)


def test_eleven_files_in_one_report_are_refused_with_413(client, users, task):
    client.force_login(users.officer_hanoi)
    response = post_report(client, task, [pdf_file(f"{i}.pdf") for i in range(MAX_FILES_PER_REPORT + 1)])
    assert response.status_code == 413
    assert "Mỗi báo cáo đính kèm tối đa 10 tệp minh chứng (đã chọn 11 tệp)." in response.content.decode()
    assert not ProgressUpdate.objects.exists() and not EvidenceFile.objects.exists()


def test_ten_files_are_accepted(client, users, task):
    client.force_login(users.officer_hanoi)
    assert post_report(client, task, [pdf_file(f"{i}.pdf") for i in range(10)]).status_code == 302
    assert EvidenceFile.objects.count() == 10


def test_a_task_over_its_quota_refuses_more_evidence_with_413(client, users, task, settings):
    settings.TASK_EVIDENCE_QUOTA_BYTES = 5000
    client.force_login(users.officer_hanoi)
    assert post_report(client, task, [pdf_file(size=3000)]).status_code == 302
    response = post_report(client, task, [pdf_file(size=3000)])
    assert response.status_code == 413
    assert "Minh chứng của nhiệm vụ này đã dùng" in response.content.decode()
    assert ProgressUpdate.objects.count() == 1 and EvidenceFile.objects.count() == 1


def test_a_user_over_their_quota_refuses_more_evidence_on_any_task(client, users, task, make_task, settings):
    settings.USER_EVIDENCE_QUOTA_BYTES = 5000
    other = make_task(title="Nhiệm vụ khác", accountable_person=users.officer_hanoi)
    client.force_login(users.officer_hanoi)
    assert post_report(client, task, [pdf_file(size=3000)]).status_code == 302
    response = post_report(client, other, [pdf_file(size=3000)])
    assert response.status_code == 413
    assert "Bạn đã tải lên" in response.content.decode()
    assert not other.updates.exists()


def test_the_stored_and_downloaded_names_take_the_extension_of_the_content(client, users, task):
    client.force_login(users.officer_hanoi)
    assert post_report(client, task, [pdf_file("trang-web.html")]).status_code == 302
    evidence = EvidenceFile.objects.get()
    assert evidence.file.name.endswith(".pdf") and evidence.original_name == "trang-web.pdf"
    download = client.get(evidence.get_absolute_url())
    assert 'filename="trang-web.pdf"' in download["Content-Disposition"]
    assert download["Content-Type"] == "application/pdf"


def test_a_file_stored_earlier_under_the_uploaders_name_downloads_with_the_contents_extension(client, users, task):
    client.force_login(users.officer_hanoi)
    post_report(client, task, [pdf_file("bien-ban.pdf")])
    EvidenceFile.objects.update(original_name="bien-ban.svg")
    download = client.get(EvidenceFile.objects.get().get_absolute_url())
    assert 'filename="bien-ban.pdf"' in download["Content-Disposition"]
