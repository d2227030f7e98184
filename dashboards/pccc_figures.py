"""Fire-safety figures per (criteria set, unit) for the latest month with data, in three queries."""

import datetime
from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import Max, Q

from pccc.evaluation import meets
from pccc.models import Assessment, Criterion

MONTH_REGEX = r"^[0-9]{4}-[0-9]{2}$"


def latest_month_per_set(as_of: datetime.date) -> dict[int, str]:
    """For each criteria set, the latest month up to ``as_of`` that has any value."""
    rows = (
        Assessment.objects.current()
        .filter(period__regex=MONTH_REGEX, period__lte=f"{as_of:%Y-%m}", criterion__is_active=True)
        .values("criterion__criteria_set_id")
        .annotate(latest=Max("period"))
        .order_by()
    )
    return {row["criterion__criteria_set_id"]: row["latest"] for row in rows}


def pccc_counters_by_unit(periods: dict[int, str]) -> list[tuple[int, int, Counter]]:
    """``(criteria_set_id, unit_id, counters)`` for every assessed unit.

    Counters are additive so they roll up the tree: per criterion code the sums of
    numerators, denominators and counts and the units passing/assessed; per unit the
    criteria met/assessed and whether it passes the whole model.
    """
    if not periods:
        return []
    criteria = {
        c.pk: c
        for c in Criterion.objects.filter(criteria_set_id__in=periods, is_active=True).only(
            "pk", "criteria_set_id", "code", "comparator", "target", "counts_toward_pass"
        )
    }
    required = Counter(c.criteria_set_id for c in criteria.values() if c.counts_toward_pass)
    cells: dict[tuple[int, int], Counter] = defaultdict(Counter)
    in_latest_month = Q()
    for set_id, period in periods.items():
        in_latest_month |= Q(criterion__criteria_set_id=set_id, period=period)
    for criterion_id, unit_id, value, denominator, answer in (
        Assessment.objects.current()
        .filter(in_latest_month, criterion_id__in=criteria)
        .values_list("criterion_id", "unit_id", "value", "denominator", "answer")
        .iterator(chunk_size=5000)
    ):
        criterion = criteria[criterion_id]
        _add_cell(cells[(criterion.criteria_set_id, unit_id)], criterion, value, denominator, answer)

    result = []
    for (set_id, unit_id), counters in cells.items():
        assessed_unit = counters["criteria_assessed"] > 0
        counters["units_assessed"] = int(assessed_unit)
        counters["units_passing"] = int(assessed_unit and counters["criteria_met"] == required[set_id])
        result.append((set_id, unit_id, counters))
    return result


def _add_cell(counters: Counter, criterion, value, denominator, answer) -> None:
    passed = meets(criterion, value=value, denominator=denominator, answer=answer)
    code = criterion.code
    if passed is None:
        return
    counters[f"{code}|units_assessed"] += 1
    counters[f"{code}|units_passing"] += int(passed)
    if value is not None:
        counters[f"{code}|value"] += value
    if denominator is not None:
        counters[f"{code}|denominator"] += denominator
    if criterion.counts_toward_pass:
        counters["criteria_assessed"] += 1
        counters["criteria_met"] += int(passed)


def criteria_figures(counters: Counter) -> dict[str, dict]:
    """Per criterion code: sums, the ratio of sums (%), units passing/assessed, as JSON-ready numbers."""
    figures: dict[str, dict] = defaultdict(dict)
    for key, number in counters.items():
        if "|" in key:
            code, name = key.split("|", 1)
            figures[code][name] = int(number)
    for numbers in figures.values():
        denominator = numbers.get("denominator")
        numerator = numbers.get("value")
        numbers["ratio"] = (
            float((Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.0001")))
            if denominator and numerator is not None
            else None
        )
    return dict(figures)
