"""Every URL pattern, every role, another province's objects: refused, nothing written, nothing shown.

The routes are read from the URL configuration (``get_resolver()``, recursively: the
portal's apps, Django admin, i18n), so a new page is walked without editing this file.
A new page with a path parameter fails here until ``ROUTE_PARAMS`` says how to fill it
with another province's object: that is on purpose.

For each route and each actor (officer, coordinator and leader of Hà Nội, officer of
Hải Phòng, an anonymous visitor) the path parameters are filled with objects of the
province that is not the actor's (Hải Phòng for the anonymous visitor), then the route is
requested with GET, GET with a plausible query, POST with a plausible form body and POST
with an empty body. Allowed answers:

* 302 to the login page, or to a page that does not name the other province's object;
* 400, 403, 404, 405, and 413/429 (too large, over a per-user limit);
* 200 only when the body (text, or the text inside an .xlsx/.docx) contains none of the
  other province's names.

Never a 5xx, and after every request every table (but the log of sign-in attempts and the
sessions, which record the attempt itself) holds exactly the rows it held before.
"""

import io
import operator
import re
import traceback
import zipfile
from urllib.parse import urlencode, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils.regex_helper import normalize

from dashboards.models import CompletionSnapshot, PcccSnapshot
from notifications.models import Notification
from pccc.models import Assessment, AssessmentSubmission, CriteriaSet, Criterion
from provinces.models import AdministrativeUnit
from tasks.models import Agency, EvidenceFile, Programme, ProgressUpdate, Task
from tests.security.database import changed_models, database_fingerprint, wrote_to_tables

pytestmark = pytest.mark.django_db

# ---------------------------------------------------------------------------------------------
# The routes


