import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dashboards.choices import RunOutcome
from dashboards.models import CompletionSnapshot
from dashboards.services import recompute_range_days, recompute_run, recompute_runs, snapshot_rebuild
from dashboards.warm import warm_dashboards


def backfill_dates(as_of: datetime.date, days: int, *, every: int = 1) -> list[datetime.date]:
    """Days before ``as_of`` within ``days`` (every ``every``-th, plus 7 and 30 days back for the
    dashboards' change arrows) that have no snapshot yet, oldest first."""
    if days <= 0:
        return []
    offsets = {n for n in range(1, days + 1) if n % max(every, 1) == 0} | ({7, 30} & set(range(1, days + 1)))
    wanted = {as_of - datetime.timedelta(days=n) for n in offsets}
    done = set(CompletionSnapshot.objects.filter(date__in=wanted).values_list("date", flat=True).distinct())
    return sorted(wanted - done)


class Command(BaseCommand):
    help = "Tính lại số liệu tổng hợp (chạy ngay trong tiến trình này, không qua hàng đợi)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Ngày tính số liệu, dạng YYYY-MM-DD (mặc định: hôm nay).")
        parser.add_argument("--from", dest="date_from", help="Tính cho mọi ngày từ ngày này (YYYY-MM-DD)...")
        parser.add_argument("--to", dest="date_to", help="...đến ngày này (YYYY-MM-DD, mặc định: hôm nay).")
        parser.add_argument(
            "--backfill-days",
            type=int,
            default=0,
            help="Tính thêm cho N ngày trước đó còn thiếu số liệu (dữ liệu mẫu: biểu đồ xu hướng).",
        )
        parser.add_argument(
            "--backfill-every",
            type=int,
            default=1,
            help="Khi tính bổ sung, chỉ tính mỗi K ngày một lần (luôn gồm 7 và 30 ngày trước).",
        )

    def handle(self, *args, **options):
        if options["date_from"] or options["date_to"]:
            return self._handle_range(options)
        try:
            as_of = datetime.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError:
            raise CommandError("Ngày không hợp lệ: hãy nhập theo dạng YYYY-MM-DD, ví dụ 2026-11-29.") from None
        missing = backfill_dates(as_of, options["backfill_days"], every=options["backfill_every"])
        for day in missing:
            snapshot_rebuild(as_of=day)
        if missing:
            self.stdout.write(f"Đã tính bổ sung {len(missing)} ngày trước {as_of:%d/%m/%Y}.")
        run = recompute_run(as_of=as_of, triggered_by="lệnh recompute_progress")
        if run.outcome != RunOutcome.SUCCESS:
            raise CommandError(f"Không tính lại được số liệu: {run.get_outcome_display()}. {run.error}")
        warm_dashboards(as_of)  # a cron job's run, like the scheduled one, leaves the morning's pages ready
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã tính lại số liệu ngày {as_of:%d/%m/%Y}: {run.rows_written} dòng "
                f"trong {run.duration_seconds:.1f} giây."
            )
        )

    def _handle_range(self, options):
        """Every day of a range, oldest first, each a run of its own under the same lock as the nightly one."""
        if options["date"]:
            raise CommandError("Dùng --date hoặc --from/--to, không dùng cả hai.")
        try:
            days = recompute_range_days(options["date_from"], options["date_to"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        for run in recompute_runs(days, triggered_by="lệnh recompute_progress"):
            day = run.as_of
            if run.outcome != RunOutcome.SUCCESS:
                raise CommandError(
                    f"Không tính lại được số liệu ngày {day:%d/%m/%Y}: {run.get_outcome_display()}. {run.error}"
                )
            self.stdout.write(f"Ngày {day:%d/%m/%Y}: {run.rows_written} dòng trong {run.duration_seconds:.1f} giây.")
        self.stdout.write(self.style.SUCCESS(f"Đã tính lại số liệu {len(days)} ngày."))
