"""Django admin is bounded by the admin's unit subtree, and nobody promotes themselves.

Each test drives the real admin views with the test client. ``provincial_admin`` is the case
of issue 12: a Hà Nội account that was given the Quản trị group and staff status.
"""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.db import models
from django.urls import reverse

from adminscope.mixins import SuperuserOnlyAdminMixin, UnitScopedAdminMixin
from dashboards.models import RecomputeRun
from pccc.choices import Aggregation, Comparator
from pccc.models import Assessment, AssessmentSubmission, CriteriaSet, Criterion
from provinces.models import AdministrativeUnit
from roles.choices import Role
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Mật-khẩu-mới-2026!"


@pytest.fixture
def provincial_admin(tree):
    return make_user("quantri.hanoi.cu", unit=tree.hanoi, role=Role.ADMIN, is_staff=True)


@pytest.fixture
def national_admin(db):
    """A national Quản trị who is not a superuser."""
    return make_user("quantri.tw", role=Role.ADMIN, is_staff=True)


@pytest.fixture
def province_admin(tree):
    return make_user("quantri.hanoi", unit=tree.hanoi, role=Role.PROVINCE_ADMIN, is_staff=True)


def change_url(user):
    return reverse("admin:portal_user_change", args=[user.pk])


def password_url(user):
    return reverse("admin:auth_user_password_change", args=[user.pk])


