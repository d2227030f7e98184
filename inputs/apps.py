from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InputsConfig(AppConfig):
    """How people type numbers and dates: the one number parser and the dd/mm/yyyy date box.

    An app of its own, below every app that reads typed values (tasks, pccc, indicators, exports),
    so that none of them imports the project package ``portal``. No models.
    """

    name = "inputs"
    verbose_name = _("Nhập liệu")
