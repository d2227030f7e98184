import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dashboards.choices import RunOutcome
from dashboards.services import recompute_run


class Command(BaseCommand):
    help = "Tính lại số liệu tổng hợp (chạy ngay trong tiến trình này, không qua hàng đợi)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Ngày tính số liệu, dạng YYYY-MM-DD (mặc định: hôm nay).")

    def handle(self, *args, **options):
        try:
            as_of = datetime.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError:
            raise CommandError("Ngày không hợp lệ: hãy nhập theo dạng YYYY-MM-DD, ví dụ 2026-11-29.") from None
        run = recompute_run(as_of=as_of, triggered_by="lệnh recompute_progress")
        if run.outcome != RunOutcome.SUCCESS:
            raise CommandError(f"Không tính lại được số liệu: {run.get_outcome_display()}. {run.error}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã tính lại số liệu ngày {as_of:%d/%m/%Y}: {run.rows_written} dòng "
                f"trong {run.duration_seconds:.1f} giây."
            )
        )
