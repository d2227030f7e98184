import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notifications.services import reminders_run


class Command(BaseCommand):
    help = "Gửi nhắc việc, cảnh báo quá hạn và tổng hợp hằng ngày (chạy ngay trong tiến trình này)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Ngày chạy, dạng YYYY-MM-DD (mặc định: hôm nay).")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ tính và in ra, không lưu, không gửi.")

    def handle(self, *args, **options):
        try:
            day = datetime.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError:
            raise CommandError(f"Ngày không hợp lệ: {options['date']!r} (cần YYYY-MM-DD).") from None
        run, notifications = reminders_run(day=day, dry_run=options["dry_run"], triggered_by="lệnh send_reminders")
        usernames = _usernames(notifications)
        verb = "Sẽ gửi" if run.dry_run else "Đã tạo"
        for n in notifications:
            self.stdout.write(f"  {usernames.get(n.recipient_id, n.recipient_id)} · {n.event} · {n.title}")
        self.stdout.write(f"{verb} {len(notifications)} thông báo cho ngày {day:%d/%m/%Y}: {run.counts}")
        if not run.dry_run:
            self.stdout.write(
                f"Thư: {run.emails_sent} đã gửi, {run.emails_failed} lỗi (thử lại sau), "
                f"{run.emails_skipped} bỏ qua, {run.emails_queued} chờ hết giờ yên lặng."
            )
        for line in filter(None, run.warnings.splitlines()):
            self.stdout.write(self.style.WARNING(line))


def _usernames(notifications) -> dict[int, str]:
    from django.contrib.auth import get_user_model

    ids = {n.recipient_id for n in notifications}
    return dict(get_user_model().objects.filter(pk__in=ids).values_list("pk", "username")) if ids else {}
