"""The four roles of the portal, as Django groups created by a data migration."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "Quản trị", _("Quản trị")
    LEADER = "Lãnh đạo", _("Lãnh đạo")
    COORDINATOR = "Thường trực", _("Thường trực")
    OFFICER = "Cán bộ", _("Cán bộ")


def has_role(user, *roles: Role) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser and Role.ADMIN in roles:
        return True
    return bool(user.role_names & set(roles))
