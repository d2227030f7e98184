from indicators.models import Target


def test_a_province_admin_list_of_targets_shows_only_its_province(client, users, tree, chip_ids, put_target):
    from django.contrib.auth.models import Permission

    put_target(chip_ids, tree.hanoi, "98.5")
    put_target(chip_ids, tree.haiphong, "97")
    user = users.leader_hanoi
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="view_target"))
    client.force_login(user)
    response = client.get("/admin/indicators/target/")
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == list(Target.objects.filter(unit=tree.hanoi))


def test_a_province_admin_reads_targets_by_role(client, tree, chip_ids, put_target):
    from roles.choices import Role
    from tests.factories import make_user

    put_target(chip_ids, tree.hanoi, "98.5")
    admin = make_user("quantri.tinh", unit=tree.hanoi, role=Role.PROVINCE_ADMIN, is_staff=True)
    client.force_login(admin)
    assert client.get("/admin/indicators/target/").status_code == 200
    assert client.get("/admin/indicators/target/add/").status_code == 403
