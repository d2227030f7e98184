"""The Vietnamese documentation page: Swagger UI from local static files, allowed by the site's CSP."""

import re

from django.contrib.staticfiles import finders


def test_docs_page_is_in_vietnamese_and_points_at_the_schema(client, db):
    response = client.get("/api/v1/tai-lieu/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Tài liệu API" in body and "Authorization: Bearer" in body
    assert 'data-schema-url="/api/v1/schema/"' in body


def test_docs_page_scripts_are_local_files_that_exist(client, db):
    body = client.get("/api/v1/tai-lieu/").content.decode()
    sources = re.findall(r'<script[^>]*src="([^"]+)"', body)
    assert any("swagger-ui-bundle.js" in src for src in sources)
    for src in sources:
        assert src.startswith("/static/"), src  # no CDN
        assert finders.find(src.removeprefix("/static/")), src


def test_docs_page_has_no_inline_script_so_the_csp_needs_no_exception(client, db):
    response = client.get("/api/v1/tai-lieu/")
    body = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_schema_is_public_and_json_on_request(client, db):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    assert response.json()["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
