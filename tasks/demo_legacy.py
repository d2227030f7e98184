"""Demo history before the reform: the 2023 Đề án 06 plan of the old province Hải Dương (now part of Hải Phòng).

Recorded on the legacy units (``load_units --legacy``) with dates in 2023, through the same services
as every task: some done, some not started, three waiting for central guidance. Today it counts
under Hải Phòng; in the dashboard's "theo địa giới trước 01/07/2025" it reads as Tỉnh Hải Dương
with its districts. Idempotent: a task already there (same programme, unit, title) is left alone.
"""

import datetime

from django.utils import timezone

from provinces.choices import UnitLevel
from provinces.models import AdministrativeUnit

from . import services
from .choices import AgencyKind, BlockReason, TaskGroup, TaskStatus
from .models import Agency, Programme, Task

OLD_PROVINCE = "30"  # Tỉnh Hải Dương, before 1 July 2025
G, S, WAITING = TaskGroup, TaskStatus, BlockReason.WAITING_CENTRAL

AGENCIES = {
    "police": ("Công an tỉnh Hải Dương", AgencyKind.POLICE),
    "ict": ("Sở Thông tin và Truyền thông tỉnh Hải Dương", AgencyKind.DEPARTMENT),
    "justice": ("Sở Tư pháp tỉnh Hải Dương", AgencyKind.DEPARTMENT),
    "health": ("Sở Y tế tỉnh Hải Dương", AgencyKind.DEPARTMENT),
    "office": ("Văn phòng UBND tỉnh Hải Dương", AgencyKind.PEOPLES_COMMITTEE),
}

# group, title, lead, district code (None: the province), weight, history, verified on
# History: (date, percent, status, note[, block reason]).
TASKS = [
    (G.PUBLIC_SERVICES, "Cung cấp dịch vụ công trực tuyến toàn trình thiết yếu trên Cổng Dịch vụ công quốc gia",
     "office", None, 3,
     [(datetime.date(2023, 4, 10), 45, S.IN_PROGRESS, "Đã tích hợp 11/25 dịch vụ"),
      (datetime.date(2023, 11, 20), 100, S.DONE, "Hoàn thành 25/25 dịch vụ thiết yếu")], datetime.date(2023, 11, 25)),
    (G.DIGITAL_CITIZENS, "Thu nhận hồ sơ cấp căn cước công dân gắn chip cho công dân đủ 14 tuổi",
     "police", None, 2,
     [(datetime.date(2023, 6, 30), 100, S.DONE, "Đã thu nhận 100% hồ sơ đủ điều kiện")], datetime.date(2023, 7, 5)),
    (G.DIGITAL_CITIZENS, "Kích hoạt tài khoản định danh điện tử mức 2 tại thành phố Hải Dương",
     "police", "288", 2,
     [(datetime.date(2023, 5, 15), 60, S.IN_PROGRESS, "Đạt 60% công dân đủ điều kiện"),
      (datetime.date(2023, 10, 31), 100, S.DONE, "Đạt 91% công dân đủ điều kiện")], datetime.date(2023, 11, 3)),
    (G.DATA_ECOSYSTEM, "Số hóa sổ hộ tịch lưu trữ và đồng bộ với Cơ sở dữ liệu quốc gia về dân cư",
     "justice", None, 2,
     [(datetime.date(2023, 8, 1), 30, S.BLOCKED,
       "Chờ Bộ Tư pháp hướng dẫn chuẩn dữ liệu hộ tịch lịch sử", WAITING)], None),
    (G.SOCIO_ECONOMIC, "Thanh toán viện phí không dùng tiền mặt tại bệnh viện tuyến tỉnh",
     "health", None, 1,
     [(datetime.date(2023, 9, 12), 20, S.BLOCKED,
       "Chờ Bộ Y tế, Ngân hàng Nhà nước hướng dẫn quy trình đối soát", WAITING)], None),
    (G.DATA_ECOSYSTEM, "Kết nối Cơ sở dữ liệu đất đai của tỉnh với Cơ sở dữ liệu quốc gia về dân cư",
     "ict", None, 2,
     [(datetime.date(2023, 7, 20), 15, S.BLOCKED,
       "Chờ Bộ Tài nguyên và Môi trường ban hành chuẩn kết nối", WAITING)], None),
    (G.LEADERSHIP, "Xây dựng kho dữ liệu dùng chung phục vụ chỉ đạo, điều hành của tỉnh",
     "ict", None, 1, [], None),
    (G.DIGITAL_CITIZENS, "Thành lập tổ công nghệ số cộng đồng tại các xã, phường của thành phố Chí Linh",
     "office", "290", 1, [], None),
]  # fmt: skip


def seed_legacy_plan(*, admin, officer, stdout) -> None:
    """The 2023 plan of old Hải Dương, reported by Hải Phòng's officer and confirmed by the national admin."""
    province = AdministrativeUnit.objects.legacy().filter(code=OLD_PROVINCE, level=UnitLevel.PROVINCE).first()
    if province is None:
        stdout.write(
            "Nhiệm vụ Đề án 06 trước 01/07/2025: bỏ qua (chưa nạp địa giới cũ; chạy load_units --legacy trước)."
        )
        return
    districts = {u.code: u for u in AdministrativeUnit.objects.legacy().filter(parent=province)}
    programme, _ = Programme.objects.get_or_create(
        name="Kế hoạch thực hiện Đề án 06 năm 2023 của tỉnh Hải Dương",
        year=2023,
        unit=province,
        defaults={
            # Its own number: the demo's current plan is looked up by 06/QĐ-TTg.
            "document_number": "KH-UBND tỉnh Hải Dương 2023",
            "issuing_body": "Ủy ban nhân dân tỉnh Hải Dương",
            "start_date": datetime.date(2023, 1, 1),
            "end_date": datetime.date(2023, 12, 31),
        },
    )
    agencies = {
        key: Agency.objects.get_or_create(name=name, unit=province, defaults={"kind": kind})[0]
        for key, (name, kind) in AGENCIES.items()
    }
    created = 0
    for group, title, lead, district, weight, history, verified_on in TASKS:
        unit = districts.get(district, province) if district else province
        if Task.objects.filter(programme=programme, unit=unit, title=title).exists():
            continue
        task = services.task_create(
            actor=admin, programme=programme, unit=unit, group=group, title=title, lead_agency=agencies[lead],
            accountable_person=officer, weight=weight, start_date=datetime.date(2023, 2, 1),
            deadline=datetime.date(2023, 12, 31), at=_at(datetime.date(2023, 1, 20)),
        )  # fmt: skip
        for day, percent, status, note, *reason in history:
            services.progress_report_submit(
                actor=officer, task=task, percent=percent, status=status, note=note,
                block_reason=reason[0] if reason else "", at=_at(day),
            )  # fmt: skip
        if verified_on:
            services.progress_completion_verify(
                actor=admin, task=task, note="Đã kiểm tra biên bản, số liệu.", at=_at(verified_on)
            )
        created += 1
    stdout.write(f"Nhiệm vụ Đề án 06 trước 01/07/2025: {created} nhiệm vụ mẫu mới của tỉnh Hải Dương (cũ), năm 2023.")


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
