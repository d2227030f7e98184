"""CI runs `make test` only: this test holds the code to ruff's complexity limits (pyproject.toml) there too."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _ruff() -> str | None:
    beside_python = Path(sys.executable).with_name("ruff")
    return str(beside_python) if beside_python.exists() else shutil.which("ruff")


@pytest.mark.skipif(_ruff() is None, reason="ruff is not installed (requirements-dev.txt)")
def test_no_function_is_over_the_complexity_limits():
    """mccabe (C90), too many branches (PLR0912), too many statements (PLR0915), with the limits of pyproject.toml."""
    result = subprocess.run(
        [_ruff(), "check", "--select", "C90,PLR0912,PLR0915", "--output-format", "concise", "--no-cache", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
