from django.core.management.base import BaseCommand

from portal.services import accounts_disable_inactive


class Command(BaseCommand):
    help = "Khóa các tài khoản không đăng nhập trong PORTAL_INACTIVE_ACCOUNT_DAYS ngày (mặc định 45)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="Số ngày không đăng nhập (mặc định theo cấu hình).")

    def handle(self, *args, days=None, **options):
        disabled = accounts_disable_inactive(days=days)
        self.stdout.write(f"Đã khóa {len(disabled)} tài khoản: {', '.join(disabled) or '—'}")
