"""Who is told what on a given day: computed from the data, in a fixed number of queries.

``daily_events(day)`` is pure: it reads tasks, reports and roles and returns the notifications
that day calls for, writing nothing. The reminder job stores them (once: see the model's unique
key) and sends the emails. The events of a person's own action (assigned, deadline changed,
report verified or returned) are not here: the task services call ``notifications.services``.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from roles.choices import Role
from tasks.choices import DONE_STATUSES, BlockReason, TaskStatus, UpdateKind
from tasks.models import ProgressUpdate, Task

from .choices import EventType


@dataclass(frozen=True)
class PlannedNotification:
    """One notification the day calls for, before it is stored."""

    recipient_id: int
    event: str
    object_key: str
    title: str
    body: str = ""
    link: str = ""
    task_id: int | None = None
    unit_id: int | None = None
    details: dict = field(default_factory=dict, compare=False, hash=False)


def task_link(task_id: int) -> str:
    return reverse("tasks:task_detail", kwargs={"pk": task_id})


def _day_window(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The day before ``day``, midnight to midnight in Asia/Ho_Chi_Minh: "since yesterday"."""
    tz = timezone.get_current_timezone()
    end = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
    return end - datetime.timedelta(days=1), end


def _scope_path(row: dict) -> str | None:
    """The current unit a task's people sit on: its own, or a legacy unit's successor."""
    if row["unit__valid_to"] is None:
        return row["unit__path"]
    return row["unit__successor__path"]


def _paths_up(path: str) -> list[str]:
    """``/01/00070/`` → ``["/01/00070/", "/01/"]``: the unit and its ancestors, nearest first."""
    codes = path.strip("/").split("/")
    return ["/" + "/".join(codes[:i]) + "/" for i in range(len(codes), 0, -1)]


class _RoleHolders:
    """Active coordinators and leaders by the path of their unit (one query), for scope look-ups."""

    def __init__(self):
        self.by_role: dict[str, dict[str | None, set[int]]] = {
            Role.COORDINATOR: defaultdict(set),
            Role.LEADER: defaultdict(set),
        }
        rows = (
            get_user_model()
            .objects.filter(is_active=True, groups__name__in=[Role.COORDINATOR, Role.LEADER])
            .values_list("pk", "groups__name", "unit__path")
        )
        for pk, role, path in rows:
            self.by_role[role][path].add(pk)

    def nearest(self, role: str, path: str | None) -> set[int]:
        """Holders of ``role`` on the unit or, failing that, the nearest ancestor that has some; else national."""
        holders = self.by_role[role]
        for candidate in _paths_up(path) if path else []:
            if holders.get(candidate):
                return set(holders[candidate])
        return set(holders.get(None, ()))

    def leaders(self) -> dict[str | None, set[int]]:
        return self.by_role[Role.LEADER]


_TASK_FIELDS = (
    "pk", "title", "deadline", "accountable_person_id", "current_block_reason",
    "unit__name", "unit__path", "unit__valid_to", "unit__successor__path",
)  # fmt: skip


def _offset_days() -> dict[str, list[int]]:
    return {"before": list(settings.NOTIFY_REMINDER_DAYS_BEFORE), **settings.NOTIFY_ESCALATION_DAYS}


