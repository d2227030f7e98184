"""The permission that says a role must sign in with two-factor, given to admins and leaders.

Two-factor was required by group name (staff, superusers, "Quản trị", "Lãnh đạo"); it is now the
permission portal.require_two_factor (roles.policy.must_use_two_factor), held by the same two
groups. Uses apps.get_model, no app imports.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {"Quản trị": ["require_two_factor"], "Lãnh đạo": ["require_two_factor"]}


def grant(apps, schema_editor):
    # Permissions are normally created after migrate; create them now so we can grant them.
    app_config = apps.get_app_config("portal")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="portal", codename__in=codenames))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GRANTS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="portal", codename="require_two_factor"))


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0005_backup_codes_stored_as_digests"),
        ("portal", "0004_province_admin_role"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="user",
            options={
                "permissions": [("require_two_factor", "Phải dùng xác thực hai bước")],
                "verbose_name": "người dùng",
                "verbose_name_plural": "người dùng",
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
