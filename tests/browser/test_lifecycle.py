"""The whole life of an online dossier in a real browser, across two agencies.

A citizen finds a land procedure of Sở Nông nghiệp và Môi trường (H56.19) in the catalogue, applies
online through the wizard with real PDF files, and submits. The one-stop officer of the provincial centre
(H56.40) receives it (ticking the components) and routes it; the specialist hands it over to the tax
agency (H56.52, an inter-agency step); the tax specialist finds it in "Liên thông đến" and hands it back;
the division head forwards it, the leader decides "Giải quyết", the officer returns the result. At each
stage that matters the citizen's "Hồ sơ của tôi" and the public status page (code + last 4 phone digits,
no personal data) show the status in Vietnamese.

The clock is real (not patched): the dossier is received whenever the test runs, which is fine here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .journey_helpers import Staff, expect_citizen_status, expect_public_status, make_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CITIZEN = "038195001234"  # Lê Thị Hoa, phone +84912345678 (journey_helpers checks public pages hide them)
CITIZEN_NAME = "Lê Thị Hoa"
OFFICER = "motcua.tinh"  # one-stop officer, H56.40
SPECIALIST = "chuyenvien.tnmt"  # specialist, H56.19
HEAD = "truongphong.tnmt"  # division head, H56.19
LEADER = "lanhdao.tnmt"  # agency leader, H56.19
TAX = "chuyenvien.thue"  # specialist, Thuế tỉnh H56.52 (the inter-agency step)

# Demo catalogue (dat_dai.json): online "partial", citizens may apply, resolved by H56.19, with the
# inter-agency step THUE at H56.52: TN → XL → THUE → TP → LD → TKQ → END.
PROCEDURE = "1.013831"
PROCEDURE_NAME = re.compile(r"^Đăng ký biến động quyền sử dụng đất")
CODE = re.compile(r"^H56\.40-\d{6}-\d{4,}$")

AWAITING_INTAKE = "Chờ tiếp nhận"
RECEIVED = "Đã tiếp nhận"
PROCESSING = "Đang xử lý"
RESULT_READY = "Có kết quả, chờ trả"
RETURNED = "Đã trả kết quả"


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """Uploads go to a temporary folder (the live server runs in this process, so it sees the setting)."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def lookup_attempts() -> None:
    """The public status page counts attempts per address in the cache: start this test with none."""
    from django.core.cache import cache

    cache.clear()


