"""Run a manage.py command in this process and print its peak resident memory (MB) last.

`python -m bench.peak_rss recompute_progress --date 2026-11-28` measures the recompute as a
worker runs it: one Python process with Django loaded.
"""

import os
import resource
import sys

from django.core.management import execute_from_command_line

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    execute_from_command_line(["manage.py", *sys.argv[1:]])
    print(f"PEAK_RSS_MB {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}")
