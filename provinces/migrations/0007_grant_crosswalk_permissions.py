"""Let the admin roles read the old→new crosswalk; national admins also correct it.

Province admins read the rows that map into their province (the admin bounds them); only
national admins change a row (``national_writes_only``). Uses apps.get_model, no app imports.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "Quản trị": ["add_unitcrosswalk", "change_unitcrosswalk", "view_unitcrosswalk"],
    "Quản trị tỉnh": ["view_unitcrosswalk"],
}


def grant(apps, schema_editor):
    # Permissions are normally created after migrate; create them now so we can grant them.
    app_config = apps.get_app_config("provinces")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="provinces", codename__in=codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="provinces", codename__endswith="_unitcrosswalk")
    for group in Group.objects.filter(name__in=ROLE_PERMISSIONS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("provinces", "0006_unit_crosswalk"),
        ("portal", "0004_province_admin_role"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
