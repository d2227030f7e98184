from functools import cached_property

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class PortalUserManager(UserManager):
    def get_queryset(self):
        # Every page reads the user's unit (scope, menu): fetch it with the user.
        return super().get_queryset().select_related("unit")


class User(AbstractUser):
    """A portal user. ``unit`` bounds everything they may see; empty means national."""

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    position = models.CharField(_("chức vụ"), max_length=150, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    unit = models.ForeignKey(
        "provinces.AdministrativeUnit",
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("Để trống nếu là người dùng cấp Trung ương (xem được toàn quốc)."),
    )

    objects = PortalUserManager()

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        # Not about user rows: a role's duty, held by the groups that must sign in with a second
        # factor (leaders, admins; granted by portal 0006) and asked through roles.policy.
        permissions = [("require_two_factor", "Phải dùng xác thực hai bước")]

    def __str__(self) -> str:
        return self.get_full_name()

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username

    @property
    def is_national(self) -> bool:
        return self.unit_id is None

    @cached_property
    def role_names(self) -> set[str]:
        """Names of the user's groups, read once per request."""
        return set(self.groups.values_list("name", flat=True))
