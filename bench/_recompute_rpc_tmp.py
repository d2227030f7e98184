import os, time, datetime
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
import django; django.setup()
import logging; logging.disable(logging.INFO)
from django.db import connection
from dashboards.services import recompute_run
from bench import dataset
for rpc in (4, 1.1, 4, 1.1):
    with connection.cursor() as cur: cur.execute(f"SET random_page_cost = {rpc}")
    t=time.perf_counter(); run = recompute_run(as_of=dataset.AS_OF, triggered_by="bench rpc"); dt=time.perf_counter()-t
    print(f"random_page_cost={rpc}: {dt:.2f} s, {run.outcome}, rows {run.rows_written}", flush=True)
