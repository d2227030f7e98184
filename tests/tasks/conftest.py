import datetime
import io
import zipfile
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tasks.choices import AgencyKind, TaskGroup
from tasks.models import Agency, Programme, Task


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Evidence files go to a temporary MEDIA_ROOT, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def programme(db):
    year = timezone.localdate().year
    return Programme.objects.create(
        name=f"Đề án 06 năm {year}",
        document_number="06/QĐ-TTg",
        issuing_body="Thủ tướng Chính phủ",
        year=year,
        start_date=datetime.date(year, 1, 1),
        end_date=datetime.date(year, 12, 31),
    )


@pytest.fixture
def agencies(tree, users):
    police = Agency.objects.create(name="Công an thành phố Hà Nội", kind=AgencyKind.POLICE, unit=tree.hanoi)
    science = Agency.objects.create(name="Sở Khoa học và Công nghệ", kind=AgencyKind.DEPARTMENT, unit=tree.hanoi)
    science.members.add(users.officer_hanoi)
    return SimpleNamespace(
        police_hanoi=police,
        science_hanoi=science,
        justice_hanoi=Agency.objects.create(name="Sở Tư pháp", kind=AgencyKind.DEPARTMENT, unit=tree.hanoi),
        hoankiem=Agency.objects.create(
            name="UBND phường Hoàn Kiếm", kind=AgencyKind.PEOPLES_COMMITTEE, unit=tree.hoankiem
        ),
        police_haiphong=Agency.objects.create(
            name="Công an thành phố Hải Phòng", kind=AgencyKind.POLICE, unit=tree.haiphong
        ),
        ministry=Agency.objects.create(name="Bộ Công an", kind=AgencyKind.CENTRAL, unit=None),
    )


@pytest.fixture
def make_task(programme, agencies, tree):
    """Create a task directly (the service is tested on its own); defaults to Hà Nội."""

    def make(**fields):
        today = timezone.localdate()
        values = {
            "programme": programme,
            "unit": tree.hanoi,
            "group": TaskGroup.PUBLIC_SERVICES,
            "title": "Cung cấp 25 dịch vụ công thiết yếu",
            "lead_agency": agencies.science_hanoi,
            "start_date": today - datetime.timedelta(days=60),
            "deadline": today + datetime.timedelta(days=30),
        }
        values.update(fields)
        return Task.objects.create(**values)

    return make


@pytest.fixture
def task(make_task, users):
    return make_task(accountable_person=users.officer_hanoi)


@pytest.fixture
def haiphong_task(make_task, tree, agencies, users):
    return make_task(
        unit=tree.haiphong,
        lead_agency=agencies.police_haiphong,
        title="Thí điểm cấp phiếu lý lịch tư pháp trên VNeID",
        accountable_person=users.officer_haiphong,
    )


def pdf_file(name="bien-ban.pdf", size=None):
    content = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    if size:
        content = content + b"0" * (size - len(content))
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def office_file(name, member):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(member, "<x/>")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def exe_file(name="bao-cao.pdf"):
    return SimpleUploadedFile(name, b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100, content_type="application/pdf")
