from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Nhật ký kiểm toán")

    def ready(self):
        # Logins, lockouts and changes of roles, units and permissions are recorded by receivers.
        from . import signals  # noqa: F401
