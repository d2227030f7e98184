"""The README's curl call is one a client can make: same header, same URL, a 200 with the communes of the unit."""

import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings


def readme_curl() -> list[str]:
    text = Path(settings.BASE_DIR, "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(curl .*?)\n```", text, re.DOTALL).group(1)
    return shlex.split(block.replace("\\\n", " "))


def test_the_readme_curl_call_answers_with_a_token(client, data, tokens):
    args = readme_curl()
    header = args[args.index("-H") + 1]
    name, value = header.split(": ", 1)
    assert name == "Authorization" and value.startswith("Bearer p06_")
    url = urlsplit(args[-1])
    response = client.get(f"{url.path}?{url.query}", HTTP_AUTHORIZATION=f"Bearer {tokens.hanoi_secret}")
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert {row["unit"] for row in rows} == {"00070", "00004"}  # Hà Nội's communes with tasks
    assert all(row["level"] == 3 and row["date"] == "2026-11-28" for row in rows)
