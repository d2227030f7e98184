"""A national-scale synthetic dataset for the benchmarks: tasks, progress updates, PCCC values.

Units are the real ones (load_units). Everything else is generated with a fixed seed,
with bulk inserts, so `make bench` can rebuild it in about a minute at scale 1. Task rows go
through ``tasks.services.tasks_bulk_save`` (with history, by a national coordinator), as the
import's do; the progress log is the one bulk insert that bypasses the services (see ``generate``).
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from pccc.choices import Aggregation, Comparator
from pccc.models import Assessment, AssessmentSubmission, CriteriaSet, Criterion
from portal.models import User
from provinces.choices import UnitLevel
from provinces.models import AdministrativeUnit
from roles.choices import Role
from tasks.choices import DONE_STATUSES, AgencyKind, BlockReason, TaskGroup, TaskStatus, UpdateKind
from tasks.models import Agency, Programme, ProgressUpdate, Task
from tasks.services import tasks_bulk_save

YEAR = 2026
AS_OF = datetime.date(YEAR, 11, 28)
TASKS_PER_SCALE = 50_000
UPDATES_PER_TASK = 10  # on average: 500,000 updates at scale 1
GROUPS = TaskGroup.values


def reset() -> None:
    """Empty the generated tables (units stay)."""
    tables = [
        m._meta.db_table
        for m in (Assessment, AssessmentSubmission, Criterion, CriteriaSet, ProgressUpdate, Task, Agency, Programme)
    ]
    tables += [Task.coordinating_agencies.through._meta.db_table, Task.history.model._meta.db_table]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")
    for model in ("dashboards.CompletionSnapshot", "dashboards.PcccSnapshot"):
        from django.apps import apps

        apps.get_model(model).objects.all().delete()


def local(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@transaction.atomic
def generate(scale: int = 1, *, seed: int = 6) -> dict:
    """Create scale × 50,000 tasks with ~10 updates each, and 5 criteria × communes × 12 months."""
    rng = random.Random(seed)
    author, _ = User.objects.get_or_create(username="bench.author", defaults={"full_name": "Benchmark"})
    # A national coordinator (no unit): tasks_bulk_save asks roles.policy and the scope, as for an import.
    author.groups.add(Group.objects.get_or_create(name=Role.COORDINATOR)[0])
    programme = Programme.objects.create(
        name=f"Đề án 06 năm {YEAR}", document_number="06/QĐ-TTg", issuing_body="Thủ tướng Chính phủ", year=YEAR,
        start_date=datetime.date(YEAR, 1, 1), end_date=datetime.date(YEAR, 12, 31),
    )  # fmt: skip
    units = list(AdministrativeUnit.objects.current().values_list("pk", "parent_id", "level"))
    # The unit objects, read once: tasks_bulk_save checks each task's unit against the actor's scope.
    unit_rows = AdministrativeUnit.objects.current().in_bulk()
    provinces = [pk for pk, _parent, level in units if level == UnitLevel.PROVINCE]
    communes = [pk for pk, _parent, level in units if level == UnitLevel.COMMUNE]
    agencies = Agency.objects.bulk_create(
        Agency(name=f"Công an tỉnh {i}", kind=AgencyKind.POLICE, unit_id=pk) for i, pk in enumerate(provinces)
    )
    agency_of_province = {a.unit_id: a.pk for a in agencies}
    parent_of = {pk: parent for pk, parent, _level in units}

    n_tasks = TASKS_PER_SCALE * scale
    tasks = []
    for i in range(n_tasks):
        unit = rng.choice(provinces) if i % 10 == 0 else rng.choice(communes)
        province = unit if unit in agency_of_province else parent_of[unit]
        start = datetime.date(YEAR, 1, 1) + datetime.timedelta(days=rng.randrange(0, 120))
        tasks.append(
            Task(
                programme=programme,
                unit=unit_rows[unit],
                group=GROUPS[i % len(GROUPS)],
                title=f"Nhiệm vụ {i}",
                lead_agency_id=agency_of_province[province],
                start_date=start,
                deadline=start + datetime.timedelta(days=rng.randrange(60, 400)),
                weight=Decimal(rng.choice((1, 1, 1, 2, 3))),
                created_at=local(start),
            )
        )
    tasks_bulk_save(actor=author, new=[(task, []) for task in tasks], changed=[], changed_fields=[], backdated=True)

    # The one place a bench writes without tasks.services: ~UPDATES_PER_TASK × 50,000 log entries per
    # scale, streamed 20,000 at a time. tasks.services.progress_history_bulk_load would hold every
    # timeline at once and also move each task's current state (a 50,000-row update per scale),
    # which changes the dataset that docs/benchmarks.md's figures were measured on: the recompute
    # reads the log, not the tasks' state.
    updates = []
    for task in Task.objects.filter(programme=programme).only("pk", "start_date", "deadline"):
        updates.extend(_timeline(rng, task, author.pk))
        if len(updates) >= 20_000:
            ProgressUpdate.objects.bulk_create(updates, batch_size=5000)
            updates = []
    ProgressUpdate.objects.bulk_create(updates, batch_size=5000)

    assessments = _pccc_values(rng, communes, parent_of, author.pk)
    return {
        "tasks": n_tasks,
        "updates": ProgressUpdate.objects.count(),
        "assessments": assessments,
        "units": len(units),
    }


def _timeline(rng: random.Random, task, author_id: int) -> list[ProgressUpdate]:
    """Roughly UPDATES_PER_TASK entries of rising percent, ending in a mix of states."""
    count = rng.randrange(0, 2 * UPDATES_PER_TASK + 1)
    if count == 0:
        return []
    day = task.start_date
    percent = 0
    entries = []
    for n in range(count):
        day += datetime.timedelta(days=rng.randrange(1, 12))
        last = n == count - 1
        fate = rng.random()
        if last and fate < 0.3:
            status, percent = TaskStatus.DONE, 100
            if day > task.deadline:
                status = TaskStatus.DONE_LATE
            entries.append(_update(task, author_id, day, percent, status, UpdateKind.REPORT))
            if fate < 0.25:  # most completions are verified, some still wait
                entries.append(_update(task, author_id, day, percent, status, UpdateKind.VERIFIED))
            break
        percent = min(95, percent + rng.randrange(1, 15))
        blocked = last and fate > 0.9
        status = TaskStatus.BLOCKED if blocked else TaskStatus.IN_PROGRESS
        entries.append(_update(task, author_id, day, percent, status, UpdateKind.REPORT, blocked))
    return entries


def _update(task, author_id, day, percent, status, kind, blocked=False) -> ProgressUpdate:
    assert status not in DONE_STATUSES or percent == 100
    return ProgressUpdate(
        task_id=task.pk, author_id=author_id, created_at=local(day, 10 if kind == UpdateKind.REPORT else 15),
        data_date=day,
        kind=kind, percent=percent, status=status, block_reason=BlockReason.WAITING_CENTRAL if blocked else "",
    )  # fmt: skip


def _pccc_values(rng: random.Random, communes: list[int], parent_of: dict, author_id: int) -> int:
    """5 criteria × every commune × 12 months, about a quarter of communes failing something."""
    criteria_set = CriteriaSet.objects.create(code="bench-pccc", name="Tỉnh an toàn PCCC (benchmark)")
    specs = [
        ("TC1", Comparator.AT_LEAST_PERCENT, Aggregation.RATIO, Decimal(100)),
        ("TC2", Comparator.AT_LEAST_PERCENT, Aggregation.RATIO, Decimal(100)),
        ("TC3", Comparator.AT_MOST_PERCENT, Aggregation.RATIO, Decimal("0.01")),
        ("TC4", Comparator.EQUALS_ZERO, Aggregation.SHARE_PASSING, None),
        ("TC5", Comparator.YES_NO, Aggregation.SHARE_PASSING, None),
    ]
    criteria = Criterion.objects.bulk_create(
        Criterion(criteria_set=criteria_set, code=code, title=code, level=UnitLevel.COMMUNE, comparator=comparator,
                  aggregation=aggregation, target=target, order=i)
        for i, (code, comparator, aggregation, target) in enumerate(specs)
    )  # fmt: skip
    provinces = sorted({parent_of[c] for c in communes})
    total = 0
    for month in range(1, 13):
        period = f"{YEAR}-{month:02d}"
        submissions = {
            s.unit_id: s.pk
            for s in AssessmentSubmission.objects.bulk_create(
                AssessmentSubmission(criteria_set=criteria_set, unit_id=p, period=period, entered_by_id=author_id)
                for p in provinces
            )
        }
        rows = []
        for commune in communes:
            households = rng.randrange(800, 6000)
            inspected = households if rng.random() < 0.8 else rng.randrange(households // 2, households)
            establishments = rng.randrange(20, 400)
            values = [
                (inspected, households, None),
                (establishments if rng.random() < 0.85 else establishments - 1, establishments, None),
                (int(rng.random() < 0.02), households + establishments, None),
                (0 if rng.random() < 0.97 else 1, None, None),
                (None, None, rng.random() < 0.9),
            ]
            for criterion, (value, denominator, answer) in zip(criteria, values, strict=True):
                rows.append(
                    Assessment(submission_id=submissions[parent_of[commune]], criterion=criterion, unit_id=commune,
                               period=period, value=value, denominator=denominator, answer=answer)
                )  # fmt: skip
        Assessment.objects.bulk_create(rows, batch_size=5000)
        total += len(rows)
    return total
