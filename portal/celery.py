"""The Celery application. Job modules are named ``jobs.py`` in each app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
# "task" in this code base means a Đề án 06 task, so job modules are jobs.py.
app.autodiscover_tasks(related_name="jobs")
