from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Người dùng và phân quyền")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .security import start_session_clock

        # At login, not on each request: the idle clock and the enrolment flag the middleware reads.
        user_logged_in.connect(start_session_clock, dispatch_uid="portal.start_session_clock")