def daily_events(day: datetime.date) -> list[PlannedNotification]:
    """Every notification ``day`` calls for, in six queries whatever the number of tasks.

    - deadline approaching: the accountable officer, NOTIFY_REMINDER_DAYS_BEFORE days before;
    - the ladder of an overdue task: the officer, then the unit's coordinators, then its leaders,
      on the days after the deadline set in NOTIFY_ESCALATION_DAYS ("the unit's" means the
      nearest unit up the tree that has someone in that role);
    - a completion report that arrived yesterday: the coordinators, to verify it;
    - a task that became blocked yesterday: the coordinators, with the reason;
    - leaders: a digest of their scope (newly overdue, newly blocked, completed, awaiting verification).
    """
    offsets = _offset_days()
    start, end = _day_window(day)
    holders = _RoleHolders()  # 1
    planned: list[PlannedNotification] = []

    # 2: every not-done task on one of the ladder's days (before and after the deadline).
    approaching = {day + datetime.timedelta(days=n): n for n in offsets["before"]}
    ladder = {
        day - datetime.timedelta(days=offsets["officer"]): EventType.DEADLINE_PASSED,
        day - datetime.timedelta(days=offsets["coordinator"]): EventType.ESCALATED_TO_COORDINATOR,
        day - datetime.timedelta(days=offsets["leader"]): EventType.ESCALATED_TO_LEADER,
    }
    due_rows = list(
        Task.objects.filter(deadline__in=[*approaching, *ladder])
        .exclude(current_status__in=DONE_STATUSES)
        .values(*_TASK_FIELDS)
    )
    newly_overdue = []
    for row in due_rows:
        key, link = f"task:{row['pk']}", task_link(row["pk"])
        names = {"title": row["title"], "unit": row["unit__name"], "deadline": row["deadline"].strftime("%d/%m/%Y")}
        if row["deadline"] in approaching:
            if row["accountable_person_id"]:
                days = approaching[row["deadline"]]
                planned.append(PlannedNotification(
                    row["accountable_person_id"], EventType.DEADLINE_APPROACHING, key,
                    _("Còn %(days)s ngày đến hạn: %(title)s") % {"days": days, **names},
                    _("Nhiệm vụ “%(title)s” (%(unit)s) đến hạn ngày %(deadline)s.") % names, link, row["pk"],
                ))  # fmt: skip
            continue
        event = ladder[row["deadline"]]
        late = (day - row["deadline"]).days
        title = _("Quá hạn %(days)s ngày: %(title)s") % {"days": late, **names}
        body = _("Nhiệm vụ “%(title)s” (%(unit)s) hết hạn ngày %(deadline)s mà chưa hoàn thành.") % names
        if event == EventType.DEADLINE_PASSED:
            newly_overdue.append(row)
            recipients = {row["accountable_person_id"]} - {None}
        elif event == EventType.ESCALATED_TO_COORDINATOR:
            recipients = holders.nearest(Role.COORDINATOR, _scope_path(row))
        else:
            recipients = holders.nearest(Role.LEADER, _scope_path(row))
        planned += [PlannedNotification(r, event, key, title, body, link, row["pk"]) for r in sorted(recipients)]

    # 3: tasks that became blocked yesterday: blocked now, last report yesterday, and not blocked before it.
    status_before = (
        ProgressUpdate.objects.filter(task=OuterRef("pk"), created_at__lt=start)
        .order_by("-created_at", "-id")
        .values("status")[:1]
    )
    blocked_rows = list(
        Task.objects.filter(current_status=TaskStatus.BLOCKED, last_update_at__gte=start, last_update_at__lt=end)
        .annotate(status_before=Subquery(status_before))
        .filter(Q(status_before__isnull=True) | ~Q(status_before=TaskStatus.BLOCKED))
        .values(*_TASK_FIELDS)
    )
    for row in blocked_rows:
        reason = BlockReason(row["current_block_reason"]).label if row["current_block_reason"] else "—"
        names = {"title": row["title"], "unit": row["unit__name"], "reason": reason}
        title = _("Vướng mắc: %(title)s") % names
        body = _("Nhiệm vụ “%(title)s” (%(unit)s) gặp vướng mắc: %(reason)s.") % names
        for r in sorted(holders.nearest(Role.COORDINATOR, _scope_path(row))):
            planned.append(PlannedNotification(r, EventType.TASK_BLOCKED, f"task:{row['pk']}", title, body,
                                               task_link(row["pk"]), row["pk"]))  # fmt: skip

    # 4: completion reports that arrived yesterday and still wait.
    awaiting_rows = list(
        Task.objects.filter(awaiting_verification=True, last_update_at__gte=start, last_update_at__lt=end).values(
            *_TASK_FIELDS
        )
    )
    for row in awaiting_rows:
        names = {"title": row["title"], "unit": row["unit__name"]}
        title = _("Chờ xác nhận hoàn thành: %(title)s") % names
        body = _("Nhiệm vụ “%(title)s” (%(unit)s) có báo cáo hoàn thành đang chờ Thường trực xác nhận.") % names
        for r in sorted(holders.nearest(Role.COORDINATOR, _scope_path(row))):
            planned.append(PlannedNotification(r, EventType.AWAITING_VERIFICATION, f"task:{row['pk']}", title, body,
                                               task_link(row["pk"]), row["pk"]))  # fmt: skip

    # 5: completions verified yesterday (for the digest only).
    completed_rows = list(
        Task.objects.filter(
            pk__in=ProgressUpdate.objects.filter(
                kind=UpdateKind.VERIFIED, created_at__gte=start, created_at__lt=end
            ).values("task_id")
        ).values(*_TASK_FIELDS)
    )
    planned += _empty_criteria_grids(day)  # 0 queries, or 3 on the reminder day
    planned += _digests(day, holders, newly_overdue=newly_overdue, newly_blocked=blocked_rows,
                        completed=completed_rows, awaiting=awaiting_rows)  # fmt: skip
    return planned


def _month_end(day: datetime.date) -> datetime.date:
    first_of_next = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return first_of_next - datetime.timedelta(days=1)


