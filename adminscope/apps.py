from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdminScopeConfig(AppConfig):
    """Django admin bounded by the admin user's unit subtree (``adminscope.mixins``).

    Imports only ``provinces`` and ``inputs``: every app's admin.py (tasks, pccc, dashboards, …)
    mixes these in without importing the project package ``portal``. No models.
    """

    name = "adminscope"
    verbose_name = _("Phạm vi quản trị")
