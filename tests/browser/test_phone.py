"""Phone width (375×812): no sideways scrolling, navigation reachable and usable with a finger."""

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def phone(browser: Browser, browser_context_args: dict):
    context = browser.new_context(
        **{**browser_context_args, "viewport": PHONE, "is_mobile": True, "has_touch": True}
    )
    page = context.new_page()
    yield page
    context.close()


def assert_no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth})"
    )
    assert widths["scroll"] <= widths["client"], f"page scrolls sideways at phone width: {widths}"


def assert_nav_items_inside_viewport(page: Page) -> None:
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    expect(nav).to_be_visible()
    for item in nav.locator("a, button").all():
        expect(item).to_be_visible()
        box = item.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"{item.inner_text()} off screen"


def test_home_at_phone_width(phone: Page, site: str):
    phone.goto(site + "/")
    assert_no_horizontal_scroll(phone)
    assert_nav_items_inside_viewport(phone)
    # The demo accounts table may scroll inside its own box, never the page.
    expect(phone.get_by_role("region", name="Tài khoản dùng thử")).to_be_visible()

    phone.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Đăng nhập").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Đăng nhập")
    assert_no_horizontal_scroll(phone)


def test_staff_dashboard_at_phone_width(phone: Page, site: str, login):
    login(phone, "motcua.tinh", next_path="/can-bo/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Bàn làm việc")
    assert_no_horizontal_scroll(phone)
    assert_nav_items_inside_viewport(phone)
