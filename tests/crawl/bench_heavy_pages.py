"""Measure the pages issue 11 found slow, as the national admin on the demo data (not a test).

Run: .venv/bin/python -m pytest tests/crawl/bench_heavy_pages.py -q -s -p no:cacheprovider
Prints, per page, the best of three render times and the response size.
"""

import time

from django.test import Client

from pccc.models import CriteriaSet
from portal.demo import DEMO_PASSWORD
from tasks.models import Task


def _best_of_three(client, url):
    times = []
    for _attempt in range(3):
        began = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - began)
    return response, min(times)


def test_measure(demo_site, db):
    client = Client()
    assert client.post("/dang-nhap/", {"username": "quantri", "password": DEMO_PASSWORD}).status_code == 302
    task = Task.objects.order_by("pk").first()
    criteria_set = CriteriaSet.objects.order_by("pk").first()
    urls = [
        "/nhiem-vu/tao-moi/",
        f"/nhiem-vu/{task.pk}/sua/",
        "/nhiem-vu/sao-chep/",
        "/xuat-nhap/nhap-nhiem-vu/",
        "/xuat-nhap/",
        f"/admin/pccc/criteriaset/{criteria_set.pk}/delete/",
    ]
    print()
    for url in urls:
        response, seconds = _best_of_three(client, url)
        print(f"{response.status_code} {seconds:6.3f} s {len(response.content) / 1024:7.1f} KB  {url}")
