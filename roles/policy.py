"""What a user may do, asked through Django permissions: THE authorization model of the portal.

Each role group holds its permissions (data migrations of portal, tasks, pccc, dashboards and
roles); a superuser holds them all. Pages, services, imports and exports ask here, never a group
name, so that a role is changed by its permissions only. Scope (which units) is checked apart,
by the ``provinces.selectors`` scope helpers.
"""

# The permissions that stand for each capability (Django's "app_label.codename").
REPORT_PROGRESS = "tasks.add_progressupdate"  # officers, coordinators, admins
COORDINATE_TASKS = "tasks.change_task"  # coordinators (Thường trực) and admins
ENTER_ASSESSMENTS = "pccc.add_assessment"  # officers, coordinators, admins
VIEW_ASSESSMENTS = "pccc.view_assessment"  # every role
READ_TASKS = "tasks.view_task"  # every role
TWO_FACTOR_REQUIRED = "portal.require_two_factor"  # leaders and admins (portal 0006)


def can_report(user) -> bool:
    """Officers and coordinators report progress on tasks; leaders only read."""
    return user.has_perm(REPORT_PROGRESS)


def can_coordinate(user) -> bool:
    """Coordinators (Thường trực) and admins create, assign, import, copy and reopen tasks."""
    return user.has_perm(COORDINATE_TASKS)


def can_verify(user) -> bool:
    """Verifying or returning a completion report is the coordinating office's call."""
    return can_coordinate(user)


def can_enter_assessments(user) -> bool:
    """Officers, coordinators and admins enter criterion values (the grid and the import)."""
    return user.has_perm(ENTER_ASSESSMENTS)


def can_view_assessments(user) -> bool:
    """Every role reads criterion values and results."""
    return user.has_perm(VIEW_ASSESSMENTS)


def can_read_tasks(user) -> bool:
    """Every role reads the tasks of its units ("Việc của tôi", the indicators, the Excel page)."""
    return user.has_perm(READ_TASKS)


def can_use_admin(user) -> bool:
    """Django admin's own rule (``AdminSite.has_permission``): an active staff account."""
    return user.is_active and user.is_staff


def must_use_two_factor(user) -> bool:
    """Staff and superusers, and the roles given the two-factor permission (leaders, admins).

    Leaders read their whole province's figures and admins change accounts: a stolen password
    alone must not open those.
    """
    return user.is_staff or user.is_superuser or user.has_perm(TWO_FACTOR_REQUIRED)
