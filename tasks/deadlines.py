"""The deadline rules of a task, in one place: "quá hạn" (overdue) and "sắp đến hạn" (due soon).

Each rule exists twice on purpose, side by side: as a Python predicate for a task in memory
(the list, the detail page, the .xlsx sheet) and as a ``Q`` for a query (filters, counts, the
recompute). tests/tasks/test_deadlines.py holds both to the same boundaries.

"Today" is the calendar day in Asia/Ho_Chi_Minh (``timezone.localdate()``): a task due today is
not overdue until the day is over, and a task done on its deadline day is on time.
"""

import datetime

from django.db.models import Q

from .choices import DONE_STATUSES

# "Đến hạn trong 7 ngày": the list filter, and the warning colour beside a deadline.
DUE_SOON_DAYS = 7


def is_overdue(*, deadline: datetime.date, status: str, today: datetime.date) -> bool:
    """ "Quá hạn": the deadline day is over and the task is not done."""
    return deadline < today and status not in DONE_STATUSES


def is_due_soon(*, deadline: datetime.date, status: str, today: datetime.date) -> bool:
    """Not done, due today or within the next DUE_SOON_DAYS days."""
    return status not in DONE_STATUSES and today <= deadline <= today + datetime.timedelta(days=DUE_SOON_DAYS)


def deadline_passed_q(today: datetime.date, *, deadline_field: str = "deadline") -> Q:
    """The deadline day is over (whatever the status); ``deadline_field`` for a query through a relation."""
    return Q(**{f"{deadline_field}__lt": today})


def overdue_q(today: datetime.date) -> Q:
    """ "Quá hạn" as a filter on tasks: ``is_overdue`` over ``deadline`` and ``current_status``."""
    return deadline_passed_q(today) & ~Q(current_status__in=DONE_STATUSES)


def due_soon_q(today: datetime.date) -> Q:
    """ "Sắp đến hạn" as a filter on tasks: ``is_due_soon`` over ``deadline`` and ``current_status``."""
    return Q(deadline__gte=today, deadline__lte=today + datetime.timedelta(days=DUE_SOON_DAYS)) & ~Q(
        current_status__in=DONE_STATUSES
    )
