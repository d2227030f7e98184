import os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
import django; django.setup()
from django.test import Client
from django.core.cache import cache
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
settings.ALLOWED_HOSTS=["*"]
import logging; logging.getLogger("portal.access").setLevel(logging.WARNING)
from portal.models import User
from django_otp.plugins.otp_totp.models import TOTPDevice
u=User.objects.get(username=sys.argv[1]); url=sys.argv[2]
c=Client(); c.force_login(u)
device,_=TOTPDevice.objects.get_or_create(user=u,name="prof",defaults={"confirmed":True})
s=c.session; s["otp_device_id"]=device.persistent_id; s.save()
for rpc in (4, 1.1, 4, 1.1):
    with connection.cursor() as cur: cur.execute(f"SET random_page_cost = {rpc}")
    totals = []
    for i in range(7):
        cache.clear()
        with CaptureQueriesContext(connection) as q:
            t=time.perf_counter(); r=c.get(url, secure=True); dt=time.perf_counter()-t
        totals.append((dt*1000, sum(float(x['time']) for x in q.captured_queries)*1000))
    totals.sort()
    print(f"random_page_cost={rpc}: median wall {totals[3][0]:.0f} ms, sql {sorted(t[1] for t in totals)[3]:.0f} ms; top:", ", ".join(f"{float(x['time'])*1000:.0f}" for x in sorted(q.captured_queries, key=lambda x: -float(x['time']))[:5]))
