"""The API documentation page in a real browser: Swagger UI draws the schema under the site's CSP."""

import pytest


@pytest.mark.django_db(transaction=True)
def test_swagger_ui_renders_the_schema_without_csp_violations(live_server, page):
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{live_server.url}/api/v1/tai-lieu/")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "API đọc dữ liệu" in page.inner_text(".swagger-ui .info .title")
    assert page.locator(".opblock-summary-path").count() == 12  # every endpoint is listed
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