def _empty_criteria_grids(day: datetime.date) -> list[PlannedNotification]:
    """NOTIFY_EMPTY_GRID_DAYS_BEFORE days before a month ends: each officer whose unit (and everything
    below it) has no current value of an active criteria set for that month."""
    from pccc.models import Assessment, CriteriaSet
    from pccc.periods import Period

    if (_month_end(day) - day).days != settings.NOTIFY_EMPTY_GRID_DAYS_BEFORE:
        return []
    period = Period.month_of(day)
    sets = list(CriteriaSet.objects.filter(is_active=True).values_list("pk", "code", "name"))
    if not sets:
        return []
    filled = set()  # (set id, path of a unit with a value, or of one of its ancestors)
    rows = (
        Assessment.objects.current()
        .filter(period=period.key, criterion__criteria_set__is_active=True)
        .values_list("criterion__criteria_set_id", "unit__path")
        .distinct()
    )
    for set_id, path in rows:
        filled.update((set_id, p) for p in _paths_up(path))
    officers = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.OFFICER, unit__isnull=False, unit__valid_to__isnull=True)
        .values_list("pk", "unit_id", "unit__code", "unit__name", "unit__path")
    )
    planned = []
    for user_id, unit_id, code, unit_name, path in officers:
        for set_id, set_code, set_name in sets:
            if (set_id, path) in filled:
                continue
            names = {
                "set": set_name,
                "unit": unit_name,
                "period": period.label,
                "end": _month_end(day).strftime("%d/%m/%Y"),
            }
            link = reverse("pccc:grid", kwargs={"set_code": set_code, "unit_code": code}) + f"?ky={period.key}"
            planned.append(PlannedNotification(
                user_id, EventType.CRITERIA_GRID_EMPTY, f"grid:{set_id}:{unit_id}:{period.key}",
                _("Chưa nhập số liệu %(set)s: %(unit)s, %(period)s") % names,
                _("%(unit)s chưa có số liệu nào của “%(set)s” cho %(period)s; kỳ kết thúc ngày %(end)s.") % names,
                link, unit_id=unit_id,
            ))  # fmt: skip
    return planned


# Lines of each section of a leader's digest; the rest is counted.
DIGEST_LINES = 20

_DIGEST_SECTIONS = (
    ("newly_overdue", EventType.DEADLINE_PASSED),
    ("newly_blocked", EventType.TASK_BLOCKED),
    ("completed", EventType.REPORT_VERIFIED),
    ("awaiting", EventType.AWAITING_VERIFICATION),
)


def digest_section_titles() -> dict[str, str]:
    return {
        "newly_overdue": _("Mới quá hạn"),
        "newly_blocked": _("Mới vướng mắc"),
        "completed": _("Đã hoàn thành (được xác nhận)"),
        "awaiting": _("Chờ xác nhận hoàn thành"),
    }


def _digest_lines(rows: list[dict]) -> list[dict]:
    """A digest is read, not searched: the first DIGEST_LINES tasks of a section, then how many more."""
    lines = [{"title": r["title"], "unit": r["unit__name"], "link": task_link(r["pk"])} for r in rows[:DIGEST_LINES]]
    if len(rows) > DIGEST_LINES:
        more = _("… và %(count)s nhiệm vụ khác") % {"count": len(rows) - DIGEST_LINES}
        lines.append({"title": more, "unit": "", "link": reverse("tasks:my_tasks")})
    return lines


def _digests(day, holders: _RoleHolders, **sections: list[dict]) -> list[PlannedNotification]:
    """One digest per leader whose scope had any change since yesterday (matched in Python: no query)."""
    titles = digest_section_titles()
    digests = []
    for path, leader_ids in holders.leaders().items():
        lines: dict[str, list[dict]] = {}
        for name, _event in _DIGEST_SECTIONS:
            rows = [r for r in sections[name] if path is None or (_scope_path(r) or "").startswith(path)]
            if rows:
                lines[name] = rows
        if not lines:
            continue
        counts = ", ".join(f"{titles[name]}: {len(rows)}" for name, rows in lines.items())
        lines = {name: _digest_lines(rows) for name, rows in lines.items()}
        title = _("Tổng hợp ngày %(day)s: %(counts)s") % {"day": day.strftime("%d/%m/%Y"), "counts": counts}
        body = "\n".join(
            f"{titles[name]}:\n"
            + "\n".join(f"- {line['title']}" + (f" ({line['unit']})" if line["unit"] else "") for line in rows)
            for name, rows in lines.items()
        )
        details = {"sections": [{"title": titles[name], "lines": rows} for name, rows in lines.items()]}
        for leader in sorted(leader_ids):
            digests.append(PlannedNotification(leader, EventType.DAILY_DIGEST, "digest", title[:300], body,
                                               reverse("notifications:list"), details=details))  # fmt: skip
    return digests
