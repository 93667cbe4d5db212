"""The pages keep their look and behaviour under the Content-Security-Policy: the browser reports no refused
script or style on the main citizen and staff pages, and the print buttons still print."""

import pytest
from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CITIZEN = "038195001234"
STAFF = "motcua.tinh"
LEADER = "lanhdao.tnmt"
PUBLIC_PAGES = [
    "/",
    "/thu-tuc/",
    "/thu-tuc/1.013831/",
    "/tra-cuu-ho-so/",
    "/danh-gia-chat-luong/",
    "/api/v1/docs",
]
STAFF_PAGES = ["/can-bo/", "/can-bo/ho-so/", "/can-bo/chi-so/", "/can-bo/ke-hoach/"]
LEADER_PAGES = ["/can-bo/", "/can-bo/canh-bao/", "/can-bo/chi-so/"]


def watch(page: Page) -> list[str]:
    refused: list[str] = []
    page.on(
        "console",
        lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.on("pageerror", lambda exc: refused.append(f"page error: {exc}"))
    return refused


def visit(page: Page, site: str, paths: list[str]) -> None:
    for path in paths:
        response = page.goto(site + path)
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("load")


def test_public_and_citizen_pages_refuse_nothing(page: Page, site: str, login):
    refused = watch(page)
    visit(page, site, PUBLIC_PAGES)
    login(page, CITIZEN)
    page.wait_for_url(f"{site}/**")
    visit(page, site, ["/ho-so-cua-toi/", "/kho-du-lieu/", "/thong-bao/"])
    assert refused == []


@pytest.mark.parametrize(("username", "paths"), [(STAFF, STAFF_PAGES), (LEADER, LEADER_PAGES)])
def test_staff_pages_refuse_nothing(page: Page, site: str, login, username: str, paths: list[str]):
    refused = watch(page)
    login(page, username, next_path="/can-bo/")
    page.wait_for_url(f"{site}/can-bo/")
    visit(page, site, paths)
    assert refused == []


def test_print_button_prints_without_inline_handler(page: Page, site: str):
    page.add_init_script("window.__printed = 0; window.print = () => { window.__printed += 1; };")
    page.goto(site + "/thu-tuc/1.013831/")
    page.locator("[data-print]").first.click()
    assert page.evaluate("window.__printed") == 1
