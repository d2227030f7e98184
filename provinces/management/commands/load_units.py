from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from provinces.services import UnitDataError, units_load_current, units_load_legacy


class Command(BaseCommand):
    help = (
        "Nạp cơ cấu đơn vị hành chính hiện hành (34 tỉnh/thành, 3.321 xã/phường/đặc khu) từ gói vietnam-provinces; "
        "với --legacy, nạp thêm cơ cấu trước 01/07/2025 (63 tỉnh, 696 huyện, 10.035 xã) và bảng chuyển đổi cũ → mới "
        "từ gói vietnamadminunits."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--legacy",
            action="store_true",
            help="Nạp thêm cơ cấu trước 01/07/2025 và bảng chuyển đổi (cùng một giao dịch với cơ cấu hiện hành).",
        )

    def handle(self, *args, **options):
        try:
            # One transaction for both: the crosswalk needs the current units, and bad legacy
            # data must leave the current structure as it was too.
            with transaction.atomic():
                result = units_load_current()
                legacy = units_load_legacy() if options["legacy"] else None
                _refresh_statistics()
        except UnitDataError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Đơn vị hành chính: {result.created} tạo mới, {result.updated} cập nhật, {result.unchanged} không đổi."
            )
        )
        if legacy is not None:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Đơn vị trước 01/07/2025: {legacy.created} tạo mới, {legacy.updated} cập nhật, "
                    f"{legacy.unchanged} không đổi. Bảng chuyển đổi: {legacy.crosswalk_created} tạo mới, "
                    f"{legacy.crosswalk_updated} cập nhật, {legacy.crosswalk_removed} xoá."
                )
            )


def _refresh_statistics() -> None:
    """After a bulk load, PostgreSQL's planner must not keep planning for empty tables.

    Autovacuum would analyze them within minutes; until then the crosswalk's joins over
    14,000 units were planned as nested loops and took minutes instead of milliseconds.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE provinces_administrativeunit, provinces_unitcrosswalk")
