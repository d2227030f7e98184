"""Grant the PCCC permissions to the four role groups created by portal 0002.

Officers and the coordinating office enter values (add_assessment); leaders read.
Criteria are edited by administrators only. Uses apps.get_model, no app imports.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ALL = ["add", "change", "delete", "view"]
ROLE_PERMISSIONS = {
    "Quản trị": [
        ("criteriaset", ALL),
        ("criterion", ALL),
        ("criterionphase", ALL),
        ("facilitycategory", ALL),
        ("assessment", ["add", "view"]),
        ("assessmentsubmission", ["view"]),
    ],
    "Lãnh đạo": [
        ("criteriaset", ["view"]),
        ("criterion", ["view"]),
        ("assessment", ["view"]),
        ("assessmentsubmission", ["view"]),
    ],
    "Thường trực": [
        ("criteriaset", ["view"]),
        ("criterion", ["view"]),
        ("assessment", ["add", "view"]),
        ("assessmentsubmission", ["view"]),
    ],
    "Cán bộ": [
        ("criteriaset", ["view"]),
        ("criterion", ["view"]),
        ("assessment", ["add", "view"]),
        ("assessmentsubmission", ["view"]),
    ],
}


def grant(apps, schema_editor):
    # Permissions are normally created after migrate; create them now so we can grant them.
    app_config = apps.get_app_config("pccc")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, grants in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        codenames = [f"{action}_{model}" for model, actions in grants for action in actions]
        group.permissions.add(*Permission.objects.filter(content_type__app_label="pccc", codename__in=codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="pccc")
    for group in Group.objects.filter(name__in=ROLE_PERMISSIONS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("pccc", "0001_criteria_and_assessments"),
        ("portal", "0002_create_role_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
