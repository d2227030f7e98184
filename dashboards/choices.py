from django.db import models
from django.utils.translation import gettext_lazy as _


class RunOutcome(models.TextChoices):
    RUNNING = "running", _("Đang chạy")
    SUCCESS = "success", _("Thành công")
    FAILED = "failed", _("Lỗi")
    # Some programmes or criteria sets failed; the others' figures of the day were written.
    PARTIAL = "partial", _("Lỗi một phần")
    SKIPPED = "skipped", _("Bỏ qua (đang có lượt khác chạy)")


RUN_OUTCOME_BADGES = {
    RunOutcome.RUNNING: "info",
    RunOutcome.SUCCESS: "success",
    RunOutcome.FAILED: "danger",
    RunOutcome.SKIPPED: "secondary",
    RunOutcome.PARTIAL: "warning",
}

# Outcomes after which the day's snapshots (all, or all but the failed parts) were written.
WROTE_SNAPSHOTS = (RunOutcome.SUCCESS, RunOutcome.PARTIAL)
