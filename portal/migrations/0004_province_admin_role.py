"""Add the "Quản trị tỉnh" role: a province administrator working in Django admin.

It manages the users of its subtree (the admin scopes every list to it and lets it grant only
the roles below its own) and reads the province's tasks, values and figures there. It changes
neither programmes, criteria nor the unit tree. Uses apps.get_model, no app imports.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE = "Quản trị tỉnh"
GRANTS = [
    ("portal", "user", ["add", "change", "view"]),
    ("provinces", "administrativeunit", ["view"]),
    ("tasks", "programme", ["view"]),
    ("tasks", "agency", ["add", "change", "view"]),
    ("tasks", "task", ["view"]),
    ("tasks", "historicaltask", ["view"]),
    ("tasks", "progressupdate", ["view"]),
    ("tasks", "evidencefile", ["view"]),
    ("pccc", "criteriaset", ["view"]),
    ("pccc", "criterion", ["view"]),
    ("pccc", "assessment", ["view"]),
    ("pccc", "assessmentsubmission", ["view"]),
    ("dashboards", "completionsnapshot", ["view"]),
    ("dashboards", "pcccsnapshot", ["view"]),
]


def create_province_admin_role(apps, schema_editor):
    # Permissions are normally created after migrate; create them now so we can grant them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=ROLE)
    for app_label, model, actions in GRANTS:
        codenames = [f"{action}_{model}" for action in actions]
        group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))


def remove_province_admin_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=ROLE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0003_user_manager_selects_unit"),
        ("tasks", "0002_grant_role_permissions"),
        ("pccc", "0002_grant_role_permissions"),
        ("dashboards", "0002_grant_role_permissions"),
    ]

    operations = [migrations.RunPython(create_province_admin_role, remove_province_admin_role)]
