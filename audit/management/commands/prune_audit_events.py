from django.conf import settings
from django.core.management.base import BaseCommand

from audit.services import DEFAULT_RETENTION_DAYS, audit_events_prune


class Command(BaseCommand):
    help = "Xóa các sự kiện kiểm toán cũ hơn AUDIT_RETENTION_DAYS ngày (mặc định 365)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="giữ bao nhiêu ngày (mặc định theo cấu hình)")

    def handle(self, *args, days=None, **options):
        kept = days if days is not None else getattr(settings, "AUDIT_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)
        deleted = audit_events_prune(retention_days=kept)
        self.stdout.write(f"Đã xóa {deleted} sự kiện kiểm toán cũ hơn {kept} ngày.")
