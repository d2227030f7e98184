"""The web process recycles its workers at staggered times and has a documented timeout."""

import shutil
import subprocess
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[2] / "bin" / "web"


def gunicorn_command(env: dict) -> list[str]:
    """The command bin/web would exec, read by running it with gunicorn replaced by `echo`."""
    fake = Path(env["TMP"]) / "gunicorn"
    fake.write_text('#!/bin/sh\necho "$@"\n')
    fake.chmod(0o755)
    path = f"{env['TMP']}:/usr/bin:/bin"
    done = subprocess.run([shutil.which("bash"), str(WEB)], env={"PATH": path, **env}, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, {"--max-requests": "1000", "--max-requests-jitter": "100", "--timeout": "60"}),
        ({"WEB_MAX_REQUESTS": "500", "WEB_MAX_REQUESTS_JITTER": "50", "WEB_TIMEOUT": "30"},
         {"--max-requests": "500", "--max-requests-jitter": "50", "--timeout": "30"}),
    ],
)  # fmt: skip
def test_workers_are_recycled_with_jitter_and_timed_out(tmp_path, env, expected):
    args = gunicorn_command({"TMP": str(tmp_path), **env})
    assert {flag: args[args.index(flag) + 1] for flag in expected} == expected


def test_the_timeout_and_recycling_are_documented():
    operations = (WEB.parents[1] / "docs" / "operations.md").read_text()
    assert "WEB_TIMEOUT" in operations and "WEB_MAX_REQUESTS_JITTER" in operations
    assert "client_max_body_size" in operations
