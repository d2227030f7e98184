"""Two-factor login: who must enrol, the enrolment page, the step after the password, backup codes, reset."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import mfa
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def enforced(settings):
    settings.PORTAL_MFA_ENFORCED = True
    settings.DEBUG = False
    return settings


def code_for(device: TOTPDevice, drift: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


def next_code(device: TOTPDevice) -> str:
    """The code of the next 30-second step: a code already used (at enrolment) is refused as a replay."""
    device.refresh_from_db()
    return code_for(device, drift=1)


def enrol(user) -> TOTPDevice:
    device = mfa.totp_enrolment_start(user=user)
    assert mfa.totp_enrolment_confirm(user=user, token=code_for(device)) is not None
    device.refresh_from_db()
    return device


def login(client, username):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD}, REMOTE_ADDR="10.9.9.9")


def test_a_leader_without_a_device_is_sent_to_enrol_after_the_password(client, users):
    login(client, "lanhdao.hanoi")
    response = client.get(reverse("dashboards:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_setup"))


def test_staff_cannot_open_admin_before_enrolling(client, users):
    client.force_login(users.admin)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_setup") + "?next=%2Fadmin%2F")


def test_an_officer_may_work_without_a_second_factor(client, users):
    login(client, "canbo.hanoi")
    assert client.get(reverse("tasks:my_tasks")).status_code == 200
    assert not mfa.mfa_required_for(users.officer_hanoi)


def test_demo_users_are_exempt_only_while_debug_is_on(users, settings):
    assert mfa.mfa_required_for(users.leader_hanoi)  # "lanhdao.hanoi" is a demo username
    settings.DEBUG = True
    assert not mfa.mfa_required_for(users.leader_hanoi)
    assert mfa.mfa_required_for(users.national)  # "lanhdao.tw" is not a demo user


def test_enrolment_page_shows_a_qr_code_drawn_here_and_the_secret(client, users):
    client.force_login(users.leader_hanoi)
    response = client.get(reverse("mfa_setup"))
    html = response.content.decode()
    assert response.status_code == 200
    device = TOTPDevice.objects.get(user=users.leader_hanoi, confirmed=False)
    assert "<svg" in html and "<path" in html
    assert mfa.totp_secret(device) in html
    assert "http" not in response.context["qr_svg"].split("xmlns")[0]  # no remote image


def test_enrolment_with_the_apps_code_turns_it_on_and_shows_backup_codes(client, users):
    client.force_login(users.leader_hanoi)
    client.get(reverse("mfa_setup"))
    device = TOTPDevice.objects.get(user=users.leader_hanoi, confirmed=False)
    response = client.post(reverse("mfa_setup"), {"token": code_for(device), "next": "/bang-dieu-khien/"})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10
    stored = set(StaticToken.objects.filter(device__user=users.leader_hanoi).values_list("token", flat=True))
    assert stored == {mfa.backup_code_digest(code) for code in codes}
    assert not stored & set(codes)  # the database keeps keyed digests, never the codes
    # The session has passed the second step: the leader's pages open.
    assert client.get(reverse("tasks:my_tasks")).status_code == 200


def test_a_wrong_code_does_not_enrol(client, users):
    client.force_login(users.leader_hanoi)
    client.get(reverse("mfa_setup"))
    response = client.post(reverse("mfa_setup"), {"token": "000000"})
    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    assert not TOTPDevice.objects.filter(user=users.leader_hanoi, confirmed=True).exists()


def test_after_the_password_an_enrolled_user_must_give_a_code(client, users):
    device = enrol(users.officer_hanoi)
    login(client, "canbo.hanoi")
    response = client.get(reverse("tasks:my_tasks"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_verify"))

    wrong = client.post(reverse("mfa_verify"), {"token": "123456", "next": "/nhiem-vu/"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    # django-otp throttles after a failure; a fresh device state stands for the wait having passed.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    right = client.post(reverse("mfa_verify"), {"token": next_code(device), "next": "/nhiem-vu/"})
    assert right.status_code == 302 and right.url == "/nhiem-vu/"
    assert client.get(reverse("tasks:my_tasks")).status_code == 200


def test_a_backup_code_works_once(client, users):
    enrol(users.leader_hanoi)
    code = mfa.backup_codes_regenerate(user=users.leader_hanoi)[0]
    login(client, "lanhdao.hanoi")
    assert client.post(reverse("mfa_verify"), {"token": code.upper()}).status_code == 302
    assert mfa.backup_codes_left(users.leader_hanoi) == 9

    client.logout()
    login(client, "lanhdao.hanoi")
    reused = client.post(reverse("mfa_verify"), {"token": code})
    assert reused.status_code == 200


def test_the_verify_step_refuses_an_open_redirect(client, users):
    device = enrol(users.officer_hanoi)
    login(client, "canbo.hanoi")
    response = client.post(reverse("mfa_verify"), {"token": next_code(device), "next": "https://evil.example/"})
    assert response.url == "/"


def test_admin_reset_removes_the_devices_and_is_recorded(client, users):
    enrol(users.leader_hanoi)
    admin = users.admin
    enrol(admin)
    client.force_login(admin)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=admin).persistent_id
    session.save()

    response = client.post(
        reverse("admin:portal_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [users.leader_hanoi.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=users.leader_hanoi).exists()
    assert not StaticDevice.objects.filter(user=users.leader_hanoi).exists()
    entry = LogEntry.objects.get(object_id=str(users.leader_hanoi.pk))
    assert entry.user == admin
    assert "Xác thực hai bước" in entry.get_change_message()


def test_after_a_reset_the_user_enrols_again(client, users):
    enrol(users.leader_hanoi)
    login(client, "lanhdao.hanoi")
    mfa.mfa_reset(user=users.leader_hanoi, by=users.admin)
    response = client.get(reverse("mfa_verify"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_setup"))
    assert client.get(response.url).status_code == 200


def test_backup_codes_can_be_renewed_only_after_the_second_step(client, users):
    device = enrol(users.officer_hanoi)
    old = set(StaticToken.objects.values_list("token", flat=True))
    login(client, "canbo.hanoi")
    assert client.post(reverse("mfa_backup_codes")).status_code == 302
    assert set(StaticToken.objects.values_list("token", flat=True)) == old

    client.post(reverse("mfa_verify"), {"token": next_code(device)})
    response = client.post(reverse("mfa_backup_codes"))
    assert response.status_code == 200
    assert set(response.context["codes"]).isdisjoint(old)


def test_codes_stored_plainly_by_an_older_release_are_replaced_by_their_digests(users):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("portal.migrations.0005_backup_codes_stored_as_digests")
    device = StaticDevice.objects.create(user=users.leader_hanoi, name=mfa.BACKUP_DEVICE_NAME, confirmed=True)
    device.token_set.create(token="abcd2345")
    migration.hash_plain_backup_codes(apps, schema_editor=None)
    migration.hash_plain_backup_codes(apps, schema_editor=None)  # twice: a digest is left as it is

    assert list(device.token_set.values_list("token", flat=True)) == [mfa.backup_code_digest("abcd2345")]
    assert mfa.mfa_verify(user=users.leader_hanoi, token="ABCD 2345") == device
