from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RolesConfig(AppConfig):
    """The portal's roles (Django groups) and the policy that turns their permissions into answers.

    An app of its own, below tasks, pccc, dashboards and exports: they ask ``roles.policy``
    what a user may do, never the project package ``portal``.
    """

    name = "roles"
    verbose_name = _("Vai trò")
