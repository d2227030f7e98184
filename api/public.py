"""The public results page of a province (``/cong-khai/<mã tỉnh>/``), read from snapshots only.

Shows what an admin opted in (``PublicResults``): per programme the headline completion, the
share of tasks started, the ranking of the province's communes; per criteria set the units
passing, the criteria pass counts and their trend; and the date of the data. No person, note
or evidence file is read, so none can be shown.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import Http404
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
    ranking: list[dict]
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
    """The opted-in results of the current province ``code``; 404 when it has not opted in to anything."""
    opt_in = (
        PublicResults.objects.filter(
            province__code=code[:10], province__valid_to__isnull=True, province__level=UnitLevel.PROVINCE
        )
        .select_related("province")
        .prefetch_related("programmes", "criteria_sets")
        .first()
    )
    if opt_in is None or not (opt_in.programmes.all() or opt_in.criteria_sets.all()):
        raise Http404(_("Tỉnh, thành phố này chưa công khai kết quả."))
    province = opt_in.province
    if not province.has_valid_path():
        raise Http404(_("Tỉnh, thành phố này chưa công khai kết quả."))
    page = PublicPage(province=province)
    for programme in opt_in.programmes.all():
        results = _programme_results(province, programme)
        if results is not None:
            page.programmes.append(results)
    for criteria_set in opt_in.criteria_sets.all():
        results = _criteria_set_results(province, criteria_set)
        if results is not None:
            page.criteria_sets.append(results)
    return page


def _trend_dates(latest: datetime.date) -> list[datetime.date]:
    return [latest - datetime.timedelta(days=TREND_STEP_DAYS * i) for i in range(TREND_POINTS - 1, -1, -1)]


def _programme_results(province, programme) -> ProgrammeResults | None:
    own = CompletionSnapshot.objects.filter(programme=programme, scope_path=province.path)
    snapshot = own.order_by("-date").first()
    if snapshot is None:
        return None
    started = None
    if snapshot.tasks_total:
        started = percent(snapshot.tasks_total - snapshot.tasks_not_started, snapshot.tasks_total)
    ranking = list(
        CompletionSnapshot.objects.filter(
            programme=programme,
            date=snapshot.date,
            scope_path__startswith=province.path,
            unit__level=UnitLevel.COMMUNE,
            tasks_total__gt=0,
        )
        .order_by("-weighted_completion", "unit__name")
        # Plain rows: 126 Hà Nội communes as model instances cost more than the query itself.
        .values("unit__name", "weighted_completion", "tasks_overdue")
    )
    trend = list(own.filter(date__in=_trend_dates(snapshot.date)).order_by("date"))
    return ProgrammeResults(programme=programme, snapshot=snapshot, started_share=started, ranking=ranking, trend=trend)


def _criteria_set_results(province, criteria_set) -> CriteriaSetResults | None:
    own = PcccSnapshot.objects.filter(criteria_set=criteria_set, scope_path=province.path)
    snapshot = own.order_by("-date").first()
    if snapshot is None:
        return None
    criteria = []
    for criterion in Criterion.objects.filter(criteria_set=criteria_set, is_active=True).order_by("order", "code"):
        figures = snapshot.criteria.get(criterion.code, {})
        criteria.append(
            {
                "code": criterion.code,
                "title": criterion.title,
                "units_passing": figures.get("units_passing"),
                "units_assessed": figures.get("units_assessed"),
            }
        )
    trend = list(own.filter(date__in=_trend_dates(snapshot.date)).order_by("date"))
    return CriteriaSetResults(criteria_set=criteria_set, snapshot=snapshot, criteria=criteria, trend=trend)
