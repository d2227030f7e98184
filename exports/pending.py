"""Uploaded files between the preview and the confirmation, kept outside MEDIA_ROOT.

The session holds only a random token; the confirmation re-reads and re-checks the file,
so nothing the browser posts back is trusted. Beside the file, ``planned`` keeps what the
preview promised (JSON: which task each row changes at which version, or which stored PCCC
value each cell replaces), so that the confirmation can tell when the data moved under the
user; it stays on the server, next to the upload, rather than in the session row that
every request loads.
"""

import json
import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

SESSION_KEY = "exports_pending"
MAX_AGE_SECONDS = 24 * 3600
SUFFIXES = (".xlsx", ".json")


@dataclass(frozen=True)
class PendingUpload:
    data: bytes
    params: dict
    planned: dict


def _folder() -> Path:
    folder = Path(getattr(settings, "EXPORTS_PENDING_DIR", Path(tempfile.gettempdir()) / "portal-imports"))
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _paths(folder: Path, request, token: str) -> tuple[Path, Path]:
    stem = f"{request.user.pk}-{token}"
    return folder / f"{stem}.xlsx", folder / f"{stem}.json"


def _sweep(folder: Path, request) -> None:
    """Drop the user's previous upload and anything abandoned for over a day."""
    previous = (request.session.get(SESSION_KEY) or {}).get("token")
    if previous:
        for path in _paths(folder, request, previous):
            path.unlink(missing_ok=True)
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in folder.iterdir():
        if path.suffix in SUFFIXES and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def keep(request, kind: str, data: bytes, *, planned: dict | None = None, **params) -> str:
    """Store the upload (and what its preview planned) for this user and return its token."""
    folder = _folder()
    _sweep(folder, request)
    token = secrets.token_urlsafe(16)
    upload, plan = _paths(folder, request, token)
    upload.write_bytes(data)
    plan.write_text(json.dumps(planned or {}), encoding="utf-8")
    request.session[SESSION_KEY] = {"token": token, "kind": kind, **params}
    return token


def load(request, kind: str, token: str) -> PendingUpload | None:
    """The stored upload, its parameters and its plan, if ``token`` is this user's latest of this kind."""
    pending = request.session.get(SESSION_KEY) or {}
    if not token or pending.get("token") != token or pending.get("kind") != kind:
        return None
    upload, plan = _paths(_folder(), request, token)
    # Without its plan (an upload kept before plans were recorded) the confirmation could not
    # tell a colleague's change from the file's: treated as expired, the user uploads again.
    if not upload.exists() or not plan.exists():
        return None
    planned = json.loads(plan.read_text(encoding="utf-8"))
    return PendingUpload(data=upload.read_bytes(), params=dict(pending), planned=planned)


def forget(request, token: str) -> None:
    for path in _paths(_folder(), request, token):
        path.unlink(missing_ok=True)
    request.session.pop(SESSION_KEY, None)
