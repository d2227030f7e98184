"""The audit agrees with the security layer: the proxy-aware client address, and MFA changes recorded."""

from django.test import RequestFactory

from audit.choices import EventKind
from audit.client import client_ip
from audit.models import AuditEvent
from portal import mfa

PROXY = "10.0.0.5"


def test_the_audit_records_the_client_behind_a_trusted_proxy_not_the_proxy(settings):
    settings.PORTAL_TRUSTED_PROXIES = [PROXY]
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client_ip(request) == "203.0.113.7"


def test_the_audit_ignores_the_header_from_an_untrusted_address(settings):
    settings.PORTAL_TRUSTED_PROXIES = [PROXY]
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client_ip(request) == "198.51.100.9"


def test_an_mfa_reset_by_an_admin_is_an_audit_event_on_the_account(users):
    mfa.mfa_reset(user=users.leader_hanoi, by=users.admin)
    event = AuditEvent.objects.get(kind=EventKind.MFA_CHANGED)
    assert event.username == users.admin.username
    assert event.object_id == str(users.leader_hanoi.pk)
    assert event.detail["change"] == "reset"


def test_enrolment_and_new_backup_codes_are_audit_events(users):
    mfa.backup_codes_regenerate(user=users.officer_hanoi)
    assert AuditEvent.objects.filter(
        kind=EventKind.MFA_CHANGED, username=users.officer_hanoi.username, detail__change="backup_codes_issued"
    ).exists()