def test_online_dossier_travels_two_agencies_and_citizen_follows_it(
    new_context: Any,
    page: Page,
    site: str,
    login: Any,
    media: Path,
    lookup_attempts: None,
    tmp_path: Path,
) -> None:
    pdfs = [make_pdf(tmp_path / f"giay-to-{n}.pdf", f"Giấy tờ số {n}") for n in (1, 2, 3)]
    public = new_context().new_page()  # anonymous

    # -- the citizen finds the procedure in the catalogue and applies online -----------------------
    login(page, CITIZEN)
    expect(page.locator(".nav-user")).to_have_text(CITIZEN_NAME)
    page.goto(f"{site}/thu-tuc/")
    page.get_by_label("Tìm thủ tục").fill("đăng ký biến động quyền sử dụng đất")
    page.get_by_role("button", name="Tìm", exact=True).click()
    page.get_by_role("link", name=PROCEDURE_NAME).first.click()
    expect(page).to_have_url(f"{site}/thu-tuc/{PROCEDURE}/")
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()

    # 1. receiving point: the provincial centre is preselected
    expect(page.get_by_role("heading", name="Bước 1. Chọn nơi nộp hồ sơ")).to_be_visible()
    page.get_by_role("button", name="Tiếp tục").click()

    # 2. details: saving them creates the draft
    expect(page.get_by_role("heading", name="Bước 2. Thông tin đề nghị")).to_be_visible()
    page.get_by_label("Địa chỉ liên hệ").fill("Số 12 Lê Lợi, phường Hạc Thành, tỉnh Thanh Hóa")
    page.get_by_label("Nội dung đề nghị").fill(
        "Đăng ký biến động do nhận chuyển nhượng quyền sử dụng đất thửa số 125, tờ bản đồ số 7."
    )
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    # 3. components: one real PDF per required component, uploaded with progress (XHR)
    expect(page.get_by_role("heading", name="Bước 3. Tải lên giấy tờ")).to_be_visible()
    required = page.locator(".dos-comp").filter(has_text="Bắt buộc")
    expect(required).to_have_count(3)
    for index, pdf in enumerate(pdfs):
        item = required.nth(index)
        item.get_by_label(re.compile(r"^Chọn tệp")).set_input_files(pdf)
        item.get_by_role("button", name="Tải lên").click()
        expect(item.get_by_role("status")).to_have_text("Đã tải lên thành công.")
        expect(item.get_by_role("link", name=pdf.name)).to_be_visible()
    page.get_by_role("link", name="Tiếp tục: kiểm tra hồ sơ").click()

    # 4. review and submit
    expect(page.get_by_role("heading", name="Bước 4. Kiểm tra lại hồ sơ trước khi nộp")).to_be_visible()
    for pdf in pdfs:
        expect(page.get_by_text(f"✓ {pdf.name}")).to_be_visible()
    page.get_by_label(re.compile(r"^Tôi cam đoan")).check()
    page.get_by_role("button", name="Nộp hồ sơ").click()

    # the confirmation screen with the code
    expect(page.get_by_role("heading", level=1)).to_have_text("Nộp hồ sơ thành công")
    code = page.locator(".dos-code").inner_text().strip()
    assert CODE.match(code), code
    expect(page.locator(".dos-facts")).to_contain_text(AWAITING_INTAKE)

    expect_citizen_status(page, site, code, AWAITING_INTAKE)
    expect_public_status(public, site, code, AWAITING_INTAKE)

    # -- the one-stop officer receives it, ticking the components, and routes it ------------------
    officer = Staff(new_context, site, login, OFFICER)
    officer.open_from_queue("intake", code)
    form = officer.action("receive")
    checklist = form.get_by_role("group", name=re.compile("Giấy tờ đã kiểm tra"))
    boxes = checklist.get_by_role("checkbox", name=re.compile("có tệp"))
    expect(boxes).to_have_count(3)
    for n in range(3):
        boxes.nth(n).check()
    form.get_by_role("button", name="Tiếp nhận", exact=True).click()
    officer.expect_done(f"Đã tiếp nhận hồ sơ {code}.")
    expect(officer.page.locator(".bo-components-panel")).to_contain_text("Đã kiểm tra")

    expect_citizen_status(page, site, code, RECEIVED)
    expect_public_status(public, site, code, RECEIVED)

    form = officer.action("route")
    form.get_by_role("button", name="Chuyển đơn vị giải quyết").click()
    officer.expect_done(f"Đã chuyển hồ sơ {code} đến đơn vị giải quyết.")

    expect_citizen_status(page, site, code, PROCESSING)

    # -- the specialist hands it over to the tax agency (inter-agency) ------------------------------
    specialist = Staff(new_context, site, login, SPECIALIST)
    specialist.open_from_queue("mine", code)
    form = specialist.action("forward")
    form.get_by_role("radio", name=re.compile("Thuế tỉnh")).check()
    form.get_by_role("button", name="Chuyển", exact=True).click()
    specialist.expect_done(f"Đã chuyển hồ sơ {code} sang bước tiếp theo.")
    expect(specialist.page.locator(".bo-summary-panel")).to_contain_text("liên thông")
    specialist.close()

    # -- the tax specialist finds it among the inter-agency arrivals and hands it back -------------
    tax = Staff(new_context, site, login, TAX)
    tax.open_from_queue("inter_in", code)
    form = tax.action("forward")
    form.get_by_role("radio", name=re.compile("Trả kết quả liên thông")).check()
    form.get_by_role("button", name="Chuyển", exact=True).click()
    tax.expect_done(f"Đã chuyển hồ sơ {code} sang bước tiếp theo.")
    tax.close()

    expect_citizen_status(page, site, code, PROCESSING)
    expect(page.locator(".dos-timeline")).to_contain_text(
        "Hồ sơ được chuyển liên thông tới Thuế tỉnh Thanh Hóa"
    )
    expect(page.locator(".dos-timeline")).to_contain_text("đã xử lý xong phần liên thông")
    expect_public_status(public, site, code, PROCESSING)

    # -- the division head forwards it to the leader, who decides "approved" ----------------------
    head = Staff(new_context, site, login, HEAD)
    head.open_from_queue("mine", code)
    form = head.action("forward")
    form.get_by_role("radio", name=re.compile("^Trình lãnh đạo ký duyệt")).check()
    form.get_by_role("button", name="Chuyển", exact=True).click()
    head.expect_done(f"Đã chuyển hồ sơ {code} sang bước tiếp theo.")
    head.close()

    leader = Staff(new_context, site, login, LEADER)
    leader.open_from_queue("mine", code)
    form = leader.action("decide")
    form.get_by_role("radio", name="Giải quyết", exact=True).check()
    form.get_by_role("button", name="Ký, ban hành").click()
    leader.expect_done(f"Đã có kết quả giải quyết hồ sơ {code}.")
    leader.close()

    expect_citizen_status(page, site, code, RESULT_READY)
    expect_public_status(public, site, code, RESULT_READY)

    # -- the officer returns the result at the counter -----------------------------------------------
    officer.open_from_queue("result", code)
    form = officer.action("return_result")
    form.get_by_label("Hình thức trả").select_option(label="Tại bộ phận một cửa")
    form.get_by_role("button", name="Trả kết quả").click()
    officer.expect_done(f"Đã trả kết quả hồ sơ {code}.")
    officer.close()

    expect_citizen_status(page, site, code, RETURNED)
    expect(page.locator(".dos-timeline")).to_contain_text("Đã trả kết quả (tại bộ phận một cửa).")
    expect_public_status(public, site, code, RETURNED)
