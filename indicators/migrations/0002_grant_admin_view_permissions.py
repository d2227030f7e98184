"""Let the administrator roles read indicators, targets and values in Django admin (scoped there).

Pages check roles, not these permissions; targets and values are written through the pages'
services only (their admin is read-only). Uses apps.get_model, no app imports.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "Quản trị": ["add_indicator", "change_indicator", "delete_indicator", "view_indicator", "view_target",
                 "view_indicatorvalue"],
    "Quản trị tỉnh": ["view_indicator", "view_target", "view_indicatorvalue"],
}  # fmt: skip


def grant(apps, schema_editor):
    app_config = apps.get_app_config("indicators")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="indicators", codename__in=codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="indicators")
    for group in Group.objects.filter(name__in=ROLE_PERMISSIONS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0001_indicators_targets_values"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("portal", "0004_province_admin_role"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