def user_form_data(user, **changes):
    """What the admin's change form posts for ``user``, with ``changes`` applied."""
    data = {
        "username": user.username,
        "full_name": user.full_name,
        "position": user.position,
        "email": user.email,
        "phone": user.phone,
        "unit": user.unit_id or "",
        "groups": [group.pk for group in user.groups.all()],
        "is_active": "on",
        "date_joined_0": "01/12/2026",
        "date_joined_1": "08:00",
        "last_login_0": "",
        "last_login_1": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def new_user_data(username, unit, *groups):
    return {
        "username": username,
        "full_name": "Người dùng mới",
        "unit": unit.pk if unit else "",
        "groups": [Group.objects.get(name=group).pk for group in groups],
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }


def changelist_usernames(client):
    response = client.get(reverse("admin:portal_user_changelist"))
    assert response.status_code == 200
    return {user.username for user in response.context["cl"].result_list}


# Users: lists, change views, password views -------------------------------------------------


def test_user_changelist_lists_only_the_admins_subtree(client, users, provincial_admin):
    client.force_login(provincial_admin)
    assert changelist_usernames(client) == {
        "quantri.hanoi.cu",
        "lanhdao.hanoi",
        "thuongtruc.hanoi",
        "canbo.hanoi",
        "canbo.hoankiem",
    }


def test_national_superuser_still_lists_every_user(client, users, provincial_admin):
    client.force_login(users.admin)
    assert {"canbo.haiphong", "lanhdao.tw", "quantri", "canbo.hanoi"} <= changelist_usernames(client)


def assert_answered_as_missing(response):
    """Django admin answers a row outside get_queryset as it answers a deleted one: back to the index."""
    assert response.status_code == 302 and response.url == reverse("admin:index")


def test_change_view_of_another_provinces_user_answers_as_missing_and_changes_nothing(client, users, provincial_admin):
    client.force_login(provincial_admin)
    target = users.officer_haiphong
    assert_answered_as_missing(client.get(change_url(target)))
    response = client.post(change_url(target), user_form_data(target, full_name="Đã bị sửa", is_active=None))
    assert_answered_as_missing(response)
    target.refresh_from_db()
    assert target.full_name != "Đã bị sửa" and target.is_active


def test_password_view_of_another_provinces_user_is_404_and_keeps_the_password(client, users, provincial_admin):
    client.force_login(provincial_admin)
    target = users.officer_haiphong
    assert client.get(password_url(target)).status_code == 404
    response = client.post(password_url(target), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 404
    target.refresh_from_db()
    assert target.check_password(PASSWORD)


@pytest.mark.parametrize("actor", ["provincial_admin", "province_admin"])
def test_password_of_a_superuser_inside_the_subtree_is_refused(client, request, tree, actor):
    superuser = make_user("sieuquantri.hanoi", unit=tree.hanoi, is_staff=True, is_superuser=True)
    client.force_login(request.getfixturevalue(actor))
    assert client.get(password_url(superuser)).status_code == 403
    response = client.post(password_url(superuser), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("actor", "peer_role"), [("province_admin", Role.PROVINCE_ADMIN), ("provincial_admin", Role.ADMIN)]
)
def test_a_peer_admin_is_read_only_and_keeps_the_password(client, request, tree, actor, peer_role):
    peer = make_user("quantri.hoankiem", unit=tree.hoankiem, role=peer_role, is_staff=True)
    client.force_login(request.getfixturevalue(actor))
    assert client.post(password_url(peer), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}).status_code == 403
    response = client.post(change_url(peer), user_form_data(peer, full_name="Đã bị sửa"))
    assert response.status_code == 403
    peer.refresh_from_db()
    assert peer.check_password(PASSWORD) and peer.full_name != "Đã bị sửa"


def test_province_admin_resets_the_password_of_an_officer_of_the_subtree(client, users, province_admin):
    client.force_login(province_admin)
    response = client.post(password_url(users.officer_hoankiem), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    users.officer_hoankiem.refresh_from_db()
    assert users.officer_hoankiem.check_password(NEW_PASSWORD)


# Nobody promotes themselves -------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["provincial_admin", "national_admin", "province_admin"])
def test_a_non_superuser_posting_is_superuser_on_is_not_promoted(client, request, tree, actor):
    account = request.getfixturevalue(actor)
    client.force_login(account)
    response = client.post(
        change_url(account),
        user_form_data(
            account,
            full_name="Tên mới",
            is_superuser="on",
            is_staff="on",
            user_permissions=list(Permission.objects.values_list("pk", flat=True)),
        ),
    )
    assert response.status_code == 302  # the form was valid and saved...
    account.refresh_from_db()
    assert account.full_name == "Tên mới"
    assert not account.is_superuser  # ...without the privilege fields
    assert not account.user_permissions.exists()


def test_non_superusers_do_not_see_the_privilege_fields(client, users, provincial_admin):
    client.force_login(provincial_admin)
    changelist = client.get(reverse("admin:portal_user_changelist")).context["cl"]
    assert "is_staff" not in changelist.list_display and "is_staff" not in changelist.list_filter
    form = client.get(change_url(users.officer_hanoi)).context["adminform"].form
    assert not {"is_superuser", "is_staff", "user_permissions"} & set(form.fields)
    client.force_login(users.admin)
    form = client.get(change_url(users.officer_hanoi)).context["adminform"].form
    assert {"is_superuser", "is_staff", "user_permissions"} <= set(form.fields)


def test_an_admin_cannot_change_their_own_roles_unit_or_active_flag(client, tree, province_admin):
    client.force_login(province_admin)
    response = client.post(
        change_url(province_admin),
        user_form_data(
            province_admin,
            unit=tree.hoankiem.pk,
            groups=[Group.objects.get(name=Role.ADMIN).pk],
            is_active=None,
        ),
    )
    assert response.status_code == 302
    province_admin.refresh_from_db()
    assert province_admin.unit == tree.hanoi
    assert set(province_admin.groups.values_list("name", flat=True)) == {Role.PROVINCE_ADMIN}
    assert province_admin.is_active


# Granting roles and units -----------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADMIN, Role.PROVINCE_ADMIN])
def test_province_admin_cannot_grant_an_admin_role(client, tree, province_admin, role):
    client.force_login(province_admin)
    response = client.post(reverse("admin:portal_user_add"), new_user_data("moi.hoankiem", tree.hoankiem, role))
    assert response.status_code == 200 and list(response.context["adminform"].form.errors) == ["groups"]
    assert not province_admin.__class__.objects.filter(username="moi.hoankiem").exists()


def test_province_admin_cannot_grant_quan_tri_to_an_existing_officer(client, users, province_admin):
    client.force_login(province_admin)
    target = users.officer_hoankiem
    response = client.post(change_url(target), user_form_data(target, groups=[Group.objects.get(name=Role.ADMIN).pk]))
    assert response.status_code == 200 and list(response.context["adminform"].form.errors) == ["groups"]
    assert set(target.groups.values_list("name", flat=True)) == {Role.OFFICER}


def test_province_admin_offers_only_the_roles_below_their_own(client, province_admin):
    client.force_login(province_admin)
    form = client.get(reverse("admin:portal_user_add")).context["adminform"].form
    assert set(form.fields["groups"].queryset.values_list("name", flat=True)) == {
        Role.LEADER,
        Role.COORDINATOR,
        Role.OFFICER,
    }


def test_province_admin_creates_an_officer_of_a_commune(client, tree, province_admin):
    client.force_login(province_admin)
    response = client.post(reverse("admin:portal_user_add"), new_user_data("canbo.moi", tree.hoankiem, Role.OFFICER))
    assert response.status_code == 302
    created = province_admin.__class__.objects.get(username="canbo.moi")
    assert created.unit == tree.hoankiem and not created.is_staff and not created.is_superuser


def test_province_admin_cannot_create_a_national_user(client, province_admin):
    client.force_login(province_admin)
    response = client.post(reverse("admin:portal_user_add"), new_user_data("canbo.tw", None, Role.OFFICER))
    assert response.status_code == 200 and list(response.context["adminform"].form.errors) == ["unit"]
    assert not province_admin.__class__.objects.filter(username="canbo.tw").exists()


def test_province_admin_cannot_move_a_user_out_of_the_subtree(client, users, tree, province_admin):
    client.force_login(province_admin)
    target = users.officer_hoankiem
    response = client.post(change_url(target), user_form_data(target, unit=tree.haiphong.pk))
    assert response.status_code == 200 and list(response.context["adminform"].form.errors) == ["unit"]
    target.refresh_from_db()
    assert target.unit == tree.hoankiem


def test_the_unit_choices_of_the_user_form_exclude_other_provinces(client, tree, provincial_admin):
    client.force_login(provincial_admin)
    form = client.get(reverse("admin:portal_user_add")).context["adminform"].form
    choices = set(form.fields["unit"].queryset)
    assert {tree.hanoi, tree.hoankiem, tree.badinh, tree.soctson} == choices


def test_unit_autocomplete_answers_only_inside_the_subtree(client, tree, provincial_admin):
    client.force_login(provincial_admin)

    def search(term):
        response = client.get(
            reverse("admin:autocomplete"),
            {"app_label": "portal", "model_name": "user", "field_name": "unit", "term": term},
        )
        return [row["text"] for row in response.json()["results"]]

    assert search("Hoàn Kiếm") == ["Phường Hoàn Kiếm · Thành phố Hà Nội"]
    assert search("Hồng Bàng") == []
    assert search("Hải Phòng") == []


def test_unit_changelist_and_change_view_are_bounded(client, tree, provincial_admin):
    client.force_login(provincial_admin)
    listed = client.get(reverse("admin:provinces_administrativeunit_changelist")).context["cl"].result_list
    assert {unit.code for unit in listed} == {"01", "00070", "00004", "08974"}
    assert_answered_as_missing(
        client.get(reverse("admin:provinces_administrativeunit_change", args=[tree.haiphong.pk]))
    )
    # The tree is national data: a provincial admin reads their own units, never edits them.
    response = client.post(
        reverse("admin:provinces_administrativeunit_change", args=[tree.hoankiem.pk]),
        {"code": "00070", "name": "Đã bị sửa", "kind": tree.hoankiem.kind, "level": tree.hoankiem.level},
    )
    assert response.status_code == 403
    assert AdministrativeUnit.objects.get(pk=tree.hoankiem.pk).name == "Phường Hoàn Kiếm"


# Groups' permissions -------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["provincial_admin", "national_admin"])
def test_only_superusers_open_or_change_the_group_admin(client, request, actor):
    client.force_login(request.getfixturevalue(actor))
    officers = Group.objects.get(name=Role.OFFICER)
    before = set(officers.permissions.all())
    url = reverse("admin:auth_group_change", args=[officers.pk])
    assert client.get(url).status_code == 403
    response = client.post(
        url, {"name": officers.name, "permissions": list(Permission.objects.values_list("pk", flat=True))}
    )
    assert response.status_code == 403
    assert set(officers.permissions.all()) == before
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_superuser_opens_the_group_admin(client, users):
    client.force_login(users.admin)
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 200


# PCCC values ---------------------------------------------------------------------------------------


@pytest.fixture
def assessments(tree, users):
    criteria_set = CriteriaSet.objects.create(code="tinh-an-toan-pccc", name="Tỉnh an toàn PCCC")
    criterion = Criterion.objects.create(
        criteria_set=criteria_set,
        code="TC4",
        title="Không có cháy lớn",
        level=2,
        comparator=Comparator.EQUALS_ZERO,
        aggregation=Aggregation.SUM,
    )
    rows = {}
    for unit, author in [(tree.hoankiem, users.officer_hanoi), (tree.hongbang, users.officer_haiphong)]:
        submission = AssessmentSubmission.objects.create(
            criteria_set=criteria_set, unit=unit, period="2026-11", entered_by=author, cells_changed=1
        )
        rows[unit.code] = Assessment.objects.create(
            submission=submission, criterion=criterion, unit=unit, period="2026-11", value=0
        )
    return rows


def test_assessment_lists_show_only_the_subtree(client, provincial_admin, assessments):
    client.force_login(provincial_admin)
    for model in ["assessment", "assessmentsubmission"]:
        listed = client.get(reverse(f"admin:pccc_{model}_changelist")).context["cl"].result_list
        assert {row.unit.code for row in listed} == {"00070"}, model
    other = assessments["11296"]
    assert_answered_as_missing(client.get(reverse("admin:pccc_assessment_change", args=[other.pk])))


def test_a_provincial_admin_cannot_change_the_national_criteria(client, provincial_admin, assessments):
    criterion = Criterion.objects.get(code="TC4")
    client.force_login(provincial_admin)
    url = reverse("admin:pccc_criterion_change", args=[criterion.pk])
    assert client.get(url).status_code == 200  # readable
    response = client.post(url, {"criteria_set": criterion.criteria_set_id, "code": "TC4", "title": "Đã bị sửa"})
    assert response.status_code == 403
    criterion.refresh_from_db()
    assert criterion.title == "Không có cháy lớn"


# Recompute ----------------------------------------------------------------------------------------


def test_recompute_button_is_refused_to_a_provincial_admin(client, provincial_admin):
    client.force_login(provincial_admin)
    changelist = client.get(reverse("admin:dashboards_recomputerun_changelist"))
    assert changelist.status_code == 200
    assert "Tính lại ngay" not in changelist.content.decode()
    response = client.post(reverse("admin:dashboards_recomputerun_recompute_now"))
    assert response.status_code == 403
    assert not RecomputeRun.objects.exists()


def test_recompute_button_is_offered_to_a_national_admin(client, national_admin):
    client.force_login(national_admin)
    assert "Tính lại ngay" in client.get(reverse("admin:dashboards_recomputerun_changelist")).content.decode()


# Structure ----------------------------------------------------------------------------------------


def test_every_admin_of_a_unit_bound_model_is_scoped():
    """A model with a foreign key to a unit gets a scoped admin (or one only national admins open);
    a new one fails here until it does."""
    unscoped = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if any(
            isinstance(field, models.ForeignKey) and field.related_model is AdministrativeUnit
            for field in model._meta.get_fields()
        )
        and not isinstance(model_admin, (UnitScopedAdminMixin, SuperuserOnlyAdminMixin))
    ]
    assert unscoped == []


def test_the_province_admin_role_exists_with_its_permissions():
    codenames = set(Group.objects.get(name=Role.PROVINCE_ADMIN).permissions.values_list("codename", flat=True))
    assert {"add_user", "change_user", "view_user", "view_task", "view_assessment"} <= codenames
    assert not {"change_group", "delete_user", "change_criterion", "change_administrativeunit"} & codenames


def test_demo_province_admin_works_in_admin_within_hanoi(client, settings, users):
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    demo = users.admin.__class__.objects.get(username="quantri.hanoi")
    assert demo.is_staff and not demo.is_superuser and demo.role_names == {Role.PROVINCE_ADMIN}
    client.force_login(demo)
    listed = changelist_usernames(client)
    assert "canbo.hoankiem" in listed and "canbo.haiphong" not in listed and "quantri" not in listed


def test_login_attempts_are_national_even_when_a_group_is_granted_them(client, provincial_admin, national_admin):
    from axes.models import AccessAttempt

    viewing = Permission.objects.filter(content_type__app_label="axes", codename__startswith="view_")
    Group.objects.get(name=Role.ADMIN).permissions.add(*viewing)
    AccessAttempt.objects.create(username="lanhdao.haiphong", ip_address="10.0.0.9", failures_since_start=3)
    url = reverse("admin:axes_accessattempt_changelist")
    client.force_login(provincial_admin)
    assert client.get(url).status_code == 403
    client.force_login(national_admin)
    assert client.get(url).status_code == 200


def test_snapshot_list_shows_neither_other_provinces_nor_the_national_row(client, tree, provincial_admin):
    import datetime

    from django.utils import timezone

    from dashboards.models import NATIONAL_SCOPE, PcccSnapshot

    criteria_set = CriteriaSet.objects.create(code="tinh-an-toan-pccc", name="Tỉnh an toàn PCCC")
    for unit in [None, tree.hanoi, tree.hoankiem, tree.haiphong]:
        PcccSnapshot.objects.create(
            criteria_set=criteria_set,
            unit=unit,
            scope_path=unit.path if unit else NATIONAL_SCOPE,
            date=datetime.date(2026, 12, 1),
            period="2026-11",
            criteria_met=0,
            criteria_assessed=0,
            units_passing=0,
            units_assessed=0,
            computed_at=timezone.now(),
        )
    client.force_login(provincial_admin)
    listed = client.get(reverse("admin:dashboards_pcccsnapshot_changelist")).context["cl"].result_list
    assert {row.scope_path for row in listed} == {tree.hanoi.path, tree.hoankiem.path}


def test_province_admin_cannot_create_a_central_agency(client, province_admin):
    from tasks.choices import AgencyKind
    from tasks.models import Agency

    client.force_login(province_admin)
    response = client.post(
        reverse("admin:tasks_agency_add"), {"name": "Bộ mới", "kind": AgencyKind.CENTRAL, "unit": ""}
    )
    assert response.status_code == 200 and list(response.context["adminform"].form.errors) == ["unit"]
    assert not Agency.objects.filter(name="Bộ mới").exists()


def test_province_admin_index_offers_users_but_not_groups(client, province_admin):
    client.force_login(province_admin)
    html = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:portal_user_changelist") in html
    assert reverse("admin:auth_group_changelist") not in html
    assert reverse("admin:axes_accessattempt_changelist") not in html
