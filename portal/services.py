"""Writes on accounts (keyword-only, one transaction each)."""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

log = logging.getLogger("portal.security")


@transaction.atomic
def accounts_disable_inactive(*, now: datetime.datetime | None = None, days: int | None = None) -> list[str]:
    """Disable active accounts with no login for ``days`` (PORTAL_INACTIVE_ACCOUNT_DAYS, 45).

    An account never used counts from its creation. Superusers are the break-glass accounts
    of the installation and are left alone (docs/operations.md). Returns the usernames disabled;
    running it twice disables nothing more.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=days if days is not None else settings.PORTAL_INACTIVE_ACCOUNT_DAYS)
    stale = (
        get_user_model()
        .objects.filter(is_active=True, is_superuser=False)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
    )
    usernames = sorted(stale.values_list("username", flat=True))
    if usernames:
        get_user_model().objects.filter(username__in=usernames).update(is_active=False)
        log.warning("Disabled %s accounts unused since %s: %s", len(usernames), cutoff.date(), ", ".join(usernames))
    return usernames
