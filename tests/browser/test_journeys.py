"""Real journeys through the pages in headless Chromium: home, sign-in, staff shell, errors, language."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAFF_ONE_STOP = "motcua.tinh"
CITIZEN = "038195001234"
INVALID_LOGIN = "Thông tin đăng nhập hoặc mật khẩu không đúng."
LOCKED = "Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần."


def test_home_shows_vietnamese_title_and_demo_accounts(page: Page, site: str):
    page.goto(site + "/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page).to_have_title(re.compile("Thanh Hóa"))
    expect(page.locator(".brand-name")).to_have_text("Hệ thống thông tin giải quyết thủ tục hành chính")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Một cửa")

    demo = page.get_by_role("region", name="Tài khoản dùng thử")
    expect(demo).to_contain_text("motcua-demo-2026")
    for username in (CITIZEN, STAFF_ONE_STOP, "quantri.tinh"):
        expect(demo.get_by_role("cell", name=username, exact=True)).to_be_visible()


def test_staff_signs_in_and_reaches_dashboard_with_role_and_unit(page: Page, site: str, login):
    # Anonymous: the staff shell sends them to the login form, and back after signing in.
    page.goto(site + "/can-bo/")
    expect(page).to_have_url(re.compile(r"/tai-khoan/dang-nhap/\?next=/can-bo/"))
    page.get_by_label("Số định danh, mã số thuế hoặc tên đăng nhập").fill(STAFF_ONE_STOP)
    page.get_by_label("Mật khẩu").fill("motcua-demo-2026")
    page.get_by_role("main").get_by_role("button", name="Đăng nhập").click()

    expect(page).to_have_url(site + "/can-bo/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bàn làm việc")
    expect(page.get_by_text("Xin chào Trần Thu Trang.")).to_be_visible()
    roles = page.locator(".roles")
    expect(roles).to_contain_text("Cán bộ một cửa")
    expect(roles).to_contain_text("Trung tâm Phục vụ hành chính công tỉnh Thanh Hóa")
    expect(roles).to_contain_text("H56.40")
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    expect(nav.get_by_role("link", name="Làm việc", exact=True)).to_be_visible()
    expect(nav.get_by_role("button", name="Đăng xuất")).to_be_visible()

    nav.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(site + "/")
    expect(nav.get_by_role("link", name="Đăng nhập")).to_be_visible()


def test_citizen_opening_staff_shell_gets_vietnamese_403(page: Page, site: str, login):
    login(page, CITIZEN)
    expect(page).to_have_url(site + "/")
    expect(page.locator(".nav-user")).to_have_text("Lê Thị Hoa")
    # Citizens get no link to the staff shell ...
    expect(page.get_by_role("link", name="Làm việc", exact=True)).to_have_count(0)

    # ... and typing its address gives the Vietnamese 403 page inside the normal site shell.
    response = page.goto(site + "/can-bo/")
    assert response is not None and response.status == 403
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bạn không có quyền truy cập trang này")
    page.get_by_role("main").get_by_role("link", name="Về trang chủ").click()
    expect(page).to_have_url(site + "/")


def test_missing_page_is_vietnamese_404(page: Page, site: str):
    response = page.goto(site + "/khong-co-trang-nay/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Không tìm thấy trang bạn yêu cầu")
    expect(page.get_by_role("navigation", name="Điều hướng chính")).to_be_visible()


def test_wrong_password_then_lockout_after_five_failures(page: Page, site: str, login):
    login(page, STAFF_ONE_STOP, password="sai-mat-khau")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(INVALID_LOGIN)
    # The username is kept, the password is not echoed back.
    expect(page.get_by_label("Số định danh, mã số thuế hoặc tên đăng nhập")).to_have_value(STAFF_ONE_STOP)
    expect(page.get_by_label("Mật khẩu")).to_have_value("")

    for _ in range(3):  # failures 2..4
        login(page, STAFF_ONE_STOP, password="sai-mat-khau")
        expect(page.get_by_role("alert")).to_contain_text(INVALID_LOGIN)

    # The 5th failure locks the account, and says so at once.
    login(page, STAFF_ONE_STOP, password="sai-mat-khau")
    expect(page.get_by_role("alert")).to_contain_text(LOCKED)

    # Locked: even the right password is refused, with the lockout message.
    login(page, STAFF_ONE_STOP)
    expect(page).to_have_url(re.compile(r"/tai-khoan/dang-nhap/"))
    expect(page.get_by_role("alert")).to_contain_text(LOCKED)
    expect(page.get_by_role("alert")).to_contain_text("15 phút")
    expect(page.get_by_role("link", name="Quên mật khẩu?")).to_be_visible()


def test_language_switch_to_english(page: Page, site: str):
    page.goto(site + "/tai-khoan/dang-nhap/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(site + "/tai-khoan/dang-nhap/")  # stays on the same page
    # ... and back again.
    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")


def test_skip_link_is_the_first_tab_stop(page: Page, site: str):
    page.goto(site + "/")
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_text("Bỏ qua, tới nội dung chính")
    expect(focused).to_have_attribute("href", "#main")
    expect(focused).to_be_in_viewport()  # it appears when focused
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
