"""Small factories for tests: a tiny unit tree and users by role."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from provinces.choices import UnitKind, UnitLevel
from provinces.models import AdministrativeUnit

PASSWORD = "Demo@2026"


def make_unit(
    code: str, name: str, *, parent: AdministrativeUnit | None = None, kind: str | None = None, level: int | None = None
):
    return AdministrativeUnit.objects.create(
        code=code,
        name=name,
        kind=kind or (UnitKind.XA if parent else UnitKind.TINH),
        level=level or (UnitLevel.COMMUNE if parent else UnitLevel.PROVINCE),
        parent=parent,
        path=AdministrativeUnit.build_path(parent.path if parent else "", code),
    )


def make_user(username: str, *, unit: AdministrativeUnit | None = None, role: str | None = None, **fields):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, unit=unit, **fields)
    if role:
        # get_or_create: transactional tests flush the groups that a data migration made.
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user
