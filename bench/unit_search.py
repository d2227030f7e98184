"""Time the unit search (``provinces.selectors.units_matching``) over every real unit.

Run with a database holding both structures (``load_units`` then ``load_units --legacy``)::

    export DJANGO_DEBUG=1 DATABASE_URL=sqlite:///var/search_bench.sqlite3
    .venv/bin/python manage.py shell < bench/unit_search.py

Prints the median, the 95th percentile and the maximum of 600 searches: 15 typed texts
(spelling variants, short prefixes that match a thousand units, a code) × a national user and a
Hải Phòng user × 20 rounds. Each search is the one query the page runs, with its 20 rows built.
"""

import statistics
import time
from types import SimpleNamespace

from provinces.models import AdministrativeUnit
from provinces.selectors import units_matching

TYPED = [
    "hai duong", "Giao Thủy", "Giao Thuỷ", "thuy", "nam", "phuong 1", "ba dinh", "dinh",
    "00070", "xa tan", "hoa", "Đông", "thanh", "huyen giao thuy", "an",
]  # fmt: skip
ROUNDS = 20

units = AdministrativeUnit.objects.count()
legacy = AdministrativeUnit.objects.legacy().count()
viewers = [
    SimpleNamespace(is_authenticated=True, unit=None),
    SimpleNamespace(is_authenticated=True, unit=AdministrativeUnit.objects.current().get(code="31")),
]
timings = []
for _ in range(ROUNDS):
    for text in TYPED:
        for viewer in viewers:
            started = time.perf_counter()
            units_matching(viewer, text)
            timings.append(time.perf_counter() - started)
timings.sort()
print(
    f"{units} units ({legacy} legacy), {len(timings)} searches: median {statistics.median(timings) * 1000:.1f} ms, "
    f"p95 {timings[int(len(timings) * 0.95)] * 1000:.1f} ms, max {timings[-1] * 1000:.1f} ms"
)
