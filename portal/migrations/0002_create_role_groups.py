"""Create the four role groups with their permissions on the foundation models.

Later apps grant their own permissions to these groups in their own migrations.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "Quản trị": [
        ("auth", "group", ["add", "change", "delete", "view"]),
        ("portal", "user", ["add", "change", "delete", "view"]),
        ("provinces", "administrativeunit", ["add", "change", "view"]),
    ],
    "Lãnh đạo": [("provinces", "administrativeunit", ["view"])],
    "Thường trực": [("provinces", "administrativeunit", ["view"]), ("portal", "user", ["view"])],
    "Cán bộ": [("provinces", "administrativeunit", ["view"])],
}


def ensure_permissions(apps):
    # Permissions are normally created after migrate; create them now so we can grant them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def create_role_groups(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, grants in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for app_label, model, actions in grants:
            codenames = [f"{action}_{model}" for action in actions]
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )


def remove_role_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("provinces", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
