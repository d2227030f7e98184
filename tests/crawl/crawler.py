"""A bounded, GET-only crawler over the Django test client: follows every same-site link of a page.

So that every kind of page is visited without walking all 3,321 communes, pages are sampled per URL
pattern: at most ``per_pattern`` pages for each (route, query parameter names), breadth first.
"""

import time
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

from django.core.cache import cache
from django.urls import Resolver404, resolve

# Never followed: they change the session (logout, language) or are files served by whitenoise.
# Admin delete confirmations are visited (GET only: the crawl never confirms a deletion).
# The meeting report's PDF (linked from the dashboard) is a download that takes seconds to render,
# not a page: tests/exports check it.
SKIPPED_PREFIXES = ("/dang-xuat/", "/i18n/", "/admin/logout/", "/static/", "/media/", "/xuat-nhap/bao-cao/pdf/")


class _LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def same_site_links(base_url: str, html: str) -> list[str]:
    """Paths (with query) of the page's links to this site; fragments dropped."""
    parser = _LinkParser()
    parser.feed(html)
    links = []
    for href in parser.hrefs:
        if href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        parts = urlsplit(urljoin(base_url, href))
        if parts.scheme not in ("http", "https", "") or parts.netloc not in ("", "testserver"):
            continue
        links.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return links


def pattern_key(url: str) -> tuple[str, tuple[str, ...]] | None:
    """(route, sorted query parameter names) of a URL, or None when no view answers it."""
    parts = urlsplit(url)
    try:
        route = resolve(parts.path).route
    except Resolver404:
        route = "<no route>"
    if route.startswith("admin/"):
        # Django's own admin: every filter and sort of a list is the same kind of page.
        return route, ()
    names = {name for name, _value in parse_qsl(parts.query, keep_blank_values=True)}
    return route, tuple(sorted(names))


@dataclass
class Visit:
    url: str
    status: int
    seconds: float
    referrer: str


@dataclass
class CrawlResult:
    visits: list[Visit] = field(default_factory=list)
    skipped: set[str] = field(default_factory=set)
    patterns_left_out: dict = field(default_factory=dict)

    def errors(self) -> list[Visit]:
        return [v for v in self.visits if v.status >= 500]

    def slowest(self, n: int = 5) -> list[Visit]:
        return sorted(self.visits, key=lambda v: v.seconds, reverse=True)[:n]


def _timed_get(client, url: str):
    began = time.perf_counter()
    response = client.get(url)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    return response, time.perf_counter() - began


def crawl(
    client, start: str, *, max_pages: int, per_pattern: int, slow_seconds: float = 1.0, retries_when_slow: int = 2
) -> CrawlResult:
    """GET ``start`` and, breadth first, every same-site link reachable from it (redirects included)."""
    result = CrawlResult()
    seen = {start}
    taken: dict = {}
    queue = deque([(start, "")])
    while queue and len(result.visits) < max_pages:
        url, referrer = queue.popleft()
        response, seconds = _timed_get(client, url)
        if seconds > slow_seconds:
            # Eight people share this machine's two cores: a page is slow only if it is slow again,
            # from a cold cache each time, so a busy neighbour does not fail the build.
            for _attempt in range(retries_when_slow):
                cache.clear()
                seconds = min(seconds, _timed_get(client, url)[1])
        result.visits.append(Visit(url, response.status_code, seconds, referrer))
        if response.status_code in (301, 302, 303, 307, 308):
            links = [response["Location"]]
        elif response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            links = same_site_links("http://testserver" + url, response.content.decode())
        else:
            links = []
        for link in links:
            parts = urlsplit(link)
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            if link in seen:
                continue
            seen.add(link)
            if link.startswith(SKIPPED_PREFIXES):
                result.skipped.add(link)
                continue
            key = pattern_key(link)
            if taken.get(key, 0) >= per_pattern:
                result.patterns_left_out[key] = result.patterns_left_out.get(key, 0) + 1
                continue
            taken[key] = taken.get(key, 0) + 1
            queue.append((link, url))
    return result
