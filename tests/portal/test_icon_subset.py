"""The pages load a font cut to the icons they use (issue 19, phones on 4G): none missing, none stale."""

import re

from django.conf import settings
from fontTools.ttLib import TTFont

from portal.icon_subset import SUBSET_CSS, SUBSET_FONT, codepoints, icons_used, subset_css

RULE = re.compile(r'\.bi-([a-z0-9-]+)::before\{content:"\\([0-9a-f]+)"\}')


def subset_rules() -> dict[str, int]:
    return {name: int(code, 16) for name, code in RULE.findall(SUBSET_CSS.read_text(encoding="utf-8"))}


def test_every_icon_the_pages_use_is_a_bootstrap_icon():
    """A misspelt name shows an empty box on the page, with or without the subset."""
    unknown = icons_used() - set(codepoints())
    assert not unknown, f"not a Bootstrap icon: {sorted(unknown)}"


def test_the_subset_style_sheet_is_the_one_make_icons_writes_for_the_icons_in_use():
    used = icons_used() & set(codepoints())
    assert SUBSET_CSS.read_text(encoding="utf-8") == subset_css(used), "an icon was added or removed: run `make icons`"


def test_the_subset_font_draws_every_icon_of_its_style_sheet():
    rules = subset_rules()
    font = TTFont(str(SUBSET_FONT))
    drawn = set(font.getBestCmap())
    assert len(rules) >= 40
    assert set(rules.values()) <= drawn
    assert drawn <= set(codepoints().values())  # nothing but icons


def test_the_subset_is_small_and_the_pages_link_it_not_the_full_font():
    assert SUBSET_FONT.stat().st_size < 20_000  # the full font is 134,012 bytes
    base = (settings.BASE_DIR / "templates" / "base.html").read_text(encoding="utf-8")
    assert "bootstrap-icons-1.13.2/subset/bootstrap-icons.css" in base
    assert "bootstrap-icons.min.css" not in base


def test_icons_are_found_in_templates_scripts_python_and_kpi_cards(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "static" / "js").mkdir(parents=True)
    (tmp_path / "app").mkdir()
    (tmp_path / "tests").mkdir()
    (tmp_path / "templates" / "page.html").write_text(
        '<i class="bi bi-alarm"></i>{% include "components/kpi_card.html" with title=t icon="fire" %}'
    )
    (tmp_path / "static" / "js" / "page.js").write_text('icon.className = "bi bi-x-circle-fill";')
    (tmp_path / "app" / "tags.py").write_text('ARROW = "bi-arrow-up"')
    (tmp_path / "tests" / "test_x.py").write_text('"bi-bug"')  # the tests' own strings are not the pages'
    assert icons_used(tmp_path) == {"alarm", "fire", "x-circle-fill", "arrow-up"}
