import os
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from hypothesis import settings as hypothesis_settings

from provinces.choices import UnitKind
from roles.choices import Role

from .factories import make_unit, make_user

# Hypothesis: the attack tests (tests/security/test_fuzz.py) take their number of examples
# from the profile; tests that set max_examples themselves keep theirs. Every example must
# answer within 2 s. CI runs at least 10,000 examples across the attack tests (1,000 for each
# of them); a developer run does 50 each. HYPOTHESIS_PROFILE picks one explicitly.
hypothesis_settings.register_profile("ci", max_examples=1000, deadline=2000)
hypothesis_settings.register_profile("dev", max_examples=50, deadline=2000)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI", "").lower() == "true" else "dev")
)


@pytest.fixture
def tree(db):
    """Two provinces with a few communes each, shaped like the real codes."""
    hanoi = make_unit("01", "Thành phố Hà Nội", kind=UnitKind.THANH_PHO_TRUNG_UONG)
    haiphong = make_unit("31", "Thành phố Hải Phòng", kind=UnitKind.THANH_PHO_TRUNG_UONG)
    return SimpleNamespace(
        hanoi=hanoi,
        haiphong=haiphong,
        hoankiem=make_unit("00070", "Phường Hoàn Kiếm", parent=hanoi, kind=UnitKind.PHUONG),
        badinh=make_unit("00004", "Phường Ba Đình", parent=hanoi, kind=UnitKind.PHUONG),
        soctson=make_unit("08974", "Xã Sóc Sơn", parent=hanoi),
        hongbang=make_unit("11296", "Phường Hồng Bàng", parent=haiphong, kind=UnitKind.PHUONG),
    )


# The data migrations that give the role groups their permissions, in migration order.
ROLE_GRANTS = [
    ("portal.migrations.0002_create_role_groups", "create_role_groups"),
    ("tasks.migrations.0002_grant_role_permissions", "grant"),
    ("pccc.migrations.0002_grant_role_permissions", "grant"),
    ("dashboards.migrations.0002_grant_role_permissions", "grant"),
    ("portal.migrations.0004_province_admin_role", "create_province_admin_role"),
    ("roles.migrations.0001_admins_report_progress_by_permission", "grant"),
    ("portal.migrations.0006_user_two_factor_permission", "grant"),
]


def grant_role_permissions(*, always: bool = False) -> None:
    """Give the role groups the permissions their data migrations give (roles.policy asks those).

    A database built without migrations (`make mutate` runs pytest --nomigrations) or flushed by a
    transactional test has groups without them. Skipped, in one query, when they are there.
    """
    if not always and Group.objects.filter(name=Role.COORDINATOR, permissions__codename="change_task").exists():
        return
    # The migrations switch each app's models_module off after creating its permissions: on the
    # live registry that would stop later flushes from recreating them, so it is put back.
    modules = {config.label: config.models_module for config in apps.get_app_configs()}
    try:
        for module, function in ROLE_GRANTS:
            getattr(import_module(module), function)(apps, None)
    finally:
        for config in apps.get_app_configs():
            config.models_module = modules[config.label]


@pytest.fixture
def users(tree):
    grant_role_permissions()
    return SimpleNamespace(
        admin=make_user("quantri", role=Role.ADMIN, is_staff=True, is_superuser=True),
        national=make_user("lanhdao.tw", role=Role.LEADER),
        leader_hanoi=make_user("lanhdao.hanoi", unit=tree.hanoi, role=Role.LEADER),
        coordinator_hanoi=make_user("thuongtruc.hanoi", unit=tree.hanoi, role=Role.COORDINATOR),
        officer_hanoi=make_user("canbo.hanoi", unit=tree.hanoi, role=Role.OFFICER),
        officer_hoankiem=make_user("canbo.hoankiem", unit=tree.hoankiem, role=Role.OFFICER),
        officer_haiphong=make_user("canbo.haiphong", unit=tree.haiphong, role=Role.OFFICER),
    )


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Hashing with PBKDF2 costs ~0.3 s per user; tests don't need that strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Dashboards cache live figures and HTML; every test starts from an empty cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def vietnamese_by_default():
    """A request made in English (the language menu) leaves English active in the test's thread.

    pytest-django runs database tests first, so that leaked into later tests of messages.
    """
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def role_groups_restored(transactional_db):
    """Transactional tests flush the tables: recreate the role groups and the grants of the data migrations
    (roles.policy asks the permissions, not the group names)."""
    for role in Role:
        Group.objects.get_or_create(name=role)
    grant_role_permissions(always=True)
