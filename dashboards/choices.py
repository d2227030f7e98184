from django.db import models
from django.utils.translation import gettext_lazy as _


class RunOutcome(models.TextChoices):
    RUNNING = "running", _("Đang chạy")
    SUCCESS = "success", _("Thành công")
    FAILED = "failed", _("Lỗi")
    SKIPPED = "skipped", _("Bỏ qua (đang có lượt khác chạy)")


RUN_OUTCOME_BADGES = {
    RunOutcome.RUNNING: "info",
    RunOutcome.SUCCESS: "success",
    RunOutcome.FAILED: "danger",
    RunOutcome.SKIPPED: "secondary",
}
