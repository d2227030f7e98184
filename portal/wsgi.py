"""WSGI entry point for gunicorn."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

application = get_wsgi_application()

# What loading the portal created (modules, models, URL patterns, compiled templates) lives as long as
# the worker: moved out of the collector's generations, a full collection during a request scans only
# what requests created. Without it, one dashboard request in ten paid a collection of everything
# (Hà Nội's page from scratch: p95 118-180 ms against a median of 80; docs/benchmarks.md, issue 15).
gc.freeze()
