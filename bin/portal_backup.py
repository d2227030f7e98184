"""Back up and restore the portal: the database and the uploaded evidence files, in one tar.

Used by bin/backup and bin/restore (see their --help and docs/operations.md).

The database comes from DATABASE_URL (the same variable the portal reads):
- PostgreSQL: `pg_dump --format=custom` / `pg_restore` (the client tools must be at least
  the server's version);
- SQLite (the embedded run): a consistent copy through sqlite3's online backup API.
The evidence files come from MEDIA_ROOT, found as portal/settings.py finds it
(DJANGO_MEDIA_ROOT, else $PORTAL_VAR_DIR/media, else var/media), or --media-root.

The archive `portal-backup-<UTC time>.tar` holds `manifest.json` (format, database kind,
tool version, the SHA-256 and size of every member), `database.dump` or `database.sqlite3`,
and `media/…`. Standard library only: it runs with any Python 3.11 next to the PostgreSQL
client tools, without the portal's packages or settings.
"""

import argparse
import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
PROGRAM = Path(sys.argv[0]).name
FORMAT = "portal-backup/1"
ARCHIVE_PREFIX = "portal-backup-"


def fail(message: str) -> None:
    print(f"{PROGRAM}: {message}", file=sys.stderr)
    sys.exit(1)


def var_dir() -> Path:
    return Path(os.environ.get("PORTAL_VAR_DIR") or BASE_DIR / "var")


def default_media_root() -> Path:
    """MEDIA_ROOT as portal/settings.py computes it (a test keeps the two in step)."""
    return Path(os.environ.get("DJANGO_MEDIA_ROOT") or var_dir() / "media")


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{var_dir() / 'portal.sqlite3'}"


POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql", "postgis"}


def database_kind(url: str) -> str:
    scheme = urlsplit(url).scheme
    if scheme in POSTGRES_SCHEMES:
        return "postgresql"
    if scheme == "sqlite":
        return "sqlite"
    fail(f"DATABASE_URL has the scheme {scheme!r}; only PostgreSQL and SQLite are supported.")


def sqlite_path(url: str) -> Path:
    """As dj_database_url reads it: sqlite:///relative/path, sqlite:////absolute/path."""
    return Path(unquote(urlsplit(url).path[1:]))


def libpq_target(url: str) -> tuple[str, dict]:
    """A postgresql:// URI without the password, and the environment carrying it.

    The password goes through PGPASSWORD so that it never shows in the process list.
    """
    parts = urlsplit(url)
    env = dict(os.environ)
    if parts.password is not None:
        env["PGPASSWORD"] = unquote(parts.password)
    netloc = parts.hostname or ""
    if ":" in netloc:  # an IPv6 address
        netloc = f"[{netloc}]"
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    return urlunsplit(("postgresql", netloc, parts.path, parts.query, "")), env


def tool_version(name: str) -> str:
    try:
        return subprocess.run([name, "--version"], check=True, capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as error:
        fail(f"{name} is not available ({error}); install the PostgreSQL client of the server's version.")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def dump_postgresql(url: str, target: Path) -> dict:
    uri, env = libpq_target(url)
    version = tool_version("pg_dump")
    # No owner or grants in the dump: the restore makes the restoring role the owner, so a
    # backup of production loads into a drill database or a new server as it is.
    command = ["pg_dump", "--format=custom", "--no-owner", "--no-acl", f"--file={target}", f"--dbname={uri}"]
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        fail(f"pg_dump failed ({result.returncode}): {result.stderr.strip()}")
    return {"kind": "postgresql", "file": "database.dump", "tool": version}


def dump_sqlite(url: str, target: Path) -> dict:
    source_path = sqlite_path(url)
    if not source_path.is_file():
        fail(f"the SQLite database {source_path} does not exist.")
    # The backup API copies a consistent state even while the portal writes.
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)
    finally:
        copy.close()
        source.close()
    return {"kind": "sqlite", "file": "database.sqlite3", "tool": f"sqlite {sqlite3.sqlite_version}"}


def media_files(media_root: Path) -> list[Path]:
    if not media_root.exists():
        return []
    return sorted(p for p in media_root.rglob("*") if p.is_file() and not p.is_symlink())


