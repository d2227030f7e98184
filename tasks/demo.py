"""Demo data for the embedded run: a Đề án 06 task list for Hà Nội and Hải Phòng with months of history.

Called by ``manage.py seed_demo`` (debug only) after the demo users exist. Idempotent:
agencies and the programme are looked up before being created, and a task that
already exists (same programme, unit and title) is left alone with its history.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from provinces.models import AdministrativeUnit

from . import services
from .choices import AgencyKind, BlockReason, TaskGroup, TaskStatus
from .demo_communes import seed_commune_tasks
from .demo_legacy import seed_legacy_plan
from .models import Agency, Programme, Task

G = TaskGroup
S = TaskStatus
WAITING = BlockReason.WAITING_CENTRAL

# Agencies per province: key → (name, kind). "{city}" is the province's short name.
PROVINCE_AGENCIES = {
    "police": ("Công an thành phố {city}", AgencyKind.POLICE),
    "science": ("Sở Khoa học và Công nghệ thành phố {city}", AgencyKind.DEPARTMENT),
    "justice": ("Sở Tư pháp thành phố {city}", AgencyKind.DEPARTMENT),
    "health": ("Sở Y tế thành phố {city}", AgencyKind.DEPARTMENT),
    "home": ("Sở Nội vụ thành phố {city}", AgencyKind.DEPARTMENT),
    "office": ("Văn phòng UBND thành phố {city}", AgencyKind.PEOPLES_COMMITTEE),
    "communes": ("UBND các xã, phường", AgencyKind.PEOPLES_COMMITTEE),
}
CENTRAL_AGENCIES = {
    "mps": ("Bộ Công an", AgencyKind.CENTRAL),
    "moj": ("Bộ Tư pháp", AgencyKind.CENTRAL),
    "vpcp": ("Văn phòng Chính phủ", AgencyKind.CENTRAL),
}

# A task: group, title, expected result, lead, coordinating, accountable username,
# (start, deadline) in days from today, weight, history, and what the coordinator did.
# History: (days ago, percent, status, note[, block reason]).
HANOI_TASKS = [
    (
        G.PUBLIC_SERVICES,
        "Cung cấp đầy đủ 25 dịch vụ công thiết yếu trực tuyến toàn trình trên Cổng Dịch vụ công quốc gia",
        "25/25 dịch vụ công thiết yếu vận hành trực tuyến toàn trình",
        "science",
        ["office", "police", "mps"],
        "canbo.hanoi",
        (-300, -30),
        3,
        [
            (240, 20, S.IN_PROGRESS, "Rà soát 25 dịch vụ, xác định 9 dịch vụ cần tái cấu trúc quy trình"),
            (150, 60, S.IN_PROGRESS, "Đã tích hợp 16/25 dịch vụ với Cổng Dịch vụ công quốc gia"),
            (45, 100, S.DONE, "Hoàn thành tích hợp 25/25 dịch vụ; biên bản nghiệm thu ngày 15 của tháng"),
        ],
        "verify",
    ),
    (
        G.PUBLIC_SERVICES,
        "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính tại Bộ phận Một cửa các cấp",
        "Tỷ lệ số hóa hồ sơ đạt trên 90%",
        "office",
        ["science", "communes"],
        "canbo.hanoi",
        (-200, 60),
        2,
        [
            (170, 15, S.IN_PROGRESS, "Ban hành hướng dẫn số hóa, tập huấn cán bộ Một cửa"),
            (90, 45, S.IN_PROGRESS, "Tỷ lệ số hóa đạt 52% tại cấp xã"),
            (12, 65, S.IN_PROGRESS, "Tỷ lệ số hóa đạt 71%; còn 38 xã chưa đạt chỉ tiêu"),
        ],
        None,
    ),
    (
        G.PUBLIC_SERVICES,
        "Kết nối Hệ thống thông tin giải quyết thủ tục hành chính của Thành phố với Cơ sở dữ liệu quốc gia về dân cư",
        "Xác thực thông tin công dân tự động khi nộp hồ sơ trực tuyến",
        "science",
        ["police", "mps"],
        "canbo.hanoi",
        (-180, 20),
        2,
        [
            (150, 30, S.IN_PROGRESS, "Hoàn thiện hồ sơ đề nghị kết nối gửi Bộ Công an"),
            (60, 80, S.IN_PROGRESS, "Đã kết nối môi trường thử nghiệm"),
            (3, 100, S.DONE, "Đã kết nối chính thức, xác thực trên 1,2 triệu lượt hồ sơ"),
        ],
        None,
    ),
    (
        G.SOCIO_ECONOMIC,
        "Chi trả chế độ an sinh xã hội không dùng tiền mặt qua tài khoản ngân hàng",
        "100% đối tượng bảo trợ xã hội nhận trợ cấp qua tài khoản",
        "home",
        ["communes", "police"],
        "canbo.hanoi",
        (-210, -15),
        2,
        [
            (180, 10, S.IN_PROGRESS, "Rà soát danh sách đối tượng, đối chiếu với dữ liệu dân cư"),
            (
                75,
                40,
                S.IN_PROGRESS,
                "40% đối tượng đã mở tài khoản; nhiều người cao tuổi chưa có điện thoại thông minh",
            ),
        ],
        None,
    ),
    (
        G.SOCIO_ECONOMIC,
        "Sử dụng căn cước gắn chip, VNeID thay thẻ bảo hiểm y tế khi khám chữa bệnh",
        "Toàn bộ cơ sở khám chữa bệnh tra cứu thẻ BHYT bằng căn cước",
        "health",
        ["police"],
        "canbo.hanoi",
        (-250, -60),
        1,
        [
            (220, 30, S.IN_PROGRESS, "Trang bị đầu đọc căn cước tại bệnh viện tuyến thành phố"),
            (100, 70, S.IN_PROGRESS, "Triển khai tại 512/640 cơ sở"),
            (30, 100, S.DONE, "Triển khai tại 640/640 cơ sở khám chữa bệnh"),
        ],
        "verify",
    ),
    (
        G.DIGITAL_CITIZENS,
        "Cấp tài khoản định danh điện tử mức 2 cho công dân từ đủ 14 tuổi trở lên",
        "Trên 90% công dân đủ điều kiện được kích hoạt tài khoản mức 2",
        "police",
        ["communes"],
        "thuongtruc.hanoi",
        (-330, 45),
        3,
        [
            (300, 35, S.IN_PROGRESS, "Tổ chức cấp tài khoản lưu động tại 126 xã, phường"),
            (160, 62, S.IN_PROGRESS, "Đã kích hoạt 4,9 triệu tài khoản mức 2"),
            (20, 85, S.IN_PROGRESS, "Đã kích hoạt 6,8 triệu tài khoản mức 2"),
        ],
        None,
    ),
    (
        G.DIGITAL_CITIZENS,
        "Tuyên truyền, hướng dẫn người dân sử dụng ứng dụng VNeID tại các xã, phường",
        "Mỗi xã, phường có tổ công nghệ số cộng đồng hoạt động",
        "communes",
        ["police", "science"],
        "canbo.hanoi",
        (-20, 100),
        1,
        [],
        None,
    ),
    (
        G.DATA_ECOSYSTEM,
        "Làm sạch dữ liệu hộ tịch, đồng bộ với Cơ sở dữ liệu quốc gia về dân cư",
        "Dữ liệu hộ tịch điện tử khớp đúng với dữ liệu dân cư",
        "justice",
        ["police", "moj"],
        "canbo.hanoi",
        (-240, -20),
        2,
        [
            (200, 25, S.IN_PROGRESS, "Số hóa sổ hộ tịch giai đoạn 2016–2020"),
            (110, 40, S.BLOCKED, "Chưa có hướng dẫn chuẩn dữ liệu hộ tịch lịch sử để đồng bộ", WAITING),
        ],
        None,
    ),
    (
        G.DATA_ECOSYSTEM,
        "Cấp phiếu lý lịch tư pháp qua ứng dụng VNeID",
        "Người dân nhận phiếu lý lịch tư pháp điện tử trên VNeID",
        "justice",
        ["police", "moj", "mps"],
        "canbo.hanoi",
        (-120, 30),
        1,
        [(90, 10, S.BLOCKED, "Chờ Bộ Tư pháp, Bộ Công an hướng dẫn quy trình liên thông", WAITING)],
        None,
    ),
    (
        G.LEADERSHIP,
        "Xây dựng hệ thống thông tin báo cáo phục vụ chỉ đạo, điều hành của Thành phố",
        "Bảng điều hành số liệu Đề án 06 cập nhật hằng ngày",
        "office",
        ["science"],
        "canbo.hanoi",
        (-160, 40),
        2,
        [
            (120, 25, S.IN_PROGRESS, "Hoàn thành khảo sát nhu cầu báo cáo các sở, ngành"),
            (40, 50, S.IN_PROGRESS, "Đã kết nối 12/20 chỉ tiêu"),
            (8, 100, S.DONE, "Đã vận hành bảng điều hành"),
        ],
        "return",
    ),
    (
        G.LEADERSHIP,
        "Sơ kết 6 tháng thực hiện Đề án 06, nhân rộng mô hình điểm",
        "Báo cáo sơ kết trình Ban Chỉ đạo Thành phố",
        "police",
        ["office"],
        "thuongtruc.hanoi",
        (-150, -100),
        1,
        [
            (120, 50, S.IN_PROGRESS, "Tổng hợp báo cáo của các sở, ngành, xã, phường"),
            (105, 100, S.DONE, "Đã tổ chức hội nghị sơ kết, ban hành báo cáo"),
        ],
        "verify",
    ),
]

HAIPHONG_TASKS = [
    (
        G.PUBLIC_SERVICES,
        "Cung cấp đầy đủ 25 dịch vụ công thiết yếu trực tuyến toàn trình trên Cổng Dịch vụ công quốc gia",
        "25/25 dịch vụ công thiết yếu vận hành trực tuyến toàn trình",
        "science",
        ["office", "police"],
        "canbo.haiphong",
        (-280, 30),
        3,
        [
            (200, 30, S.IN_PROGRESS, "Rà soát, tái cấu trúc quy trình 25 dịch vụ"),
            (40, 80, S.IN_PROGRESS, "Đã tích hợp 20/25 dịch vụ"),
        ],
        None,
    ),
    (
        G.SOCIO_ECONOMIC,
        "Triển khai bệnh án điện tử tại các bệnh viện công lập",
        "Các bệnh viện công lập dùng bệnh án điện tử",
        "health",
        ["science"],
        "canbo.haiphong",
        (-200, -10),
        2,
        [
            (150, 20, S.IN_PROGRESS, "Lựa chọn nền tảng, lập dự toán"),
            (50, 45, S.IN_PROGRESS, "8/19 bệnh viện đã triển khai"),
        ],
        None,
    ),
    (
        G.DIGITAL_CITIZENS,
        "Cấp tài khoản định danh điện tử mức 2 cho công dân từ đủ 14 tuổi trở lên",
        "Trên 90% công dân đủ điều kiện được kích hoạt tài khoản mức 2",
        "police",
        ["communes"],
        "canbo.haiphong",
        (-300, 15),
        3,
        [
            (250, 40, S.IN_PROGRESS, "Cấp tài khoản lưu động tại các xã, phường, đặc khu"),
            (5, 100, S.DONE, "Đạt 92% công dân đủ điều kiện"),
        ],
        None,
    ),
    (
        G.DATA_ECOSYSTEM,
        "Số hóa, làm sạch dữ liệu hộ tịch và đồng bộ với Cơ sở dữ liệu quốc gia về dân cư",
        "Dữ liệu hộ tịch điện tử khớp đúng với dữ liệu dân cư",
        "justice",
        ["police", "moj"],
        "canbo.haiphong",
        (-190, -5),
        2,
        [(100, 30, S.BLOCKED, "Chờ hướng dẫn của Bộ Tư pháp về chuẩn hóa dữ liệu hộ tịch trước năm 2016", WAITING)],
        None,
    ),
    (
        G.LEADERSHIP,
        "Vận hành Trung tâm giám sát, điều hành thông minh (IOC) kết nối dữ liệu Đề án 06",
        "IOC hiển thị các chỉ tiêu Đề án 06",
        "science",
        ["office"],
        "canbo.haiphong",
        (-10, 120),
        1,
        [],
        None,
    ),
]


def _agencies(unit: AdministrativeUnit, city: str) -> dict[str, Agency]:
    found = {}
    for key, (name, kind) in PROVINCE_AGENCIES.items():
        found[key], _ = Agency.objects.get_or_create(name=name.format(city=city), unit=unit, defaults={"kind": kind})
    for key, (name, kind) in CENTRAL_AGENCIES.items():
        found[key], _ = Agency.objects.get_or_create(name=name, unit=None, defaults={"kind": kind})
    return found


def _seed_unit(*, programme, unit, city, specs, creator, coordinator, people) -> int:
    agencies = _agencies(unit, city)
    today = timezone.localdate()
    now = timezone.now()
    created = 0
    for group, title, result, lead, partners, person, (start, deadline), weight, history, decision in specs:
        if Task.objects.filter(programme=programme, unit=unit, title=title).exists():
            continue
        task = services.task_create(
            actor=creator, programme=programme, unit=unit, group=group, title=title, expected_result=result,
            lead_agency=agencies[lead], coordinating_agencies=[agencies[k] for k in partners],
            accountable_person=people[person], weight=weight,
            start_date=today + datetime.timedelta(days=start), deadline=today + datetime.timedelta(days=deadline),
            at=now + datetime.timedelta(days=min(start, 0)),
        )  # fmt: skip
        for days_ago, percent, status, note, *reason in history:
            services.progress_report_submit(
                actor=people[person], task=task, percent=percent, status=status, note=note,
                block_reason=reason[0] if reason else "", at=now - datetime.timedelta(days=days_ago),
            )  # fmt: skip
        if decision == "verify":
            # Four eyes: a completion the coordinator reported is confirmed by the national admin.
            verifier = people["quantri"] if people[person] == coordinator else coordinator
            services.progress_completion_verify(actor=verifier, task=task, note="Đã kiểm tra biên bản, số liệu.")
        elif decision == "return":
            services.progress_completion_return(
                actor=coordinator, task=task, reason="Chưa có số liệu 8/20 chỉ tiêu còn lại; đề nghị bổ sung."
            )
        created += 1
    return created


def seed_demo(*, stdout) -> None:
    """Create the demo agencies, programme and tasks with their history. Idempotent."""
    units = {u.code: u for u in AdministrativeUnit.objects.current().filter(code__in=["01", "31"])}
    needed = {"quantri", "thuongtruc.hanoi", "canbo.hanoi", "canbo.haiphong"}
    people = {u.username: u for u in get_user_model().objects.filter(username__in=needed)}
    if set(units) != {"01", "31"} or not needed <= set(people):
        stdout.write("Nhiệm vụ Đề án 06: bỏ qua dữ liệu mẫu (thiếu đơn vị Hà Nội/Hải Phòng hoặc người dùng demo).")
        return
    today = timezone.localdate()
    # The period covers the demo's relative dates whatever day the demo is seeded.
    programme, _ = Programme.objects.get_or_create(
        document_number="06/QĐ-TTg",
        year=today.year,
        unit=None,
        defaults={
            "name": f"Đề án 06 năm {today.year}",
            "issuing_body": "Thủ tướng Chính phủ",
            "start_date": min(datetime.date(today.year, 1, 1), today - datetime.timedelta(days=330)),
            "end_date": max(datetime.date(today.year, 12, 31), today + datetime.timedelta(days=120)),
        },
    )
    hanoi_agencies = _agencies(units["01"], "Hà Nội")
    hanoi_agencies["police"].members.add(people["thuongtruc.hanoi"])
    hanoi_agencies["science"].members.add(people["canbo.hanoi"])
    _agencies(units["31"], "Hải Phòng")["science"].members.add(people["canbo.haiphong"])
    created = _seed_unit(
        programme=programme, unit=units["01"], city="Hà Nội", specs=HANOI_TASKS,
        creator=people["thuongtruc.hanoi"], coordinator=people["thuongtruc.hanoi"], people=people,
    ) + _seed_unit(
        programme=programme, unit=units["31"], city="Hải Phòng", specs=HAIPHONG_TASKS,
        creator=people["quantri"], coordinator=people["quantri"], people=people,
    )  # fmt: skip
    stdout.write(f"Nhiệm vụ Đề án 06: {created} nhiệm vụ mẫu mới cho Hà Nội và Hải Phòng.")
    commune_tasks = sum(
        seed_commune_tasks(
            programme=programme,
            province=units[code],
            officer=people[officer],
            coordinator=people["thuongtruc.hanoi" if code == "01" else "quantri"],
            seed=int(code),
        )
        for code, officer in (("01", "canbo.hanoi"), ("31", "canbo.haiphong"))
    )
    stdout.write(f"Nhiệm vụ Đề án 06: {commune_tasks} nhiệm vụ mẫu mới của các xã, phường.")
    seed_legacy_plan(admin=people["quantri"], officer=people["canbo.haiphong"], stdout=stdout)
