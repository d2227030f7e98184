"""The recompute as a first attempt would write it: loops over units and tasks, one query per object.

It lives here, in the benchmark, to measure the product's set-based version against, and
to check that both give the same figures. Never import it from product code.
"""

import datetime
from decimal import Decimal

from pccc.evaluation import meets
from pccc.models import Assessment, Criterion
from provinces.models import AdministrativeUnit
from tasks.choices import DONE_STATUSES, TaskStatus, UpdateKind
from tasks.models import Programme, Task


def naive_completion(*, as_of: datetime.date, cutoff: datetime.datetime) -> dict[tuple[int, str], dict]:
    """{(programme_id, scope_path): figures} computed task by task for every unit."""
    result = {}
    scopes = [("/", None), *((u.path, u) for u in AdministrativeUnit.objects.current())]
    for programme in Programme.objects.all():
        for path, _unit in scopes:
            tasks = Task.objects.filter(programme=programme, created_at__lt=cutoff, unit__path__startswith=path)
            figures = {"total": 0, "done": 0, "not_started": 0, "overdue": 0, "weight": Decimal(0), "weighted": 0}
            for task in tasks:
                official = (
                    task.updates.filter(created_at__lt=cutoff)
                    .exclude(kind=UpdateKind.REPORT, status__in=DONE_STATUSES)
                    .order_by("-created_at", "-id")
                    .first()
                )
                status = official.status if official else TaskStatus.NOT_STARTED
                percent = official.percent if official else 0
                figures["total"] += 1
                figures["done"] += status == TaskStatus.DONE
                figures["not_started"] += status == TaskStatus.NOT_STARTED
                figures["overdue"] += task.deadline < as_of and status not in DONE_STATUSES
                figures["weight"] += task.weight
                figures["weighted"] += task.weight * percent
            if figures["total"]:
                figures["weighted_completion"] = (figures["weighted"] / figures["weight"]).quantize(Decimal("0.01"))
                result[(programme.pk, path)] = figures
    return result


def naive_pccc_passing(*, periods: dict[int, str]) -> dict[str, int]:
    """Units passing the model per province path, one query per (unit, criterion)."""
    passing: dict[str, int] = {}
    for set_id, period in periods.items():
        criteria = list(Criterion.objects.filter(criteria_set_id=set_id, is_active=True, counts_toward_pass=True))
        for unit in AdministrativeUnit.objects.current().filter(level=criteria[0].level):
            ok = True
            for criterion in criteria:
                value = Assessment.objects.current().filter(criterion=criterion, unit=unit, period=period).first()
                if value is None or not meets(
                    criterion, value=value.value, denominator=value.denominator, answer=value.answer
                ):
                    ok = False
            province = "/" + unit.path.strip("/").split("/")[0] + "/"
            passing[province] = passing.get(province, 0) + ok
    return passing
