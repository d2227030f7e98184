from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = _("API đọc dữ liệu và trang công khai")

    def ready(self):
        # Registers the bearer scheme with drf-spectacular (an import side effect by design).
        from . import schema_extensions  # noqa: F401
