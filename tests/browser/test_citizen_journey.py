"""A citizen's whole journey on her phone, end to end in a real browser, with a screenshot of every stage.

Lê Thị Hoa keeps a scan of her ID card in her data store (kho dữ liệu). On her phone she finds "Cấp bản
sao trích lục hộ tịch" by typing without diacritics, applies online to the ward of Hạc Thành: she uploads
the declaration and reuses the stored ID card instead of uploading it again; she pays the fee through the
sandbox gateway and follows the status in "Hồ sơ của tôi" and on the public status page. The ward's
one-stop officer asks for a supplement (a signed declaration); she uploads it from the dossier page. The
ward receives it, the leader signs and issues the result, the officer returns it online. She finds the
signed result in "Kết quả của tôi", downloads it, verifies the file on the public verification page, and
rates the service.

The staff work in their own desktop browser contexts, through the same back-office pages they use every day.
The screenshots (``var/journey-screenshots/<test>/``, see journey_helpers) are what the user guides show.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from .journey_helpers import (
    CITIZEN,
    CITIZEN_NAME,
    Shots,
    Staff,
    expect_citizen_status,
    expect_public_status,
    make_pdf,
    phone_context,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WARD_OFFICER = "motcua.hacthanh"  # one-stop officer, UBND phường Hạc Thành (H56.101)
WARD_LEADER = "lanhdao.hacthanh"  # leader of the ward: holds the specialist's and the leader's steps
WARD = "Phường Hạc Thành"

# Demo catalogue (ho_tich.json): fully online, an 8,000 đồng fee due at submission, components: the
# declaration, the ID card (CCCD, reusable from the data store), an authorisation (optional); an electronic
# result signed by the ward. Process: TN → XL → LD → TKQ → END.
PROCEDURE = "2.000635"
PROCEDURE_NAME = re.compile(r"^Cấp bản sao Trích lục hộ tịch")
QUERY = "ban sao trich luc ho tich"  # typed without diacritics
CODE = re.compile(r"^H56\.101-\d{6}-\d{4,}$")

AWAITING_INTAKE = "Chờ tiếp nhận"
AWAITING_SUPPLEMENT = "Chờ bổ sung"
PROCESSING = "Đang xử lý"
RETURNED = "Đã trả kết quả"


@pytest.fixture
def world(site: str, settings: Any, tmp_path: Path) -> str:
    """Uploads in a temporary folder, the gateway sending the browser back here, fresh rate-limit counters."""
    from django.core.cache import cache

    cache.clear()  # the public status page and the verification page count attempts in the cache
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = str(media)
    settings.MOTCUA_PUBLIC_URL = site
    return site


def test_a_citizen_applies_pays_supplements_and_verifies_her_signed_result_on_her_phone(
    browser: Browser, new_context: Any, world: str, login: Any, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    site = world
    shots = Shots(request.node.name)
    id_card = make_pdf(tmp_path / "can-cuoc.pdf", "Căn cước công dân — Lê Thị Hoa")
    declaration = make_pdf(tmp_path / "to-khai.pdf", "Tờ khai cấp bản sao trích lục hộ tịch")
    signed_declaration = make_pdf(tmp_path / "to-khai-da-ky.pdf", "Tờ khai (đã ký, ghi rõ họ tên)")

    phone = phone_context(browser)
    page = phone.new_page()

    # -- 1. her ID card goes into her data store once ---------------------------------------------------
    login(page, CITIZEN, next_path="/kho-du-lieu/them/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thêm giấy tờ vào kho dữ liệu")
    page.get_by_label("Loại giấy tờ").select_option(label="Căn cước / căn cước công dân")
    page.get_by_label("Số, ký hiệu").fill(CITIZEN)
    page.get_by_label("Cơ quan cấp").fill("Cục Cảnh sát quản lý hành chính về trật tự xã hội")
    page.get_by_label("Tệp giấy tờ").set_input_files(id_card)
    shots(page, "kho-du-lieu-them-giay-to", top=page.get_by_role("heading", level=1))
    page.get_by_role("button", name="Lưu vào kho").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kho dữ liệu của tôi")
    expect(page.locator("main")).to_contain_text(CITIZEN)
    shots(page, "kho-du-lieu", top=page.get_by_role("heading", level=1))

    # -- 2. she finds the procedure without typing diacritics ------------------------------------------
    page.goto(f"{site}/thu-tuc/")
    page.get_by_label("Tìm thủ tục").fill(QUERY)
    page.get_by_role("button", name="Tìm", exact=True).click()
    found = page.get_by_role("link", name=PROCEDURE_NAME).first
    expect(found).to_be_visible()
    shots(page, "tim-thu-tuc", top=page.get_by_role("heading", level=1))
    found.click()
    expect(page).to_have_url(f"{site}/thu-tuc/{PROCEDURE}/")
    shots(page, "trang-thu-tuc", top=page.get_by_role("heading", level=1))
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()

    # -- 3. she applies online: the ward, the details, the declaration uploaded, the ID card reused -------
    step = page.get_by_role("heading", name="Bước 1. Chọn nơi nộp hồ sơ")
    expect(step).to_be_visible()
    page.get_by_label("Nơi tiếp nhận hồ sơ").select_option(label=WARD)
    shots(page, "nop-buoc-1-noi-nop", top=page.locator(".dos-kicker"))
    help_box = page.locator("details#huong-dan")  # the wizard's contextual help, folded until asked for
    expect(help_box.get_by_text("Dùng giấy tờ này")).to_be_hidden()
    help_box.get_by_text("Hướng dẫn nộp hồ sơ").click()
    expect(
        help_box.get_by_text(re.compile("Giấy tờ đã có trong kho dữ liệu: bấm “Dùng giấy tờ này”"))
    ).to_be_visible()
    shots(page, "nop-huong-dan", top=help_box)
    page.get_by_role("button", name="Tiếp tục").click()

    expect(page.get_by_role("heading", name="Bước 2. Thông tin đề nghị")).to_be_visible()
    expect(page.locator(".dos-facts-compact").first).to_contain_text(WARD)
    page.get_by_label("Nội dung đề nghị").fill(
        "Cấp 02 bản sao Giấy khai sinh để bổ sung hồ sơ nhập học cho con."
    )
    shots(page, "nop-buoc-2-thong-tin", top=page.get_by_role("heading", name="Bước 2. Thông tin đề nghị"))
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    expect(page.get_by_role("heading", name="Bước 3. Tải lên giấy tờ")).to_be_visible()
    form_item = page.locator(".dos-comp").filter(has_text="Tờ khai")
    form_item.get_by_label(re.compile(r"^Chọn tệp")).set_input_files(declaration)
    form_item.get_by_role("button", name="Tải lên").click()
    expect(form_item.get_by_role("status")).to_have_text("Đã tải lên thành công.")
    id_item = page.locator(".dos-comp").filter(has_text="Dùng giấy tờ đã có trong kho")
    expect(id_item).to_contain_text("Căn cước")
    id_item.get_by_role("button", name=re.compile(r"^Dùng giấy tờ này")).click()
    id_item = page.locator(".dos-comp").filter(has_text="Dùng giấy tờ đã có trong kho")
    expect(id_item.get_by_text("Dùng lại từ kho dữ liệu")).to_be_visible()
    expect(id_item.get_by_text("Đang dùng")).to_be_visible()
    shots(page, "nop-buoc-3-giay-to-dung-lai-tu-kho", top=page.locator(".dos-comp").first)
    page.get_by_role("link", name="Tiếp tục: kiểm tra hồ sơ").click()

    expect(page.get_by_role("heading", name="Bước 4. Kiểm tra lại hồ sơ trước khi nộp")).to_be_visible()
    expect(page.get_by_text(f"✓ {declaration.name}")).to_be_visible()
    page.get_by_label(re.compile(r"^Tôi cam đoan")).check()
    shots(
        page,
        "nop-buoc-4-kiem-tra",
        top=page.get_by_role("heading", name="Bước 4. Kiểm tra lại hồ sơ trước khi nộp"),
    )
    page.get_by_role("button", name="Nộp hồ sơ").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Nộp hồ sơ thành công")
    code = page.locator(".dos-code").inner_text().strip()
    assert CODE.match(code), code
    expect(page.locator(".dos-facts")).to_contain_text(AWAITING_INTAKE)
    shots(page, "nop-thanh-cong", top=page.get_by_role("heading", level=1))

    # -- 4. she pays the fee through the gateway (the sandbox) ---------------------------------------
    expect_citizen_status(page, site, code, AWAITING_INTAKE)
    payment = page.get_by_role("region", name="Phí, lệ phí")
    expect(payment).to_contain_text("Chưa nộp")
    shots(page, "ho-so-cho-thanh-toan", top=payment)
    payment.get_by_role("button", name="Thanh toán trực tuyến").click()
    expect(page).to_have_url(re.compile(r"/sandbox/vnpay/\?.*vnp_SecureHash="))
    expect(page.get_by_text(re.compile(r"8[.,]?000"))).to_be_visible()
    shots(page, "cong-thanh-toan", top=page.get_by_role("heading", level=1))
    page.get_by_role("button", name="Thanh toán", exact=True).click()
    expect(page).to_have_url(re.compile(r"/thanh-toan/vnpay/ket-qua/\?"))
    expect(page.get_by_text(re.compile(r"BL-H56\.101-\d{4}-\d{6}"))).to_be_visible()
    shots(page, "thanh-toan-thanh-cong", top=page.get_by_role("heading", level=1))

    # -- 5. she follows it: her list, and the public status page (code + last 4 phone digits) ----------
    expect_citizen_status(page, site, code, AWAITING_INTAKE)
    expect(page.get_by_text("Bạn đã nộp phí, lệ phí của hồ sơ.")).to_be_visible()
    page.goto(f"{site}/ho-so-cua-toi/")
    shots(page, "ho-so-cua-toi", top=page.get_by_role("heading", level=1))
    public = phone_context(browser).new_page()
    expect_public_status(public, site, code, AWAITING_INTAKE)
    shots(public, "tra-cuu-cong-khai", top=public.get_by_role("heading", level=1))

    # -- 6. the ward asks for a supplement; she uploads it from her phone ----------------------------
    officer = Staff(new_context, site, login, WARD_OFFICER)
    officer.open_from_queue("intake", code)
    form = officer.action("request_supplement")
    form.get_by_label("Lý do").fill("Tờ khai chưa có chữ ký của người yêu cầu.")
    form.get_by_label("Nội dung cần bổ sung").fill("Tờ khai có chữ ký và ghi rõ họ tên người yêu cầu")
    shots(officer.page, "can-bo-yeu-cau-bo-sung", top=officer.page.locator(".bo-head"))
    form.get_by_role("button", name="Gửi yêu cầu bổ sung").click()
    officer.expect_done(f"Đã yêu cầu bổ sung hồ sơ {code}; thời gian giải quyết tạm dừng.")

    expect_citizen_status(page, site, code, AWAITING_SUPPLEMENT)
    box = page.get_by_role("region", name="Nội dung cần bổ sung")
    expect(box).to_contain_text("Tờ khai chưa có chữ ký của người yêu cầu.")
    expect(box).to_contain_text("Tờ khai có chữ ký và ghi rõ họ tên người yêu cầu")
    shots(page, "yeu-cau-bo-sung", top=box)
    item = box.locator(".dos-comp").filter(has_text="Tờ khai")
    item.get_by_label(re.compile(r"^Thay bằng tệp khác")).set_input_files(signed_declaration)
    item.get_by_role("button", name="Tải lên tệp mới").click()
    expect(item.get_by_role("status")).to_have_text("Đã tải lên thành công.")
    expect(item.get_by_role("link", name=signed_declaration.name)).to_be_visible()
    box.get_by_role("button", name="Gửi bổ sung").click()
    expect(page.locator(".dos-head .dos-badge")).to_have_text(AWAITING_INTAKE)
    shots(page, "da-gui-bo-sung", top=page.locator(".dos-head"))

    # -- 7. the ward receives, processes and signs; the officer returns the result online ---------------
    officer.open_from_queue("intake", code)
    form = officer.action("receive")
    checklist = form.get_by_role("group", name=re.compile("Giấy tờ đã kiểm tra"))
    expect(checklist.get_by_role("checkbox", name=re.compile("chưa nộp"))).to_have_count(
        1
    )  # the authorisation
    boxes = checklist.get_by_role("checkbox", name=re.compile("có tệp"))
    expect(boxes).to_have_count(2)  # the signed declaration, the ID card from the data store
    boxes.nth(0).check()
    boxes.nth(1).check()
    form.get_by_role("button", name="Tiếp nhận", exact=True).click()
    officer.expect_done(f"Đã tiếp nhận hồ sơ {code}.")
    officer.action("route").get_by_role("button", name="Chuyển đơn vị giải quyết").click()
    officer.expect_done(f"Đã chuyển hồ sơ {code} đến đơn vị giải quyết.")
    expect_citizen_status(page, site, code, PROCESSING)

    leader = Staff(new_context, site, login, WARD_LEADER)
    leader.open_from_queue("all", code)  # the ward has no specialist: its leader holds that step too
    leader.forward(code, re.compile("^Trình lãnh đạo ký duyệt"))
    leader.open_from_queue("mine", code)
    form = leader.action("decide")
    form.get_by_role("radio", name="Giải quyết", exact=True).check()
    form.get_by_role("button", name="Ký, ban hành").click()
    leader.expect_done(f"Đã có kết quả giải quyết hồ sơ {code}.")
    leader.close()

    officer.open_from_queue("result", code)
    form = officer.action("return_result")
    form.get_by_label("Hình thức trả").select_option(label="Trực tuyến")
    form.get_by_role("button", name="Trả kết quả").click()
    officer.expect_done(f"Đã trả kết quả hồ sơ {code}.")
    officer.close()

    # -- 8. she receives the signed result, downloads it and verifies the file -------------------------
    expect_citizen_status(page, site, code, RETURNED)
    shots(page, "da-tra-ket-qua", top=page.locator(".dos-head"))
    page.goto(f"{site}/ket-qua-cua-toi/")
    row = page.get_by_role("row").filter(has_text="Trích lục")
    expect(row).to_have_count(1)
    result_code = row.locator(".kq-code").inner_text().strip()
    expect(row).to_contain_text("Còn hiệu lực")
    shots(page, "ket-qua-cua-toi", top=page.get_by_role("heading", level=1))
    with page.expect_download() as download:
        row.get_by_role("link", name="Tải về (PDF)").click()
    signed = tmp_path / "ket-qua.pdf"
    download.value.save_as(signed)
    assert signed.read_bytes().startswith(b"%PDF")

    page.goto(f"{site}/verify/")
    page.get_by_label("Tệp kết quả (PDF)").set_input_files(signed)
    page.get_by_role("button", name="Kiểm tra").click()
    verdict = page.locator("#ket-qua-xac-thuc")
    expect(verdict).to_contain_text("Văn bản xác thực")
    expect(page.locator("main")).to_contain_text(result_code)
    expect(page.locator("main")).not_to_contain_text(CITIZEN)
    shots(page, "xac-thuc-ket-qua", top=verdict)

    # -- 9. she rates the service -------------------------------------------------------------------
    expect_citizen_status(page, site, code, RETURNED)
    page.get_by_role("link", name="Đánh giá hồ sơ").click()
    expect(page.get_by_role("heading", name="Đánh giá việc giải quyết hồ sơ")).to_be_visible()
    page.get_by_role("radio", name="Rất hài lòng").check()
    page.get_by_label("Ý kiến khác (không bắt buộc)").fill("Nộp trên điện thoại, nhận kết quả nhanh.")
    shots(page, "danh-gia", top=page.get_by_role("heading", name="Đánh giá việc giải quyết hồ sơ"))
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.locator("main")).to_contain_text("Rất hài lòng")
    shots(page, "da-danh-gia")
    expect(page.locator(".nav-user")).to_have_text(CITIZEN_NAME)
    phone.close()
