"""bin/backup and bin/restore: SQLite round trip, refusals, damaged archives, retention.

The PostgreSQL round trip (demo data, every table's checksum) is .ci/backup_drill.sh.
"""

import importlib.util
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_module():
    spec = importlib.util.spec_from_file_location("portal_backup", ROOT / "bin" / "portal_backup.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(script: str, *args, env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_MEDIA_ROOT", "PORTAL_VAR_DIR"}}
    return subprocess.run(
        [sys.executable, str(ROOT / "bin" / script), *args], env={**clean, **env}, capture_output=True, text=True
    )


@pytest.fixture
def site(tmp_path):
    """A SQLite database with rows and an evidence folder with files, as the embedded run has them."""
    database = tmp_path / "portal.sqlite3"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE report (id INTEGER PRIMARY KEY, note TEXT)")
        connection.executemany("INSERT INTO report (note) VALUES (?)", [("Biên bản số 1",), ("Hoàn thành",)])
    connection.close()
    media = tmp_path / "media"
    (media / "nhiem-vu" / "minh-chung" / "2026" / "12").mkdir(parents=True)
    (media / "nhiem-vu" / "minh-chung" / "2026" / "12" / "a.pdf").write_bytes(b"%PDF-1.4 " + bytes(range(256)))
    (media / "top.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    env = {"DATABASE_URL": f"sqlite:///{database}", "DJANGO_MEDIA_ROOT": str(media)}
    return database, media, env


def backup(tmp_path, env) -> Path:
    result = run("backup", "--output-dir", str(tmp_path / "backups"), env=env)
    assert result.returncode == 0, result.stderr
    (archive,) = (tmp_path / "backups").glob("portal-backup-*.tar")
    return archive


def rows(database: Path) -> list:
    connection = sqlite3.connect(database)
    try:
        return connection.execute("SELECT id, note FROM report ORDER BY id").fetchall()
    finally:
        connection.close()


def tree(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_sqlite_backup_restores_the_same_rows_and_files(tmp_path, site):
    database, media, env = site
    archive = backup(tmp_path, env)
    target = tmp_path / "restored" / "portal.sqlite3"
    result = run(
        "restore", str(archive), "--media-root", str(tmp_path / "restored-media"),
        env={"DATABASE_URL": f"sqlite:///{target}"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert rows(target) == rows(database) == [(1, "Biên bản số 1"), (2, "Hoàn thành")]
    assert tree(tmp_path / "restored-media") == tree(media) and len(tree(media)) == 2


def test_archive_manifest_lists_every_file_with_its_checksum(tmp_path, site):
    _database, _media, env = site
    with tarfile.open(backup(tmp_path, env)) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        members = {m.name for m in tar.getmembers()}
    assert manifest["database"]["kind"] == "sqlite"
    assert {f["path"] for f in manifest["files"]} == {"media/top.png", "media/nhiem-vu/minh-chung/2026/12/a.pdf"}
    assert members == {"manifest.json", "database.sqlite3", *(f["path"] for f in manifest["files"])}
    assert all(len(f["sha256"]) == 64 for f in manifest["files"])


def test_archive_is_readable_only_by_its_owner(tmp_path, site):
    """The dump holds password hashes."""
    assert backup(tmp_path, site[2]).stat().st_mode & 0o077 == 0


def test_restore_refuses_a_damaged_archive_and_touches_nothing(tmp_path, site):
    _database, _media, env = site
    archive = backup(tmp_path, env)
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as copy:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "media/top.png":
                data = data[:-1] + b"X"
            copy.addfile(member, io.BytesIO(data))
    target = tmp_path / "restored.sqlite3"
    result = run(
        "restore", str(damaged), "--media-root", str(tmp_path / "restored-media"),
        env={"DATABASE_URL": f"sqlite:///{target}"},
    )  # fmt: skip
    assert result.returncode == 1
    assert "media/top.png" in result.stderr and "damaged" in result.stderr
    assert not target.exists() and not (tmp_path / "restored-media").exists()


def test_restore_refuses_a_database_that_is_not_empty(tmp_path, site):
    _database, _media, env = site
    archive = backup(tmp_path, env)
    result = run("restore", str(archive), "--media-root", str(tmp_path / "new-media"), env=env)
    assert result.returncode == 1 and "--replace" in result.stderr
    assert not (tmp_path / "new-media").exists()


def test_restore_refuses_an_evidence_folder_that_is_not_empty(tmp_path, site):
    _database, media, env = site
    archive = backup(tmp_path, env)
    result = run(
        "restore", str(archive), "--media-root", str(media),
        env={"DATABASE_URL": f"sqlite:///{tmp_path / 'new.sqlite3'}"},
    )  # fmt: skip
    assert result.returncode == 1 and "already holds 2 files" in result.stderr
    assert not (tmp_path / "new.sqlite3").exists()


def test_restore_with_replace_overwrites_the_database(tmp_path, site):
    database, _media, env = site
    archive = backup(tmp_path, env)
    with sqlite3.connect(database) as connection:
        connection.execute("DELETE FROM report")
    connection.close()
    result = run("restore", str(archive), "--replace", env=env)
    assert result.returncode == 0, result.stderr
    assert len(rows(database)) == 2


def test_restore_refuses_a_backup_of_another_database_kind(tmp_path, site):
    archive = backup(tmp_path, site[2])
    result = run("restore", str(archive), env={"DATABASE_URL": "postgres://u:p@127.0.0.1:1/none"})
    assert result.returncode == 1 and "sqlite database but DATABASE_URL is postgresql" in result.stderr


def test_backup_refuses_an_unsupported_database(tmp_path):
    result = run("backup", "--output-dir", str(tmp_path), env={"DATABASE_URL": "mysql://u:p@localhost/portal"})
    assert result.returncode == 1 and "only PostgreSQL and SQLite" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_keep_days_removes_only_older_backups(tmp_path, site):
    out = tmp_path / "backups"
    out.mkdir()
    old, recent = out / "portal-backup-20200101T000000Z.tar", out / "portal-backup-20261201T000000Z.tar"
    other = out / "notes.tar"
    for path in (old, recent, other):
        path.write_bytes(b"x")
    month_ago = time.time() - 31 * 86400
    os.utime(old, (month_ago, month_ago))
    os.utime(other, (month_ago, month_ago))
    result = run("backup", "--output-dir", str(out), "--keep-days", "30", env=site[2])
    assert result.returncode == 0, result.stderr
    assert not old.exists() and recent.exists() and other.exists()
    assert len(list(out.glob("portal-backup-*.tar"))) == 2


def test_postgres_password_stays_out_of_the_command_line():
    uri, env = load_module().libpq_target("postgres://portal:s%40cret@db.example:5433/portal?sslmode=require")
    assert uri == "postgresql://portal@db.example:5433/portal?sslmode=require"
    assert env["PGPASSWORD"] == "s@cret"


@pytest.mark.parametrize(
    "environ",
    [{}, {"PORTAL_VAR_DIR": "/srv/portal/var"}, {"DJANGO_MEDIA_ROOT": "/srv/media", "PORTAL_VAR_DIR": "/srv/var"}],
)
def test_media_root_is_found_as_the_settings_find_it(environ):
    """The scripts do not import the settings (no secret key needed), so they must agree with them."""
    code = "import portal.settings as s; print(s.MEDIA_ROOT)"
    base = {k: v for k, v in os.environ.items() if k not in {"DJANGO_MEDIA_ROOT", "PORTAL_VAR_DIR"}}
    env = {**base, **environ, "DJANGO_DEBUG": "1"}
    from_settings = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    code = "import sys; sys.path.insert(0, 'bin'); import portal_backup as b; print(b.default_media_root())"
    from_script = subprocess.run(
        [sys.executable, "-B", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert from_script == from_settings


def test_ci_runs_the_backup_drill_after_the_tests():
    run_script = (ROOT / ".ci" / "run").read_text()
    assert run_script.index("make test") < run_script.index("bash .ci/backup_drill.sh")
    drill = (ROOT / ".ci" / "backup_drill.sh").read_text()
    assert "bin/backup" in drill and "bin/restore" in drill and "drill_" in drill
