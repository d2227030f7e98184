"""A Redis lock so that two recompute runs never overlap."""

import contextlib
import logging

from django.conf import settings

logger = logging.getLogger(__name__)

LOCK_NAME = "portal:recompute-progress"


@contextlib.contextmanager
def recompute_lock():
    """Yield True when this process holds the lock, False when another run holds it.

    The lock expires after RECOMPUTE_LOCK_TTL seconds, so a worker killed mid-run
    cannot block the next night. Without a Redis broker (embedded run, eager jobs)
    there is a single process and no lock is needed.
    """
    url = settings.CELERY_BROKER_URL
    if not url or not url.startswith(("redis://", "rediss://")):
        yield True
        return
    import redis

    client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
    lock = client.lock(LOCK_NAME, timeout=settings.RECOMPUTE_LOCK_TTL, blocking=False)
    acquired = lock.acquire()
    try:
        yield acquired
    finally:
        if acquired:
            try:
                lock.release()
            except redis.exceptions.LockError:
                logger.warning("Recompute lock expired before the run ended")
