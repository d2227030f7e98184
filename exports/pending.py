"""Uploaded files between the preview and the confirmation, kept outside MEDIA_ROOT.

The session holds only a random token; the confirmation re-reads and re-checks the file,
so nothing the browser posts back is trusted.
"""

import secrets
import tempfile
import time
from pathlib import Path

from django.conf import settings

SESSION_KEY = "exports_pending"
MAX_AGE_SECONDS = 24 * 3600


def _folder() -> Path:
    folder = Path(getattr(settings, "EXPORTS_PENDING_DIR", Path(tempfile.gettempdir()) / "portal-imports"))
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _sweep(folder: Path, request) -> None:
    """Drop the user's previous upload and anything abandoned for over a day."""
    previous = (request.session.get(SESSION_KEY) or {}).get("token")
    if previous:
        (folder / f"{request.user.pk}-{previous}.xlsx").unlink(missing_ok=True)
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in folder.glob("*.xlsx"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def keep(request, kind: str, data: bytes, **params) -> str:
    """Store the upload for this user and return its token."""
    _sweep(_folder(), request)
    token = secrets.token_urlsafe(16)
    (_folder() / f"{request.user.pk}-{token}.xlsx").write_bytes(data)
    request.session[SESSION_KEY] = {"token": token, "kind": kind, **params}
    return token


def load(request, kind: str, token: str) -> tuple[bytes, dict] | None:
    """The stored upload and its parameters, if ``token`` is this user's latest of this kind."""
    pending = request.session.get(SESSION_KEY) or {}
    if not token or pending.get("token") != token or pending.get("kind") != kind:
        return None
    path = _folder() / f"{request.user.pk}-{token}.xlsx"
    if not path.exists():
        return None
    return path.read_bytes(), pending


def forget(request, token: str) -> None:
    (_folder() / f"{request.user.pk}-{token}.xlsx").unlink(missing_ok=True)
    request.session.pop(SESSION_KEY, None)
