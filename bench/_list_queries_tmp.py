import os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
import django; django.setup()
import logging; logging.getLogger("portal.access").setLevel(logging.WARNING)
from django.test import Client
from django.core.cache import cache
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
settings.ALLOWED_HOSTS=["*"]
from portal.models import User
from django_otp.plugins.otp_totp.models import TOTPDevice
u=User.objects.get(username=sys.argv[1]); url=sys.argv[2]
c=Client(); c.force_login(u)
device,_=TOTPDevice.objects.get_or_create(user=u,name="prof",defaults={"confirmed":True})
s=c.session; s["otp_device_id"]=device.persistent_id; s.save()
c.get(url, secure=True); cache.clear()
with CaptureQueriesContext(connection) as q:
    c.get(url, secure=True)
for x in q.captured_queries:
    print(f"{float(x['time'])*1000:5.1f}  {x['sql'][:150]}")
