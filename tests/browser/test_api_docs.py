"""The interactive API docs (/api/v1/docs) render from this server alone: Swagger UI comes from ninja's
bundled static files, so the page works on a province network without Internet access."""

from __future__ import annotations

import os
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_render_without_any_other_site(page: Page, site: str, tmp_path: Any) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))

    response = page.goto(f"{site}/api/v1/docs")
    assert response is not None and response.status == 200
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("motcua API")
    # The operations come from /api/v1/openapi.json, grouped by tag.
    expect(page.locator(".opblock-tag-section").first).to_be_visible()
    expect(page.get_by_text("Start an online application (draft)")).to_be_attached()
    page.locator(".opblock-summary-path", has_text="/api/v1/procedures").first.click()
    expect(page.locator(".opblock-body").first).to_be_visible()

    foreign = [url for url in requested if not url.startswith(site) and not url.startswith("data:")]
    assert foreign == [], foreign
    assert failed == [], failed
    assert any(url.endswith("/api/v1/openapi.json") for url in requested)
    page.screenshot(
        path=os.environ.get("MOTCUA_SHOT_API_DOCS", str(tmp_path / "api-docs.png")), full_page=False
    )
