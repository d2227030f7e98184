from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.demo import DEMO_PASSWORD, DEMO_USERS, seed_demo_users


class Command(BaseCommand):
    help = "Tạo dữ liệu mẫu (người dùng và số liệu demo). Chỉ chạy khi DJANGO_DEBUG bật."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Không tạo dữ liệu mẫu khi DJANGO_DEBUG tắt (môi trường production).")
        with transaction.atomic():
            seed_demo_users()
            # Each app may offer demo data in <app>/demo.py as seed_demo(stdout).
            for app_config in apps.get_app_configs():
                if app_config.name == "portal":
                    continue
                if find_spec(f"{app_config.name}.demo") is not None:
                    import_module(f"{app_config.name}.demo").seed_demo(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Tài khoản demo (mật khẩu: {DEMO_PASSWORD}):"))
        for username, full_name, _position, role, _unit_code in DEMO_USERS:
            self.stdout.write(f"  {username:<18} {role.label:<12} {full_name}")
