"""The components step in a real browser at phone width: uploads go by XHR with progress, in place."""

import pytest

from tests.browser.conftest import browser_context_args, browser_type_launch_args, login, site  # noqa: F401

from .conftest import html_as_pdf, pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_uploads_replace_the_component_block_in_place(page, site, login, version, tmp_path):  # noqa: F811
    good, bad = tmp_path / "giay-to.pdf", tmp_path / "gia-mao.pdf"
    good.write_bytes(pdf_bytes(pages=2))
    bad.write_bytes(html_as_pdf().read())
    page.set_viewport_size({"width": 375, "height": 812})
    login(page, "038195001234", next_path="/thu-tuc/1.009999/nop-ho-so/")
    page.wait_for_url(f"{site}/thu-tuc/1.009999/nop-ho-so/")
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_label("Địa chỉ liên hệ").fill("Số 12 Lê Lợi")
    page.get_by_label("Nội dung đề nghị").fill("Đề nghị cấp lại")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.wait_for_url("**/giay-to/")
    url = page.url
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))

    first = page.locator("[data-component]").nth(0)
    first.locator("input[type=file]").set_input_files(str(bad))
    first.locator("button[type=submit]").click()
    error = page.locator("[data-component]").nth(0).locator("[role=alert]")
    error.wait_for()
    assert "Nội dung tệp là HTML" in error.inner_text()

    first = page.locator("[data-component]").nth(0)
    first.locator("input[type=file]").set_input_files(str(good))
    first.locator("button[type=submit]").click()
    page.locator("[data-component]").nth(0).locator(".dos-flash").wait_for()
    block = page.locator("[data-component]").nth(0).inner_text()
    assert "giay-to.pdf" in block and "2 trang" in block
    # Still the same page: the blocks were replaced by the XHR answers, and each keeps its upload form.
    assert page.url == url and navigations == []
    assert page.locator("[data-component]").nth(0).locator("form[data-upload]").count() == 1
