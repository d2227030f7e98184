from django.conf import settings

from roles.choices import Role, has_role


def navigation(request):
    """Which menu entries the signed-in user gets, by role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "session_idle_timeout": settings.SESSION_IDLE_TIMEOUT,
        "nav": {
            "is_admin": user.is_staff or has_role(user, Role.ADMIN),
            "is_leader": has_role(user, Role.LEADER, Role.ADMIN),
            "is_coordinator": has_role(user, Role.COORDINATOR, Role.ADMIN),
            "is_officer": has_role(user, Role.OFFICER, Role.COORDINATOR),
        },
    }