def _walk(resolver, chain=(), namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, (*chain, entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield Route(f"{namespace}{entry.name or ''}", (*chain, entry.pattern), entry.callback)


class Route:
    """One URL pattern: its full name, the chain of patterns leading to it, and its view."""

    def __init__(self, name, patterns, callback):
        self.name, self.patterns, self.callback = name, patterns, callback
        self.template = "".join(str(p) for p in patterns)

    @property
    def id(self) -> str:
        return f"{self.name}@{self.template}" if self.name.endswith(":") or not self.name else self.name

    @property
    def params(self) -> list[str]:
        return [name for pattern in self.patterns for name in _pattern_params(pattern)]

    def url(self, values: dict) -> str:
        return "/" + "".join(_fill(pattern, values) for pattern in self.patterns)

    @property
    def model(self):
        """The model of a Django admin view (its ModelAdmin wraps each view with ``model_admin``)."""
        model_admin = getattr(self.callback, "model_admin", None)
        if model_admin is not None:
            return model_admin.model
        match = re.match(r"admin:(\w+?)_(\w+)_\w+$", self.name)
        for app_label, model_name in [match.groups()] if match else []:
            try:
                return apps.get_model(app_label, model_name)
            except LookupError:
                return None
        return None


_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")


def _pattern_params(pattern) -> list[str]:
    if isinstance(pattern, RoutePattern):
        return [m["name"] for m in _ROUTE_PARAM.finditer(str(pattern))]
    if isinstance(pattern, RegexPattern):
        # normalize() names the unnamed groups _0, _1, … as reverse() does.
        return list(normalize(pattern.regex.pattern)[0][1])
    return []


def _fill(pattern, values: dict) -> str:
    if isinstance(pattern, RoutePattern):
        return _ROUTE_PARAM.sub(lambda m: str(pattern.converters[m["name"]].to_url(values[m["name"]])), str(pattern))
    if isinstance(pattern, RegexPattern):
        template, names = normalize(pattern.regex.pattern)[0]
        return template % {name: values[name] for name in names}
    return str(pattern)


ROUTES = sorted(_walk(get_resolver()), key=lambda r: r.template)

# ---------------------------------------------------------------------------------------------
# How each route's path parameters are filled with the other province's objects (``o``).
# A route with a parameter that is neither here nor in ADMIN_PARAMS fails the walk.

ROUTE_PARAMS = {
    "provinces:unit_detail": {"code": lambda o: [o.unit.code, o.commune.code]},
    "tasks:evidence_download": {"pk": lambda o: o.evidence.pk},
    "tasks:task_detail": {"pk": lambda o: o.task.pk},
    "tasks:task_edit": {"pk": lambda o: o.task.pk},
    "tasks:task_verify": {"pk": lambda o: o.task.pk},
    "tasks:task_return": {"pk": lambda o: o.task.pk},
    "tasks:task_reopen": {"pk": lambda o: o.task.pk},
    "tasks:task_comment_add": {"pk": lambda o: o.task.pk},
    "tasks:deadline_extension_request": {"pk": lambda o: o.task.pk},
    "tasks:deadline_extension_decide": {"pk": lambda o: o.extension.pk},
    "pccc:unit_results": {
        "set_code": lambda o: o.criteria_set.code,
        "unit_code": lambda o: [o.unit.code, o.commune.code],
    },
    "pccc:grid": {"set_code": lambda o: o.criteria_set.code, "unit_code": lambda o: [o.unit.code, o.commune.code]},
    "dashboards:unit_dashboard": {"programme_id": lambda o: o.programme.pk, "code": lambda o: o.unit.code},
    "dashboards:compute_day": {"programme_id": lambda o: o.programme.pk, "code": lambda o: o.unit.code},
    "exports:pccc_grid_xlsx": {"set_code": lambda o: o.criteria_set.code, "unit_code": lambda o: o.unit.code},
    "exports:ranking_xlsx": {"programme_id": lambda o: o.programme.pk, "code": lambda o: o.unit.code},
    "api:unit_detail": {"code": lambda o: [o.unit.code, o.commune.code]},
    "api:programme_detail": {"pk": lambda o: o.programme.pk},
    "api:task_detail": {"pk": lambda o: o.task.pk},
    "api:criteria_set_detail": {"code": lambda o: o.criteria_set.code},
    "public_results": {"code": lambda o: o.unit.code},
    # django-otp's device pages: a device of the other province's user (or a made-up id).
    "admin:otp_totp_totpdevice_config": {"pk": lambda o: _device_of(o.user)},
    "admin:otp_totp_totpdevice_qrcode": {"pk": lambda o: _device_of(o.user)},
    # The crosswalk's historical version (no legacy units in the walk's world: a made-up id).
    "admin:provinces_unitcrosswalk_simple_history": {"_0": lambda o: 999_999, "_1": lambda o: 999_999},
    # Indicators (issue 16): the other province's unit and commune under a programme the actor sees.
    **{
        f"indicators:{name}": {
            "programme_id": lambda o: o.programme.pk,
            "code": lambda o: [o.unit.code, o.commune.code],
        }
        for name in ("unit", "entry", "targets", "export")
    },
    # No indicator in the walk's world: a made-up id (the unit is refused first, or the indicator is unknown).
    "indicators:categories": {
        "programme_id": lambda o: o.programme.pk,
        "code": lambda o: [o.unit.code, o.commune.code],
        "indicator_id": lambda o: 999_999,
    },
    "admin:indicators_target_simple_history": {"_0": lambda o: 999_999, "_1": lambda o: 999_999},
    "admin:indicators_indicatorvalue_simple_history": {"_0": lambda o: 999_999, "_1": lambda o: 999_999},
    # simple_history's page of one historical version: positional (object, history id).
    # A notification of the other province's user (the world's tasks are made without the services: a made-up id).
    "notifications:mark_read": {
        "pk": lambda o: Notification.objects.filter(recipient=o.user).values_list("pk", flat=True).first() or 999_999
    },
    "admin:tasks_task_simple_history": {
        "_0": lambda o: o.task.pk,
        "_1": lambda o: o.task.history.order_by("history_id").values_list("history_id", flat=True).first(),
    },
}


def _device_of(user) -> int:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user).first()
    return device.pk if device else 999_999


# Writes a route may make on the actor's own behalf: opening the two-factor enrolment page
# creates the actor's own pending device (shown as a QR code until confirmed).
OWN_WRITES = {
    "mfa_setup": {"otp_totp.TOTPDevice"},
    # One's own email choices and one's own notifications marked read.
    "notifications:preferences": {"notifications.NotificationPreference"},
    "notifications:mark_all_read": {"notifications.Notification"},
}


def _admin_object(route, o):
    """The other province's object of the admin page's model, else any row of it (or a made-up id)."""
    model = route.model
    owned = {
        Task: o.task, ProgressUpdate: o.update, EvidenceFile: o.evidence, Programme: o.programme,
        Agency: o.agency, AdministrativeUnit: o.unit, get_user_model(): o.user, Assessment: o.assessment,
        AssessmentSubmission: o.submission, CriteriaSet: o.criteria_set, Criterion: o.criterion,
    }  # fmt: skip
    if model in owned:
        return owned[model].pk
    if model is Group:  # a role group of the other province's officer (never the actor's own)
        group = o.user.groups.first()
        return group.pk if group else 999_999
    if model in (CompletionSnapshot, PcccSnapshot):
        row = model.objects.filter(unit=o.unit).first()
        return row.pk if row else 999_999
    row = model.objects.order_by("pk").first() if model else None
    return row.pk if row else 999_999


# Parameters of the routes Django admin generates for every registered model.
ADMIN_PARAMS = {
    "object_id": _admin_object,
    "id": lambda route, o: o.user.pk,  # admin:auth_user_password_change
    "content_type_id": lambda route, o: ContentType.objects.get_for_model(Task).pk,
    "app_label": lambda route, o: "tasks",
    "url": lambda route, o: "khong-co-trang-nay/",
}


class UnknownParameter(Exception):
    pass


def urls_for(route, other) -> list[tuple[str, set[str]]]:
    """Each URL to try, with the strings of the other province's identifiers put into it."""
    fillers = ROUTE_PARAMS.get(route.name, {})
    combos = [{}]
    for name in route.params:
        if name in fillers:
            values = fillers[name](other)
        elif route.name.startswith("admin:") and name in ADMIN_PARAMS:
            values = ADMIN_PARAMS[name](route, other)
        else:
            raise UnknownParameter(
                f"Route {route.id} ({route.template}) has the parameter {name!r}, which the walk does not know "
                f"how to fill: add the route to ROUTE_PARAMS in {__name__} with the other province's object."
            )
        values = values if isinstance(values, list) else [values]
        combos = [{**combo, name: value} for combo in combos for value in values]
    return [(route.url(combo), {str(v) for v in combo.values()}) for combo in combos]


# ---------------------------------------------------------------------------------------------
# Plausible bodies: every field of every form of the portal, pointing at the other province.


def plausible_body(route, o) -> dict:
    exports = route.name.startswith("exports:")
    criterion, commune = o.criterion.pk, o.commune.pk
    return {
        # tasks: task form, copy form, report form, reason forms, filters
        "programme": o.programme.pk, "unit": o.unit.code if exports else o.unit.pk, "group": "dich_vu_cong",
        "title": "Nhiệm vụ chen ngang", "description": "x", "expected_result": "x",
        "lead_agency": o.agency.pk, "coordinating_agencies": o.agency.pk, "accountable_person": o.user.pk,
        "start_date": "2026-01-01", "deadline": "2026-12-31", "weight": "1", "parent": o.task.pk, "version": "0",
        "source_programme": o.programme.pk, "source_unit": o.unit.pk, "target_programme": o.programme.pk,
        "target_unit": o.unit.pk, "target_units": o.unit.pk, "fallback_lead_agency": o.agency.pk,
        "percent": "100", "status": "hoan_thanh", "note": "Đã xong", "reason": "Sai số liệu",
        "tra-lai-reason": "Sai số liệu", "mo-lai-reason": "Sai số liệu", "next": "queue",
        "scope": "unit", "don_vi": o.unit.code, "trang": "2",
        # tasks: discussion, deadline extensions, the queue worked in place, the list's filters
        "body": "Chen ngang", "requested_deadline": "31/12/2027", "decision": "dong-y", "decision_note": "x",
        "confirm": o.task.pk, "return": o.task.pk, "selected": o.task.pk, "confirm_selected": "1",
        f"report-{o.task.pk}": o.update.pk, f"reason-{o.task.pk}": "x", "commune": o.commune.code, "q": "x",
        # pccc grid and imports, report
        "ky": "2026-10", "cap": "3", "criteria_set": o.criteria_set.code, "so_van_ban": "12/BC",
        f"c{criterion}_u{commune}_v": "7", f"c{criterion}_u{commune}_e": "Biên bản",
        "cells_json": f'[{{"c": {criterion}, "u": {commune}, "v": "9"}}]', "token": "0" * 32,
        # sign-in, password change, language
        "username": o.user.username, "password": "Sai@mat-khau-2026", "old_password": "Sai@mat-khau-2026",
        "new_password1": "Mot-Mat-Khau-Moi-2026!", "new_password2": "Mot-Mat-Khau-Moi-2026!",
        "language": "en",
        # Django admin: a change form, the delete confirmation, and "delete selected" on a list
        "name": "Đổi tên", "code": o.unit.code, "is_superuser": "on", "is_staff": "on",
        "post": "yes", "action": "delete_selected", "_selected_action": _admin_object(route, o),
    }  # fmt: skip


# ---------------------------------------------------------------------------------------------
# What the database holds


# ---------------------------------------------------------------------------------------------
# What an answer reveals


def readable_text(response) -> str:
    """The body as text; an .xlsx or .docx is a zip of XML, so its members are read instead."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            content = b"".join(archive.read(name) for name in archive.namelist())
    return content.decode("utf-8", errors="replace")


def redirect_names_other(location: str, identifiers: set[str], secrets) -> bool:
    """True when a redirect points at a page of the other province's object."""
    path = urlsplit(location).path
    if any(secret in location for secret in secrets):
        return True
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return any(str(value) in identifiers for value in [*match.args, *match.kwargs.values()])


REDIRECTS = (301, 302, 303, 307, 308)


def is_login_redirect(location: str) -> bool:
    path = urlsplit(location).path
    return path in ("/dang-nhap/", "/admin/login/")


def header_problems(response) -> str | None:
    """Headers every answer carries (ASVS 3.4.2, 3.4.4, 3.4.5, 4.1.1)."""
    content_type = response.get("Content-Type", "")
    problems = [
        "Access-Control-Allow-Origin sent" if response.has_header("Access-Control-Allow-Origin") else "",
        "no X-Content-Type-Options: nosniff" if response.get("X-Content-Type-Options") != "nosniff" else "",
        "no Referrer-Policy" if not response.has_header("Referrer-Policy") else "",
        f"Content-Type {content_type!r} without a charset"
        if content_type.startswith("text/") and "charset=" not in content_type
        else "",
        "no Content-Type" if not content_type and response.status_code not in (204, 304) else "",
    ]
    return "; ".join(p for p in problems if p) or None


def judge(response, *, identifiers, secrets) -> str | None:
    """None when the answer is a refusal or reveals nothing; else what is wrong."""
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if problem := header_problems(response):
        return problem
    if status in REDIRECTS:
        location = response["Location"]
        if is_login_redirect(location) or not redirect_names_other(location, identifiers, secrets):
            return None
        return f"{status} to {location}, a page of the other province's object"
    # 401: the session keep-alive's answer to a page whose session ended; 413: too large;
    # 429: over a per-user limit (issue 12 item 5).
    if status in (401, 403, 404, 405, 413, 429):
        return None
    if status in (200, 400):
        text = readable_text(response)
        shown = [secret for secret in secrets if secret in text]
        return f"{status} showing {shown}" if shown else None
    return f"unexpected status {status}"


# ---------------------------------------------------------------------------------------------
# The walk

ACTORS = {
    # actor: (user attribute on ``world.users``, the province the actor does not belong to)
    "officer_hanoi": ("users.officer_hanoi", "haiphong"),
    "coordinator_hanoi": ("users.coordinator_hanoi", "haiphong"),
    "leader_hanoi": ("users.leader_hanoi", "haiphong"),
    "officer_haiphong": ("users.officer_haiphong", "hanoi"),
    "anonymous": (None, "haiphong"),
}


def attempts(route, other):
    for url, identifiers in urls_for(route, other):
        body = plausible_body(route, other)
        yield "GET", url, None, identifiers
        yield "GET", f"{url}?{urlencode(body)}", None, identifiers
        yield "POST", url, body, identifiers
        yield "POST", url, {}, identifiers


def walk(route, world, actors) -> list[str]:
    """Every attempt on ``route`` by each actor; a line per failure.

    The fingerprint of the database is taken before the first attempt; after an attempt
    that issued a write statement it is taken again and compared (a request that wrote
    nothing cannot have changed a row, and fingerprinting ~40 tables 3,000 times is slow).
    """
    failures = []
    fingerprint = database_fingerprint()
    for actor, (user_attr, other_name) in actors.items():
        other = getattr(world, other_name)
        user = operator.attrgetter(user_attr)(world) if user_attr else None
        client = Client()
        for method, url, body, identifiers in attempts(route, other):
            session = client.cookies.get(settings.SESSION_COOKIE_NAME)
            if user is not None and (session is None or not session.value):
                client.force_login(user)  # first, and again after a route that signed the actor out
            problem = None
            with CaptureQueriesContext(connection) as captured:
                try:
                    response = client.get(url) if method == "GET" else client.post(url, body)
                except Exception:  # the test client re-raises a view's exception: that is a 500
                    where = traceback.format_exc().strip().splitlines()
                    problem = f"raised {where[-1]} ({where[-3].strip()})"
                else:
                    problem = judge(response, identifiers=identifiers, secrets=other.secrets)
                    if problem and response.status_code in REDIRECTS:
                        # A redirect that only rewrites the URL (admin's "<id>/" → "<id>/change/")
                        # is harmless when the page it leads to refuses: follow it once.
                        followed = client.get(response["Location"])
                        if judge(followed, identifiers=set(), secrets=other.secrets) is None:
                            problem = None
                        else:
                            problem += f", which answers {followed.status_code}"
            if wrote_to_tables(captured.captured_queries):
                after = database_fingerprint()
                changed = [m for m in changed_models(fingerprint, after) if m not in OWN_WRITES.get(route.name, ())]
                if changed:
                    problem = f"{problem + '; ' if problem else ''}wrote to {changed}"
                fingerprint = after
            if problem:
                failures.append(f"{actor} {method} {url} body={bool(body)}: {problem}")
    return failures


# Known failures, each routed to the engineer who fixes it; strict, so a fix shows up here.
KNOWN_FAILURES: dict[str, str] = {}


def _params(routes):
    for route in routes:
        marks = [pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[route.id])] if route.id in KNOWN_FAILURES else []
        yield pytest.param(route, id=route.id, marks=marks)


