"""The Bootstrap Icons the portal uses, cut from the full font (issue 19, phones on 4G).

The full font is 134 KB of woff2 for about 2,000 icons: two thirds of a commune officer's first visit
on a phone. The portal shows about fifty. ``make icons`` finds them in the templates, scripts and
Python sources and writes a font and a style sheet holding only those (a few KB); base.html links
the subset. tests/portal/test_icon_subset.py fails when a page uses an icon the subset lacks, so an
icon added without ``make icons`` is caught before it shows as an empty box.
"""

import re
from pathlib import Path

from django.conf import settings

FULL = Path(settings.BASE_DIR) / "static" / "vendor" / "bootstrap-icons-1.13.2"
SUBSET = FULL / "subset"
SUBSET_CSS = SUBSET / "bootstrap-icons.css"
SUBSET_FONT = SUBSET / "bootstrap-icons.woff2"

# Where icon names are written: templates, the portal's scripts, and the apps' Python (template tags
# building markup); not the virtualenv, the tests or generated folders.
SOURCES = (("templates", "*.html"), ("static/js", "*.js"))
NOT_APPS = {"var", "mutants", "tests", "static", "templates", "node_modules", "docs", "locale", "bench"}
ICON_CLASS = re.compile(r"\bbi-([a-z0-9]+(?:-[a-z0-9]+)*)")
# {% include "components/kpi_card.html" with icon="alarm" %}: the card writes class="bi bi-{{ icon }}".
KPI_ICON = re.compile(r"kpi_card\.html\"[^%]*\bicon=\"([a-z0-9-]+)\"")
ICON_RULE = re.compile(r'\.bi-([a-z0-9-]+)::before\{content:"\\([0-9a-f]+)"\}')
BASE_RULE = re.compile(r"\.bi::before,[^{]+\{[^}]+\}")


def icons_used(root: Path | None = None) -> set[str]:
    """Every icon name the portal's sources mention (``bi-NAME``, and the KPI cards' ``icon="NAME"``)."""
    root = Path(root or settings.BASE_DIR)
    paths = [path for folder, pattern in SOURCES for path in (root / folder).rglob(pattern)]
    apps = [d for d in root.iterdir() if d.is_dir() and not d.name.startswith(".") and d.name not in NOT_APPS]
    paths += [path for app in apps for pattern in ("*.py", "*.html", "*.js") for path in app.rglob(pattern)]
    names = set()
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="ignore")
        names.update(ICON_CLASS.findall(text))
        names.update(KPI_ICON.findall(text))
    return names


def codepoints() -> dict[str, int]:
    """Icon name → code point, from the full style sheet."""
    css = (FULL / "bootstrap-icons.min.css").read_text(encoding="utf-8")
    return {name: int(code, 16) for name, code in ICON_RULE.findall(css)}


def subset_css(names: set[str]) -> str:
    """The style sheet of the subset: its @font-face, the icons' base rule and one rule per icon."""
    full = (FULL / "bootstrap-icons.min.css").read_text(encoding="utf-8")
    points = codepoints()
    rules = "".join(f'.bi-{name}::before{{content:"\\{points[name]:x}"}}' for name in sorted(names))
    return (
        "/* Bootstrap Icons v1.13.2 (MIT, ../LICENSE): only the icons the portal uses. Made by `make icons`"
        " (portal/icon_subset.py); do not edit. */\n"
        '@font-face{font-display:block;font-family:bootstrap-icons;src:url("bootstrap-icons.woff2") format("woff2")}'
        f"{BASE_RULE.search(full).group(0)}{rules}\n"
    )


def build() -> tuple[int, int]:
    """Write the subset font and style sheet for the icons in use; returns (icons, font bytes).

    fontTools (with brotli for woff2) comes with the test requirements; the page needs neither.
    """
    from fontTools import subset

    points = codepoints()
    names = {name for name in icons_used() if name in points}
    SUBSET.mkdir(exist_ok=True)
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = []
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]  # copyright, family and version: the licence stays with the font
    font = subset.load_font(str(FULL / "fonts" / "bootstrap-icons.woff2"), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[points[name] for name in names])
    subsetter.subset(font)
    subset.save_font(font, str(SUBSET_FONT), options)
    SUBSET_CSS.write_text(subset_css(names), encoding="utf-8")
    return len(names), SUBSET_FONT.stat().st_size
