"""Run a manage.py command in this process and print its peak resident memory (MB) last (Linux).

`python -m bench.peak_rss recompute_progress --date 2026-11-28` measures the recompute as a
worker runs it: one Python process with Django loaded.
"""

import os
import sys
from pathlib import Path

from django.core.management import execute_from_command_line

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    execute_from_command_line(["manage.py", *sys.argv[1:]])
    # VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over from the parent at fork,
    # so a child of the (large) benchmark process would report the parent's size.
    status = Path("/proc/self/status").read_text()
    peak_kb = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))
    print(f"PEAK_RSS_MB {peak_kb / 1024:.1f}")