@pytest.mark.parametrize("route", list(_params(ROUTES)))
def test_route_refuses_other_provinces_objects_to_every_role(route, world):
    before = database_fingerprint()
    failures = walk(route, world, ACTORS)
    assert [m for m in changed_models(before, database_fingerprint()) if m not in OWN_WRITES.get(route.name, ())] == []
    assert not failures, f"{route.template}:\n" + "\n".join(failures)


def test_the_walk_covers_the_whole_url_configuration():
    """Portal apps, Django admin and i18n are all there; a regex route's parameters are found too."""
    names = {route.name for route in ROUTES}
    assert {"home", "login", "tasks:task_detail", "pccc:grid", "exports:report", "set_language"} <= names
    assert {"admin:index", "admin:tasks_task_change", "admin:portal_user_changelist"} <= names
    assert len(ROUTES) > 100
    app_list = next(route for route in ROUTES if route.name == "admin:app_list")
    assert app_list.params == ["app_label"]


def test_a_route_with_an_unknown_parameter_fails_with_a_clear_message(world):
    route = Route("tasks:task_archive", (RoutePattern("nhiem-vu/<int:task_id>/luu-tru/"),), lambda request: None)
    with pytest.raises(UnknownParameter, match=r"'task_id'.*add the route to ROUTE_PARAMS"):
        urls_for(route, world.haiphong)


