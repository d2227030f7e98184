"""``manage.py import_tasks FILE --programme ID --unit CODE --user USERNAME [--dry-run]``.

The same checks and the same all-or-nothing write as the import page, for coordinators who script.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from exports.services import TaskImportStale, task_import_confirm
from exports.task_import import MAX_ROWS, column_names, plan_task_import
from exports.uploads import SpreadsheetRefused, read_table
from provinces.selectors import unit_visible_to
from tasks.selectors import programme_visible_to


class Command(BaseCommand):
    help = "Nhập danh sách nhiệm vụ từ tệp Excel theo mẫu vào một đề án và đơn vị (tất cả hoặc không dòng nào)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--programme", type=int, required=True, help="Mã (id) đề án")
        parser.add_argument("--unit", required=True, help="Mã đơn vị hành chính")
        parser.add_argument("--user", required=True, help="Tên đăng nhập của Thường trực thực hiện")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không lưu")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"Không có người dùng “{options['user']}”.")
        programme = programme_visible_to(user, options["programme"])
        # "~30" names the legacy unit 30 (an old province's plan, dated before 1 July 2025).
        unit = unit_visible_to(user, options["unit"])
        if programme is None or unit is None:
            raise CommandError("Không tìm thấy đề án hoặc đơn vị trong phạm vi của người dùng này.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không có tệp {path}.")
        required, optional = column_names()
        try:
            table = read_table(
                path.read_bytes(), required=required, optional=optional, filename=path.name, max_rows=MAX_ROWS
            )
            if options["dry_run"]:
                plan = plan_task_import(actor=user, programme=programme, unit=unit, table=table)
                errors = plan.errors
            else:
                # Checked and written in one locked transaction, as the import page's confirmation:
                # no edit can land between the checks and the write.
                created, changed = task_import_confirm(
                    actor=user, programme=programme, unit=unit, table=table, planned=None
                )
                errors = []
        except SpreadsheetRefused as refused:
            errors = refused.errors
        except TaskImportStale as failed:
            errors = failed.plan.errors
        except PermissionDenied as denied:
            raise CommandError(str(denied)) from None
        if errors:
            for error in errors:
                where = f"dòng {error.row}, " if error.row else ""
                column = f"cột “{error.column}”: " if error.column else ""
                self.stderr.write(f"{where}{column}{error.message}")
            raise CommandError(f"Tệp có {len(errors)} lỗi; chưa nhập dòng nào.")
        if options["dry_run"]:
            self.stdout.write(f"Hợp lệ: sẽ tạo {len(plan.creates)}, cập nhật {len(plan.changes)} nhiệm vụ.")
            return
        self.stdout.write(self.style.SUCCESS(f"Đã nhập {created} nhiệm vụ mới, cập nhật {changed} nhiệm vụ."))
