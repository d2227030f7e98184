"""Sign-in, sessions and what the server exposes: the ASVS checks not covered by the walk or the fuzzers."""

import importlib
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/dang-nhap/"


def login(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra}, REMOTE_ADDR="10.1.2.3")


def test_the_password_field_is_masked_and_password_managers_may_fill_it(client):
    """ASVS 6.2.6, 6.2.7: type=password, no autocomplete=off, no paste blocking."""
    html = client.get(LOGIN).content.decode()
    field = re.search(r"<input[^>]*name=\"password\"[^>]*>", html)[0]
    assert 'type="password"' in field
    assert 'autocomplete="current-password"' in field
    assert "onpaste" not in html and 'autocomplete="off"' not in field


@pytest.mark.parametrize("variant", [PASSWORD + " ", " " + PASSWORD, PASSWORD.upper(), PASSWORD[:-1]])
def test_the_password_is_checked_exactly_as_typed(client, users, variant):
    """ASVS 6.2.8: no trimming, truncation or case folding."""
    assert login(client, "canbo.hanoi", variant).status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_long_passphrase_can_be_set_and_used(client, users):
    """ASVS 6.2.9, 6.2.5: 80 characters of any kind are accepted."""
    passphrase = "mùa thu Hà Nội có gió heo may, lá vàng rơi trên phố cổ — 2026 & mãi mãi! " + "x" * 6
    assert len(passphrase) >= 64
    client.force_login(users.officer_hanoi)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": passphrase, "new_password2": passphrase},
    )
    assert response.status_code == 302
    other = Client()
    assert login(other, "canbo.hanoi", passphrase).status_code == 302


def test_signing_in_gives_a_new_session_key(client, users):
    """ASVS 7.2.4: a session fixed before sign-in is not the signed-in session."""
    client.get(LOGIN)
    session = client.session
    session["trước khi đăng nhập"] = 1
    session.save()
    before = session.session_key
    assert login(client, "canbo.hanoi").status_code == 302
    assert client.session.session_key != before


def test_after_logout_the_old_session_cookie_opens_nothing(users):
    """ASVS 7.4.1: the server forgets the session; replaying its cookie is a visit without one."""
    client = Client()
    login(client, "canbo.hanoi")
    stolen = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("logout"))
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = stolen
    response = replay.get(reverse("tasks:my_tasks"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_disabling_an_account_ends_its_sessions(client, users):
    """ASVS 7.4.2, 7.4.5: an administrator unticks "active"; the next request is signed out."""
    client.force_login(users.officer_hanoi)
    assert client.get(reverse("tasks:my_tasks")).status_code == 200
    users.officer_hanoi.is_active = False
    users.officer_hanoi.save()
    response = client.get(reverse("tasks:my_tasks"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_changing_the_password_signs_out_the_other_sessions(users):
    """ASVS 7.4.3: the session elsewhere (a stolen one) ends; the one that changed it goes on."""
    here, elsewhere = Client(), Client()
    login(here, "canbo.hanoi")
    login(elsewhere, "canbo.hanoi")
    new = "Một câu mật khẩu mới đủ dài 2026"
    response = here.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    assert here.get(reverse("tasks:my_tasks")).status_code == 200
    gone = elsewhere.get(reverse("tasks:my_tasks"))
    assert gone.status_code == 302 and gone.url.startswith(LOGIN)


@pytest.mark.parametrize("target", ["https://tan-cong.example/", "//tan-cong.example/", "/\\tan-cong.example/"])
def test_sign_in_and_language_switch_never_send_the_browser_off_site(client, users, target):
    """ASVS 3.7.2: the "next" of sign-in and of the language menu is kept only when it is this site."""
    response = login(client, "canbo.hanoi", next=target)
    assert response.status_code == 302 and "tan-cong" not in response.url
    response = client.post("/i18n/setlang/", {"language": "en", "next": target})
    assert response.status_code == 302 and "tan-cong" not in response.url


def test_production_stores_passwords_with_a_slow_key_derivation_function():
    """ASVS 11.4.2: the settings module does not weaken Django's default (PBKDF2-SHA256, 1,000,000 rounds)."""
    from django.conf import global_settings

    module = importlib.import_module("portal.settings")
    hashers = getattr(module, "PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS)
    assert hashers[0].rsplit(".", 1)[-1] in {"PBKDF2PasswordHasher", "Argon2PasswordHasher", "ScryptPasswordHasher"}


@pytest.mark.parametrize(
    "path", ["/.git/HEAD", "/.git/config", "/.env", "/static/", "/static/css/", "/media/", "/var/portal.sqlite3"]
)
def test_source_control_settings_and_folders_are_not_served(client, users, path):
    """ASVS 13.4.1, 13.4.3: no .git, no .env, no directory listing, no database file."""
    client.force_login(users.coordinator_hanoi)
    assert client.get(path).status_code == 404


def test_an_unexpected_error_shows_a_generic_page(world, settings):
    """ASVS 16.5.1: with debug off, a crash answers 500 with the portal's page, no traceback or query."""
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.security.leaky_urls"
    client = Client(raise_request_exception=False)
    response = client.get("/loi/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Traceback" not in body and "ValueError" not in body and "hỏng" not in body