def prune(output_dir: Path, keep_days: int, keep: Path) -> list[Path]:
    """Delete this directory's complete backups older than keep_days (never the one just written)."""
    cutoff = time.time() - keep_days * 86400
    removed = []
    for old in sorted(output_dir.glob(f"{ARCHIVE_PREFIX}*.tar")):
        if old != keep and old.stat().st_mtime < cutoff:
            old.unlink()
            removed.append(old)
    return removed


def backup_main() -> None:
    parser = argparse.ArgumentParser(
        description="Back up the database of DATABASE_URL and the evidence files into one tar with a manifest."
    )
    parser.add_argument("--output-dir", type=Path, default=Path(os.environ.get("BACKUP_DIR") or var_dir() / "backups"))
    parser.add_argument("--media-root", type=Path, default=None)
    parser.add_argument(
        "--keep-days", type=int, default=int(os.environ.get("BACKUP_KEEP_DAYS") or 0),
        help="after a successful backup, delete this directory's backups older than N days (0: keep all)",
    )  # fmt: skip
    args = parser.parse_args()
    url = database_url()
    kind = database_kind(url)
    media_root = (args.media_root or default_media_root()).resolve()
    os.umask(0o077)  # the dump holds password hashes and personal data
    args.output_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    archive = args.output_dir / f"{ARCHIVE_PREFIX}{stamp}.tar"
    partial = archive.with_name(archive.name + ".partial")

    # The database first, then the files: a report's file is written before its row commits and
    # evidence is never deleted, so every row in the dump has its file in the archive.
    # Written as .partial and renamed when complete: a crashed run never looks like a backup.
    with tempfile.TemporaryDirectory(prefix="portal-backup-", dir=args.output_dir) as work:
        dump_path = Path(work) / ("database.dump" if kind == "postgresql" else "database.sqlite3")
        database = dump_postgresql(url, dump_path) if kind == "postgresql" else dump_sqlite(url, dump_path)
        database.update(sha256=sha256_of(dump_path), size=dump_path.stat().st_size)
        files = [
            {"path": f"media/{path.relative_to(media_root).as_posix()}", "size": path.stat().st_size,
             "sha256": sha256_of(path)}
            for path in media_files(media_root)
        ]  # fmt: skip
        manifest = {
            "format": FORMAT,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "database": database,
            "media_root": str(media_root),
            "files": files,
        }
        manifest_path = Path(work) / "manifest.json"
        manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        with tarfile.open(partial, "w") as tar:
            tar.add(manifest_path, arcname="manifest.json")
            tar.add(dump_path, arcname=database["file"])
            for entry in files:
                tar.add(media_root / entry["path"][len("media/") :], arcname=entry["path"])
    partial.rename(archive)
    total = sum(entry["size"] for entry in files)
    print(f"{archive}: {kind} database ({database['size']} bytes), {len(files)} evidence files ({total} bytes)")
    if args.keep_days > 0:
        for old in prune(args.output_dir, args.keep_days, archive):
            print(f"removed {old} (older than {args.keep_days} days)")


# --- restore -----------------------------------------------------------------


def read_manifest(archive: Path) -> dict:
    try:
        with tarfile.open(archive, "r") as tar:
            member = tar.extractfile("manifest.json")
            manifest = json.load(member)
    except (OSError, KeyError, tarfile.TarError, ValueError) as error:
        fail(f"{archive} is not a portal backup (no readable manifest.json: {error}).")
    if manifest.get("format") != FORMAT:
        fail(f"{archive} has the format {manifest.get('format')!r}; this script reads {FORMAT!r}.")
    return manifest


def extract_verified(archive: Path, manifest: dict, into: Path) -> None:
    """Unpack into a scratch folder and check every member against the manifest before anything is touched."""
    expected = {manifest["database"]["file"]: manifest["database"]}
    expected.update({entry["path"]: entry for entry in manifest["files"]})
    with tarfile.open(archive, "r") as tar:
        names = {m.name for m in tar.getmembers() if m.isfile()} - {"manifest.json"}
        if names != set(expected):
            extra, missing = sorted(names - set(expected)), sorted(set(expected) - names)
            fail(f"{archive} does not match its manifest (not listed: {extra[:5]}, missing: {missing[:5]}).")
        # The "data" filter refuses absolute paths, "..", links out of the folder and devices.
        tar.extractall(into, filter="data")
    for name, entry in expected.items():
        path = into / name
        if path.stat().st_size != entry["size"] or sha256_of(path) != entry["sha256"]:
            fail(f"{name} in {archive} is damaged: its size or SHA-256 differs from the manifest.")


