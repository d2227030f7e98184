import datetime
from decimal import Decimal

from django.template import Context, Template
from django.utils import formats, translation


def test_vietnamese_formats_dates_and_numbers():
    with translation.override("vi"):
        assert formats.date_format(datetime.date(2026, 11, 29), "SHORT_DATE_FORMAT") == "29/11/2026"
        assert formats.number_format(1500000, force_grouping=True) == "1.500.000"
        assert formats.number_format(Decimal("98.5"), decimal_pos=1) == "98,5"
        rendered = Template('{% load humanize %}{{ n|intcomma }} {{ d|date:"SHORT_DATE_FORMAT" }}').render(
            Context({"n": 2187, "d": datetime.date(2026, 1, 5)})
        )
        assert rendered == "2.187 05/01/2026"


def test_english_catalogue_translates_the_interface():
    with translation.override("en"):
        assert translation.gettext("Đăng nhập") == "Log in"
        assert translation.gettext("Đơn vị trực thuộc") == "Subordinate units"
    with translation.override("vi"):
        assert translation.gettext("Đăng nhập") == "Đăng nhập"


def test_pages_are_vietnamese_even_for_an_english_browser(client, db):
    response = client.get("/dang-nhap/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Đăng nhập" in response.content.decode()
    assert response["Content-Language"] == "vi"


def test_a_user_can_choose_english(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/dang-nhap/"})
    assert "Log in" in client.get("/dang-nhap/").content.decode()


def test_english_catalogue_is_complete_and_keeps_placeholders():
    """Every Vietnamese string has an English translation with the same %(name)s placeholders."""
    import re
    from pathlib import Path

    import polib

    po = polib.pofile(str(Path(__file__).resolve().parents[2] / "locale/en/LC_MESSAGES/django.po"))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    placeholder = re.compile(r"%\(\w+\)\w")
    for entry in po:
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        source = set(placeholder.findall(entry.msgid + entry.msgid_plural))
        for text in translations:
            assert set(placeholder.findall(text)) <= source, entry.msgid
