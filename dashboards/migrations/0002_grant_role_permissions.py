"""Let every role read the snapshots, and admins the recompute runs."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SNAPSHOTS = ["view_completionsnapshot", "view_pcccsnapshot"]
ROLE_PERMISSIONS = {
    "Quản trị": [*SNAPSHOTS, "view_recomputerun"],
    "Lãnh đạo": SNAPSHOTS,
    "Thường trực": SNAPSHOTS,
    "Cán bộ": SNAPSHOTS,
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("dashboards")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="dashboards", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0001_initial"), ("portal", "0002_create_role_groups")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
