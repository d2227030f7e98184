"""The WSGI entry gunicorn loads."""

import subprocess
import sys


def test_loading_the_wsgi_application_freezes_what_loading_created():
    """portal/wsgi.py moves the objects of start-up out of the collector's reach (gc.freeze), so that a
    full collection during a request does not scan the whole loaded portal again."""
    probe = "import gc, portal.wsgi; print(gc.get_freeze_count())"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    assert int(result.stdout.strip().splitlines()[-1]) > 10_000
