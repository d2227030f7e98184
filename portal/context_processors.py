from django.conf import settings

from roles import policy


def navigation(request):
    """Which menu entries the signed-in user gets: each one asks roles.policy what its page asks.

    Permissions, not group names (one authorization model): a group given a permission gets the
    entry, a role group stripped of it loses it.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "session_idle_timeout": settings.SESSION_IDLE_TIMEOUT,
        "nav": {
            "can_read_tasks": policy.can_read_tasks(user),
            "can_coordinate": policy.can_coordinate(user),
            "can_view_assessments": policy.can_view_assessments(user),
            "can_use_admin": policy.can_use_admin(user),
        },
    }
