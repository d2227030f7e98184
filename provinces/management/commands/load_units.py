from django.core.management.base import BaseCommand, CommandError

from provinces.services import UnitDataError, units_load_current


class Command(BaseCommand):
    help = "Nạp cơ cấu đơn vị hành chính hiện hành (34 tỉnh/thành, 3.321 xã/phường/đặc khu) từ gói vietnam-provinces."

    def handle(self, *args, **options):
        try:
            result = units_load_current()
        except UnitDataError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Đơn vị hành chính: {result.created} tạo mới, {result.updated} cập nhật, {result.unchanged} không đổi."
            )
        )