def postgresql_table_count(uri: str, env: dict) -> int:
    query = (
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')"
    )
    result = subprocess.run(
        ["psql", "--no-psqlrc", "-tAc", query, f"--dbname={uri}"], env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        fail(f"cannot connect to the target database: {result.stderr.strip()}")
    return int(result.stdout.strip())


def refuse_postgresql_target(url: str, replace: bool) -> None:
    uri, env = libpq_target(url)
    tool_version("pg_restore")
    tables = postgresql_table_count(uri, env)
    if tables and not replace:
        fail(
            f"the target database already has {tables} tables. Restore into an empty database "
            "(createdb), or pass --replace to drop and recreate the portal's objects in it."
        )


def restore_postgresql(url: str, dump: Path, replace: bool) -> None:
    uri, env = libpq_target(url)
    # One transaction: a restore that fails half-way leaves the database as it was.
    command = ["pg_restore", "--no-owner", "--no-acl", "--single-transaction", "--exit-on-error"]
    if replace:
        command += ["--clean", "--if-exists"]
    result = subprocess.run([*command, f"--dbname={uri}", str(dump)], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        fail(f"pg_restore failed ({result.returncode}); the database was not changed: {result.stderr.strip()}")


def refuse_sqlite_target(url: str, replace: bool) -> None:
    target_path = sqlite_path(url)
    if target_path.exists() and target_path.stat().st_size and not replace:
        fail(f"{target_path} already exists. Restore to a new path, or pass --replace to overwrite it.")


def restore_sqlite(url: str, copy: Path) -> None:
    target_path = sqlite_path(url)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    target = sqlite3.connect(target_path)
    try:
        with target:
            source.backup(target)  # replaces every page of the target, in one step
    finally:
        target.close()
        source.close()


def refuse_media_target(media_root: Path, replace: bool) -> None:
    existing = media_files(media_root)
    if existing and not replace:
        fail(
            f"{media_root} already holds {len(existing)} files. Restore into an empty folder, or pass "
            "--replace to write the archive's files over it (files not in the archive are kept)."
        )


def restore_media(scratch_media: Path, media_root: Path, files: list[dict]) -> None:
    """Move the checked files into place: the scratch folder is beside MEDIA_ROOT, so a rename, not a copy."""
    for entry in files:
        relative = entry["path"][len("media/") :]
        target = media_root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(scratch_media / relative, target)


def restore_main() -> None:
    parser = argparse.ArgumentParser(
        description="Restore a bin/backup archive into the database of DATABASE_URL and the evidence folder."
    )
    parser.add_argument("archive", type=Path)
    parser.add_argument("--media-root", type=Path, default=None)
    parser.add_argument(
        "--replace", action="store_true",
        help="restore over a database and evidence folder that are not empty (default: refuse)",
    )  # fmt: skip
    args = parser.parse_args()
    url = database_url()
    kind = database_kind(url)
    media_root = (args.media_root or default_media_root()).resolve()
    manifest = read_manifest(args.archive)
    if manifest["database"]["kind"] != kind:
        fail(f"the archive holds a {manifest['database']['kind']} database but DATABASE_URL is {kind}.")
    # Every refusal comes before the first write.
    if kind == "postgresql":
        refuse_postgresql_target(url, args.replace)
    else:
        refuse_sqlite_target(url, args.replace)
    refuse_media_target(media_root, args.replace)
    os.umask(0o077)
    scratch_parent = media_root.parent
    scratch_parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="portal-restore-", dir=scratch_parent) as work:
        scratch = Path(work)
        extract_verified(args.archive, manifest, scratch)
        # The files first: a database restored without its files would point at missing evidence.
        restore_media(scratch / "media", media_root, manifest["files"])
        dump = scratch / manifest["database"]["file"]
        if kind == "postgresql":
            restore_postgresql(url, dump, args.replace)
        else:
            restore_sqlite(url, dump)
    print(
        f"restored {args.archive} (made {manifest['created_at']}): {kind} database, "
        f"{len(manifest['files'])} evidence files into {media_root}. "
        "Next: `python manage.py migrate` if the code is newer than the backup, then `recompute_progress`."
    )
