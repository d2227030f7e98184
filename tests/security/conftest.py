"""Two provinces that each own one of everything, for attacks from one on the other."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from pccc.choices import Aggregation, Comparator
from pccc.models import Assessment, AssessmentSubmission, CriteriaSet
from pccc.services import CellInput, assessment_grid_save
from roles.choices import Role
from tasks.choices import AgencyKind, TaskGroup, TaskStatus
from tasks.models import (
    Agency,
    DeadlineExtensionRequest,
    EvidenceFile,
    Programme,
    ProgressUpdate,
    Task,
    TaskComment,
)
from tests.factories import make_user
from tests.pccc.conftest import make_criterion

PERIOD = "2026-10"
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Evidence files and pending imports go to temporary folders."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EXPORTS_PENDING_DIR = tmp_path / "pending"
    return settings.MEDIA_ROOT


@pytest.fixture
def criteria_set(db):
    """A national "mô hình" with one count criterion assessed at commune level."""
    criteria_set = CriteriaSet.objects.create(code="tinh-an-toan-pccc", name="Tỉnh an toàn PCCC")
    make_criterion(criteria_set, "CS1", Comparator.COUNT_AT_LEAST, Aggregation.SUM, target="1")
    return criteria_set


def _province_objects(*, province, commune, officer, criteria_set, marker):
    """One of every object a province owns; every name carries ``marker`` so a leak is visible."""
    year = 2026
    officer.first_name, officer.last_name = "Cán bộ", marker
    officer.save(update_fields=["first_name", "last_name"])
    programme = Programme.objects.create(
        name=f"Kế hoạch riêng {marker}", document_number="1/KH-UBND", issuing_body=f"UBND {marker}",
        unit=province, year=year, start_date=datetime.date(year, 1, 1), end_date=datetime.date(year, 12, 31),
    )  # fmt: skip
    agency = Agency.objects.create(name=f"Sở Tư pháp {marker}", kind=AgencyKind.DEPARTMENT, unit=province)
    agency.members.add(officer)
    task = Task.objects.create(
        programme=programme, unit=province, group=TaskGroup.PUBLIC_SERVICES, title=f"Nhiệm vụ {marker}",
        lead_agency=agency, accountable_person=officer,
        start_date=datetime.date(year, 1, 1), deadline=datetime.date(year, 12, 31),
    )  # fmt: skip
    update = ProgressUpdate.objects.create(
        task=task, author=officer, percent=40, status=TaskStatus.IN_PROGRESS, note=f"Báo cáo {marker}"
    )
    evidence = EvidenceFile(update=update, original_name=f"bien-ban-{marker}.pdf", content_type="application/pdf")
    evidence.size = len(PDF)
    evidence.file.save("bien-ban.pdf", ContentFile(PDF), save=True)
    criterion = criteria_set.criteria.get()
    assessment_grid_save(
        user=officer, criteria_set=criteria_set, root=province, period=PERIOD,
        cells=[CellInput(criterion.pk, commune.pk, value="3", evidence=f"Biên bản {marker}")],
        today=datetime.date(2026, 11, 29),
    )  # fmt: skip
    assessment = Assessment.objects.get(unit=commune)
    comment = TaskComment.objects.create(task=task, author=officer, body=f"Trao đổi {marker}")
    extension = DeadlineExtensionRequest.objects.create(
        task=task, requested_by=officer, current_deadline=task.deadline,
        requested_deadline=task.deadline + datetime.timedelta(days=30), reason=f"Xin gia hạn {marker}",
    )  # fmt: skip
    return SimpleNamespace(
        comment=comment, extension=extension,
        unit=province, commune=commune, user=officer, programme=programme, agency=agency, task=task,
        update=update, evidence=evidence, criteria_set=criteria_set, criterion=criterion,
        assessment=assessment, submission=AssessmentSubmission.objects.get(unit=province),
        # What a page of another province must never show.
        secrets=[province.name, commune.name, programme.name, agency.name, task.title, update.note,
                 evidence.original_name, assessment.evidence, marker, officer.get_full_name(), comment.body,
                 extension.reason],
    )  # fmt: skip


@pytest.fixture
def world(tree, users, criteria_set):
    """Hà Nội and Hải Phòng, each with a programme, agency, task, report, evidence file and assessment."""
    admin_hanoi = make_user("quantri.hanoi", unit=tree.hanoi, role=Role.ADMIN, is_staff=True)
    hanoi = _province_objects(
        province=tree.hanoi, commune=tree.hoankiem, officer=users.officer_hanoi, criteria_set=criteria_set,
        marker="BIMAT-HANOI",
    )  # fmt: skip
    haiphong = _province_objects(
        province=tree.haiphong, commune=tree.hongbang, officer=users.officer_haiphong, criteria_set=criteria_set,
        marker="BIMAT-HAIPHONG",
    )  # fmt: skip
    return SimpleNamespace(hanoi=hanoi, haiphong=haiphong, users=users, admin_hanoi=admin_hanoi, now=timezone.now())