def test_the_walk_reports_a_leak_a_write_and_a_server_error(world, settings):
    """The checks can fail: a page showing the other province's task, a refusal that wrote, a 500."""
    settings.ROOT_URLCONF = "tests.security.leaky_urls"
    routes = {route.name: route for route in _walk(get_resolver("tests.security.leaky_urls"))}
    officer = {"officer_hanoi": ACTORS["officer_hanoi"]}

    assert "showing ['Nhiệm vụ BIMAT-HAIPHONG'" in " ".join(walk(routes["shows_other_province"], world, officer))
    assert "wrote to ['tasks.Agency']" in " ".join(walk(routes["writes_then_refuses"], world, officer))
    assert "raised ValueError: hỏng" in " ".join(walk(routes["breaks"], world, officer))


ADMIN_ROUTES = [route for route in ROUTES if route.name.startswith("admin:")]


def test_a_province_administrator_cannot_reach_another_provinces_objects_in_admin(world):
    """The Hà Nội "Quản trị" (staff, not superuser) walks every admin route with Hải Phòng's objects."""
    actor = {"admin_hanoi": ("admin_hanoi", "haiphong")}
    failures = [line for route in ADMIN_ROUTES for line in walk(route, world, actor)]
    assert not failures, "\n".join(failures)


def test_every_post_without_a_csrf_token_is_refused_and_writes_nothing(world):
    """A signed-in coordinator's browser tricked into posting (no CSRF token) to any route, own objects."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users.coordinator_hanoi)
    own = world.hanoi
    failures = []
    before = database_fingerprint()
    for route in ROUTES:
        for url, _identifiers in urls_for(route, own):
            response = client.post(url, plausible_body(route, own))
            if response.status_code != 403:
                failures.append(f"{route.id} POST {url}: {response.status_code}")
    assert not failures, "\n".join(failures)
    assert changed_models(before, database_fingerprint()) == []


def test_no_get_writes_even_on_the_actors_own_objects(world):
    """Safe methods stay safe: GET (and HEAD) with a plausible query on every route of one's own province."""
    own = world.hanoi
    failures = []
    for user in (world.users.coordinator_hanoi, world.users.officer_hanoi, world.users.leader_hanoi):
        client = Client()
        client.force_login(user)
        before = database_fingerprint()
        for route in ROUTES:
            if route.name in ("logout", "admin:logout"):
                continue  # a GET there is refused (405) or only ends the session
            for url, _identifiers in urls_for(route, own):
                for method in ("get", "head"):
                    response = getattr(client, method)(url, plausible_body(route, own))
                    if response.status_code >= 500:
                        failures.append(f"{user} {method} {url}: {response.status_code}")
        own_writes = set().union(*OWN_WRITES.values())
        changed = [m for m in changed_models(before, database_fingerprint()) if m not in own_writes]
        if changed:
            failures.append(f"{user}: GET requests wrote to {changed}")
    assert not failures, "\n".join(failures)


