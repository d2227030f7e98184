"""The roles of the portal, as Django groups created by data migrations (portal 0002, 0004).

Role names say who someone is (the menu, two-factor, who may grant which role); what a user may
do is asked of ``roles.policy``, through Django permissions.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "Quản trị", _("Quản trị")
    PROVINCE_ADMIN = "Quản trị tỉnh", _("Quản trị tỉnh")
    LEADER = "Lãnh đạo", _("Lãnh đạo")
    COORDINATOR = "Thường trực", _("Thường trực")
    OFFICER = "Cán bộ", _("Cán bộ")


# Who may hand out which role in Django admin: a non-superuser grants only roles ranked
# strictly below their own highest one, so nobody makes a peer or a superior (a province
# administrator grants leaders, coordinators and officers; only a superuser makes admins).
ROLE_RANK = {
    Role.ADMIN: 3,
    Role.PROVINCE_ADMIN: 2,
    Role.LEADER: 1,
    Role.COORDINATOR: 1,
    Role.OFFICER: 1,
}


def has_role(user, *roles: Role) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser and Role.ADMIN in roles:
        return True
    return bool(user.role_names & set(roles))


def roles_grantable_by(user) -> set[str]:
    """Names of the roles ``user`` may give to (or take from) another account."""
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return set(Role.values)
    own_rank = max((ROLE_RANK.get(name, 0) for name in user.role_names), default=0)
    return {role.value for role, rank in ROLE_RANK.items() if rank < own_rank}
