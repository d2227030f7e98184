"""Give the "Quản trị" group the permission that now stands for reporting progress.

Reporting was checked by group name (officers, coordinators and admins); it is now the
permission tasks.add_progressupdate (roles.policy.can_report), which officers and coordinators
hold since tasks 0002 and admins did not. Uses apps.get_model, no app imports.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {"Quản trị": [("tasks", "add_progressupdate")]}


def grant(apps, schema_editor):
    # Permissions are normally created after migrate; create them now so we can grant them.
    app_config = apps.get_app_config("tasks")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, permissions in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for app_label, codename in permissions:
            group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename=codename))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=GRANTS):
        for app_label, codename in GRANTS[group.name]:
            group.permissions.remove(*Permission.objects.filter(content_type__app_label=app_label, codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0002_grant_role_permissions"),
        ("portal", "0004_province_admin_role"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
