"""Demo users for the embedded run. Only ever called when DEBUG is on."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from provinces.models import AdministrativeUnit
from roles.choices import Role

DEMO_PASSWORD = "Demo@2026"
HANOI_CODE = "01"
HAIPHONG_CODE = "31"

# username, full name, position, role, unit code (None = national)
DEMO_USERS = [
    ("quantri", "Quản trị hệ thống", "Quản trị viên", Role.ADMIN, None),
    ("quantri.hanoi", "Đỗ Thị Lan", "Quản trị hệ thống của Thành phố", Role.PROVINCE_ADMIN, HANOI_CODE),
    ("lanhdao.hanoi", "Nguyễn Văn Hùng", "Phó Chủ tịch UBND Thành phố", Role.LEADER, HANOI_CODE),
    ("thuongtruc.hanoi", "Trần Thị Mai", "Tổ công tác Đề án 06, Công an Thành phố", Role.COORDINATOR, HANOI_CODE),
    ("canbo.hanoi", "Lê Minh Tuấn", "Chuyên viên", Role.OFFICER, HANOI_CODE),
    ("canbo.haiphong", "Phạm Thu Hà", "Chuyên viên", Role.OFFICER, HAIPHONG_CODE),
]


def seed_demo_users() -> list[str]:
    """Create the demo users if missing; returns the usernames. Idempotent."""
    User = get_user_model()
    units = {u.code: u for u in AdministrativeUnit.objects.current().filter(code__in=[HANOI_CODE, HAIPHONG_CODE])}
    created = []
    for username, full_name, position, role, unit_code in DEMO_USERS:
        user, was_created = User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": full_name,
                "position": position,
                "unit": units.get(unit_code) if unit_code else None,
                "is_staff": role in (Role.ADMIN, Role.PROVINCE_ADMIN),  # both work in Django admin
                "is_superuser": role == Role.ADMIN,
            },
        )
        if was_created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=role))
            created.append(username)
    return created
