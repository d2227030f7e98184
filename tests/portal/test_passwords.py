"""Passwords: at least 12 characters, and not a Vietnamese or organisational word plus digits."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

REFUSED = [
    "Matkhau1",
    "Hanoi2026",
    "matkhau",
    "congan",
    "123456",
    "Matkhau@2026!",  # long enough, still a word plus digits
    "Hanoi20262026",
    "M@tkh@u2026!!",
    "CongAnHaNoi2026",
    "Đà Nẵng 2026!!",
    "ThanhPhoHoChiMinh1",
    "quangninh123456",
    "lanhdao.hanoi2026",
    "____2026____",
]
ACCEPTED = ["ba con meo nhay qua rao", "x7#Kp-veo-bo-xanh-2026", "Sông Hồng chảy về biển Đông 1"]


@pytest.mark.parametrize("password", REFUSED)
def test_guessable_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize("password", ACCEPTED)
def test_long_unrelated_passphrases_are_accepted(password):
    validate_password(password)


def test_eleven_characters_are_too_short():
    with pytest.raises(ValidationError) as refused:
        validate_password("xk7#pq2!mzr")
    assert any(error.code == "password_too_short" for error in refused.value.error_list)
    validate_password("xk7#pq2!mzrw")


def test_the_refusal_is_in_vietnamese():
    with pytest.raises(ValidationError) as refused:
        validate_password("Matkhau@2026!")
    assert "dễ đoán" in " ".join(refused.value.messages)


def test_password_change_refuses_a_province_name_with_digits(client, users):
    client.force_login(users.officer_hanoi)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Haiphong2026!", "new_password2": "Haiphong2026!"},
    )
    assert response.status_code == 200
    assert "dễ đoán" in str(response.context["form"].errors)
    users.officer_hanoi.refresh_from_db()
    assert users.officer_hanoi.check_password(PASSWORD)