def test_trace_is_never_answered_with_the_request(world):
    """No route echoes a TRACE (cross-site tracing would read the session cookie back)."""
    client = Client()
    client.force_login(world.users.coordinator_hanoi)
    for route in ROUTES:
        for url, _identifiers in urls_for(route, world.hanoi):
            response = client.generic("TRACE", url, HTTP_X_PROBE="dau-vet-bi-mat")
            assert response.status_code < 500, url
            assert b"dau-vet-bi-mat" not in response.content, url


XSS = '<script>alert("xss")</script><img src=x onerror=alert(1)>'


def test_every_page_escapes_what_users_typed(world):
    """ASVS 1.2.1, 1.2.3, 3.2.2: names, titles and notes full of markup, shown on every page of one's own province."""
    own = world.hanoi
    typed = [(own.task, "title"), (own.agency, "name"), (own.programme, "name"), (own.update, "note"),
             (own.evidence, "original_name"), (own.assessment, "evidence"), (own.commune, "name")]  # fmt: skip
    for obj, field in typed:
        type(obj).objects.filter(pk=obj.pk).update(**{field: f"{XSS} {field}"})
    escaped_somewhere = False
    failures = []
    for user in (world.users.coordinator_hanoi, world.users.officer_hanoi, world.users.leader_hanoi):
        client = Client()
        client.force_login(user)
        for route in ROUTES:
            if route.name in ("logout", "admin:logout"):
                continue
            for url, _identifiers in urls_for(route, own):
                response = client.get(url)
                if response.status_code != 200 or response.streaming:
                    continue
                body = response.content.decode("utf-8", errors="replace")
                if "<script>alert(" in body or "<img src=x onerror" in body:
                    failures.append(f"{user} GET {url}: markup typed by a user is rendered")
                escaped_somewhere |= "&lt;script&gt;alert(" in body
    assert not failures, "\n".join(failures)
    assert escaped_somewhere, "no page showed the typed text at all: the test proves nothing"
