"""Grant the tasks app's permissions to the four role groups (created in portal 0002)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ALL = ["add", "change", "delete", "view"]
ROLE_PERMISSIONS = {
    "Quản trị": [
        ("programme", ALL),
        ("agency", ALL),
        ("task", ALL),
        ("historicaltask", ["view"]),
        ("progressupdate", ["view"]),
        ("evidencefile", ["view"]),
    ],
    "Lãnh đạo": [
        ("programme", ["view"]),
        ("agency", ["view"]),
        ("task", ["view"]),
        ("progressupdate", ["view"]),
        ("evidencefile", ["view"]),
    ],
    "Thường trực": [
        ("programme", ["view"]),
        ("agency", ["view"]),
        ("task", ["add", "change", "view"]),
        ("progressupdate", ["add", "view"]),
        ("evidencefile", ["add", "view"]),
    ],
    "Cán bộ": [
        ("programme", ["view"]),
        ("agency", ["view"]),
        ("task", ["view"]),
        ("progressupdate", ["add", "view"]),
        ("evidencefile", ["add", "view"]),
    ],
}


def grant(apps, schema_editor):
    # Permissions are normally created after migrate; create them now so we can grant them.
    app_config = apps.get_app_config("tasks")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, grants in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for model, actions in grants:
            codenames = [f"{action}_{model}" for action in actions]
            group.permissions.add(*Permission.objects.filter(content_type__app_label="tasks", codename__in=codenames))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="tasks"))


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0001_initial"),
        ("portal", "0002_create_role_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
