from .selectors import unread_count


def unread_notifications(request):
    """The bell's unread count: one COUNT on an index, only for a signed-in user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": unread_count(user)}
