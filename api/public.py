"""The public results page of a province (``/cong-khai/<mã tỉnh>/``), read from snapshots only.

Shows what an admin opted in (``PublicResults``): per programme the headline completion, the
share of tasks started, the ranking of the province's communes; per criteria set the units
passing, the criteria pass counts and their trend; and the date of the data. No person, note
or evidence file is read, so none can be shown.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.utils.formats import get_format
from django.utils.translation import gettext as _

from dashboards.models import CompletionSnapshot, PcccSnapshot
from pccc.evaluation import percent
from pccc.models import Criterion
from provinces.choices import UnitLevel
from provinces.models import AdministrativeUnit

from .models import PublicResults

TREND_POINTS = 8
TREND_STEP_DAYS = 7


@dataclass
class ProgrammeResults:
    programme: object
    snapshot: CompletionSnapshot
    started_share: Decimal | None
    # Ready to print: rank, name, completion (one decimal, locale's separator), overdue count.
    ranking: list[dict[str, str]]
    trend: list[CompletionSnapshot]


@dataclass
class CriteriaSetResults:
    criteria_set: object
    snapshot: PcccSnapshot
    criteria: list[dict]
    trend: list[PcccSnapshot]


@dataclass
class PublicPage:
    province: AdministrativeUnit
    programmes: list[ProgrammeResults] = field(default_factory=list)
    criteria_sets: list[CriteriaSetResults] = field(default_factory=list)

    @property
    def data_date(self) -> datetime.date | None:
        dates = [r.snapshot.date for r in self.programmes] + [r.snapshot.date for r in self.criteria_sets]
        return max(dates) if dates else None


def public_page_or_404(code: str) -> PublicPage:
    """The opted-in results of the current province ``code``; 404 when it has not opted in to anything.

    Five queries whatever the number of programmes, criteria sets and communes: the opt-in; the
    province's own recent rows of every opted-in programme (the latest is the headline, the
    weekly ones the trend) and the ranking of its communes on each programme's latest date; the
    same own rows for every criteria set, and their criteria. The page is public and served
    uncached by this process, so its round trips to the database are what a miss costs.
    """
    opt_in = (
        PublicResults.objects.filter(
            province__code=code[:10], province__valid_to__isnull=True, province__level=UnitLevel.PROVINCE
        )
        .select_related("province")
        .first()
    )
    if opt_in is None or not opt_in.province.has_valid_path():
        raise Http404(_("Tỉnh, thành phố này chưa công khai kết quả."))
    province = opt_in.province
    programmes = PublicResults.programmes.through.objects.filter(publicresults=opt_in).values("programme_id")
    criteria_sets = PublicResults.criteria_sets.through.objects.filter(publicresults=opt_in).values("criteriaset_id")
    page = PublicPage(province=province)
    page.programmes = _programme_results(
        province, _recent_own_rows(CompletionSnapshot, "programme", programmes, province)
    )
    page.criteria_sets = _criteria_set_results(_recent_own_rows(PcccSnapshot, "criteria_set", criteria_sets, province))
    if not (page.programmes or page.criteria_sets or _has_choices(opt_in)):
        raise Http404(_("Tỉnh, thành phố này chưa công khai kết quả."))
    return page


def _has_choices(opt_in) -> bool:
    """An opt-in with something chosen but no figures yet still has its page (saying there are none)."""
    return (
        PublicResults.programmes.through.objects.filter(publicresults=opt_in).exists()
        or PublicResults.criteria_sets.through.objects.filter(publicresults=opt_in).exists()
    )


def _trend_dates(latest: datetime.date) -> list[datetime.date]:
    return [latest - datetime.timedelta(days=TREND_STEP_DAYS * i) for i in range(TREND_POINTS - 1, -1, -1)]


# One row per date at most (the snapshot key), so a subject's latest rows this many cover every
# day of the trend's window, whatever days were computed.
RECENT_ROWS = TREND_STEP_DAYS * (TREND_POINTS - 1) + 1


def _recent_own_rows(model, subject: str, chosen, province) -> dict:
    """subject → the province's own snapshots of it, latest first, at most ``RECENT_ROWS`` each (one query).

    Subjects (programmes, criteria sets) come in their model's order, as the admin lists them.
    """
    subject_order = [
        f"-{subject}__{name[1:]}" if name.startswith("-") else f"{subject}__{name}"
        for name in model._meta.get_field(subject).related_model._meta.ordering
    ]
    rows = (
        model.objects.filter(**{f"{subject}__in": chosen}, scope_path=province.path)
        .select_related(subject)
        .annotate(recency=Window(RowNumber(), partition_by=[F(f"{subject}_id")], order_by=F("date").desc()))
        .filter(recency__lte=RECENT_ROWS)
        .order_by(*subject_order, f"{subject}_id", "-date")
    )
    by_subject: dict = {}
    for row in rows:
        by_subject.setdefault(getattr(row, subject), []).append(row)
    return by_subject


def _trend(rows: list) -> list:
    wanted = set(_trend_dates(rows[0].date))
    return [row for row in reversed(rows) if row.date in wanted]


def _programme_results(province, own_rows: dict) -> list[ProgrammeResults]:
    if not own_rows:
        return []
    latest = {programme.pk: rows[0].date for programme, rows in own_rows.items()}
    ranked: dict[int, list[dict]] = {pk: [] for pk in latest}
    on_latest_dates = Q()
    for programme_id, day in latest.items():
        on_latest_dates |= Q(programme_id=programme_id, date=day)
    decimal_separator = get_format("DECIMAL_SEPARATOR")
    for programme_id, name, completion, overdue in (
        CompletionSnapshot.objects.filter(
            on_latest_dates, scope_path__startswith=province.path, unit__level=UnitLevel.COMMUNE, tasks_total__gt=0
        )
        .order_by("programme_id", "-weighted_completion", "unit__name")
        # Plain rows: 168 communes as model instances cost more than the query itself.
        .values_list("programme_id", "unit__name", "weighted_completion", "tasks_overdue")
    ):
        rows = ranked[programme_id]
        rows.append(
            {
                "rank": str(len(rows) + 1),
                "name": name,
                "completion": _one_decimal(completion, decimal_separator),
                "overdue": str(overdue),
            }
        )
    results = []
    for programme, rows in own_rows.items():
        snapshot = rows[0]
        started = None
        if snapshot.tasks_total:
            started = percent(snapshot.tasks_total - snapshot.tasks_not_started, snapshot.tasks_total)
        results.append(
            ProgrammeResults(
                programme=programme, snapshot=snapshot, started_share=started, ranking=ranked[programme.pk],
                trend=_trend(rows),
            )
        )  # fmt: skip
    return results


ONE_DECIMAL = Decimal("0.1")


def _one_decimal(value: Decimal, decimal_separator: str) -> str:
    """``value|floatformat:1`` for a percentage (0–100, so never a thousands separator).

    The ranking is the page's longest part: formatted here once per row, it renders in a
    fraction of the time the template's filters take (each looks the active locale's formats up).
    """
    return str(value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)).replace(".", decimal_separator)


def _criteria_set_results(own_rows: dict) -> list[CriteriaSetResults]:
    if not own_rows:
        return []
    criteria_of: dict[int, list[Criterion]] = {criteria_set.pk: [] for criteria_set in own_rows}
    for criterion in Criterion.objects.filter(criteria_set__in=list(criteria_of), is_active=True).order_by(
        "order", "code"
    ):
        criteria_of[criterion.criteria_set_id].append(criterion)
    results = []
    for criteria_set, rows in own_rows.items():
        snapshot = rows[0]
        criteria = []
        for criterion in criteria_of[criteria_set.pk]:
            figures = snapshot.criteria.get(criterion.code, {})
            criteria.append(
                {
                    "code": criterion.code,
                    "title": criterion.title,
                    "units_passing": figures.get("units_passing"),
                    "units_assessed": figures.get("units_assessed"),
                }
            )
        results.append(
            CriteriaSetResults(criteria_set=criteria_set, snapshot=snapshot, criteria=criteria, trend=_trend(rows))
        )
    return results
