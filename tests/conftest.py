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


@pytest.fixture
def users(tree):
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
    import_module("tasks.migrations.0002_grant_role_permissions").grant(apps, None)
    import_module("pccc.migrations.0002_grant_role_permissions").grant(apps, None)
    import_module("roles.migrations.0001_admins_report_progress_by_permission").grant(apps, None)
