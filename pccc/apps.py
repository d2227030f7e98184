from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PcccConfig(AppConfig):
    name = "pccc"
    verbose_name = _("Tiêu chí an toàn PCCC")
