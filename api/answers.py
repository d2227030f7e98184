"""Rendered API answers kept between calls, and the validators (ETag, Last-Modified) of an answer.

The nightly pull of every commune's snapshot for a date is 3,321 rows, about 1.1 MB of JSON:
serializing it is most of a call's cost, compressing it (a client that sends
``Accept-Encoding: gzip``, as python-requests and ``curl --compressed`` do) about as much again,
and hashing it for the ETag a few milliseconds more. Snapshots change only with a recompute,
which bumps ``dashboards.services``' generation, so the answer is rendered, hashed and
compressed once per generation and kept in the shared cache (Redis in production) with its
validators; a later call costs one cache round trip for the generation and the answer together.
"""

import datetime
import gzip
import hashlib
import re
from dataclasses import dataclass, replace

from django.core.cache import cache
from django.utils.cache import patch_vary_headers

from dashboards.services import GENERATION_KEY

# Bounds how long a kept answer outlives a change that bumps no generation (a programme moved to
# another unit); a recompute replaces it at once.
KEPT_SECONDS = 600
# Changes with what is kept, so that a deploy never reads an older entry.
KEPT_FORMAT = "answer-3"
# Django's GZipMiddleware's test of the header.
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
# Level 6 (zlib's default) makes the commune list about 10× smaller; it runs once per generation.
GZIP_LEVEL = 6


@dataclass(frozen=True)
class Answer:
    """A rendered 200 answer with its validators.

    A kept answer holds only its compressed form (``gzipped``; ``body`` None): that is what the
    cache sends on every call, 41 KB instead of 1.1 MB for the commune list; a client that does
    not take gzip gets it decompressed, which costs less than reading the full body from Redis.
    """

    etag: str
    last_modified: int | None
    body: bytes | None = None
    gzipped: bytes | None = None
    generation: str | None = None

    @classmethod
    def of(cls, body: bytes, last_modified: datetime.datetime | None) -> "Answer":
        """The answer ``body`` with the ETag of its content."""
        return cls(
            etag=f'"{hashlib.sha256(body).hexdigest()[:32]}"',
            last_modified=int(last_modified.timestamp()) if last_modified is not None else None,
            body=body,
        )

    def to_keep(self, generation: str) -> "Answer":
        """This answer as kept for ``generation``: compressed once, without its plain body."""
        # mtime=0: the same body always compresses to the same bytes.
        gzipped = gzip.compress(self.body, compresslevel=GZIP_LEVEL, mtime=0)
        return replace(self, body=None, gzipped=gzipped, generation=generation)

    def apply(self, request, response) -> str:
        """Put the body on ``response``, compressed if it is kept so and the client takes gzip; return its ETag.

        A compressed body carries the weak form of the ETag, as Django's GZipMiddleware would give
        it (the middleware leaves a body that has a Content-Encoding alone). No secret is in
        these bodies (the token travels in a header), so they need not the middleware's random
        padding against BREACH.
        """
        if self.gzipped is None:
            if self.body is not None:
                response.content = self.body
            return self.etag
        patch_vary_headers(response, ("Accept-Encoding",))
        if not ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            response.content = gzip.decompress(self.gzipped)
            return self.etag
        response.content = self.gzipped
        response["Content-Encoding"] = "gzip"
        return "W/" + self.etag


def kept_answer_key(*parts) -> str:
    return "api-answer:" + hashlib.sha256(repr([KEPT_FORMAT, *parts]).encode()).hexdigest()


def kept_answer(key: str) -> tuple[str | None, Answer | None]:
    """The current snapshot generation, and the answer kept under ``key`` if it is of that generation.

    One round trip: the generation and the answer are read together.
    """
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    answer = found.get(key)
    if generation is None or not isinstance(answer, Answer) or answer.generation != generation:
        return generation, None
    return generation, answer


def keep_answer(key: str, answer: Answer) -> None:
    cache.set(key, answer, KEPT_SECONDS)
