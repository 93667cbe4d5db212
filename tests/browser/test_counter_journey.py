"""A walk-in dossier from the counter to the leader's report, end to end in a real browser, with screenshots.

At the provincial centre (H56.40) the one-stop officer finds "Đăng ký biến động quyền sử dụng đất" by a
query typed without diacritics, enters a walk-in applicant (no account), ticks the papers handed in,
attaches their scans with page counts and receives the dossier; the receipt and appointment slip (form 01)
opens for printing and names the dossier's code. The dossier goes to Sở Nông nghiệp và Môi trường (H56.19),
whose division head assigns it to a specialist; it goes over to the tax agency (H56.52, inter-agency) and
back. The tax step took long: the division head apologises and reschedules once (form 04, a new
appointment), then forwards it; the leader decides; the officer collects the fee due before return and
hands the result over at the counter. Anyone sees the new appointment on the public status page. Finally
the agency's leader opens the scorecard and downloads Biểu 06 (Excel), whose rows count this dossier as
received at the counter and resolved.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from .journey_helpers import Shots, Staff, expect_public_status, make_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OFFICER = "motcua.tinh"  # one-stop officer, H56.40
SPECIALIST = "chuyenvien.tnmt"  # specialist, H56.19
SPECIALIST_NAME = "Phạm Quốc Huy"
HEAD = "truongphong.tnmt"  # division head, H56.19: leads the resolving unit, may apologise
LEADER = "lanhdao.tnmt"  # agency leader, H56.19
TAX = "chuyenvien.thue"  # specialist, Thuế tỉnh H56.52 (the inter-agency step)

# Demo catalogue (dat_dai.json): resolved by H56.19 in 5 working days, the inter-agency step at H56.52,
# a 25,000 đồng charge due before the result is returned. TN → XL → THUE → TP → LD → TKQ → END.
PROCEDURE = "1.013831"
PROCEDURE_NAME = "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất"
QUERY = "dang ky bien dong quyen su dung dat"
CODE = re.compile(r"H56\.40-\d{6}-\d{4,}")

# The walk-in applicant: no account, known by ID number and phone.
APPLICANT = "Trịnh Văn An"
APPLICANT_ID = "038090012345"
APPLICANT_PHONE = "0912000111"
APOLOGY_REASON = "Cơ quan thuế cần thêm thời gian xác định nghĩa vụ tài chính của thửa đất."


@pytest.fixture
def world(site: str, settings: Any, tmp_path: Path) -> str:
    from django.core.cache import cache

    cache.clear()  # the public status page counts attempts in the cache
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = str(media)
    return site


def a_later_working_day(code: str) -> dt.date:
    """A working day of the resolving unit, two working days after the dossier's current appointment."""
    from django.utils import timezone

    from motcua.calendar.selectors import calendar_snapshot
    from motcua.dossiers.models import Dossier

    dossier = Dossier.objects.get(code=code)
    assert dossier.due_at is not None
    cal = calendar_snapshot(org_unit=dossier.resolving_unit)
    day, found = timezone.localdate(dossier.due_at), 0
    while found < 2:
        day += dt.timedelta(days=1)
        found += cal.is_working_day(day)
    return day


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_walk_in_dossier_from_the_counter_through_two_agencies_to_the_leaders_report(
    new_context: Any, world: str, login: Any, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    site = world
    shots = Shots(request.node.name)
    scans = [
        make_pdf(tmp_path / "don-dang-ky.pdf", "Đơn đăng ký biến động đất đai (Mẫu số 18)"),
        make_pdf(tmp_path / "giay-chung-nhan.pdf", "Giấy chứng nhận quyền sử dụng đất"),
        make_pdf(tmp_path / "hop-dong.pdf", "Hợp đồng chuyển nhượng đã công chứng"),
    ]

    # -- 1. counter intake: the procedure, the applicant, the papers and their scans ------------------------
    officer = Staff(new_context, site, login, OFFICER)
    page = officer.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Bàn làm việc")
    shots(page, "ban-lam-viec-mot-cua")
    page.get_by_role("link", name="Tiếp nhận tại quầy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tiếp nhận hồ sơ tại quầy")
    page.get_by_label("Tìm thủ tục").fill(QUERY)
    page.get_by_role("button", name="Tìm", exact=True).click()
    choice = page.get_by_role("link", name=f"Chọn {PROCEDURE_NAME}")
    expect(choice).to_be_visible()
    shots(page, "quay-chon-thu-tuc")
    choice.click()

    expect(page.get_by_role("heading", name=PROCEDURE_NAME)).to_be_visible()
    help_box = page.locator("details#huong-dan")  # contextual help, folded until asked for
    help_box.get_by_text("Hướng dẫn tiếp nhận tại quầy").click()
    expect(help_box.get_by_text(re.compile("^Bấm “Tiếp nhận và cấp giấy hẹn”"))).to_be_visible()
    shots(page, "quay-huong-dan", top=page.get_by_role("heading", level=1))
    help_box.get_by_text("Hướng dẫn tiếp nhận tại quầy").click()
    page.get_by_label("Họ và tên / tên tổ chức").fill(APPLICANT)
    page.get_by_label("Số định danh cá nhân").fill(APPLICANT_ID)
    page.get_by_label("Số điện thoại").fill(APPLICANT_PHONE)
    page.get_by_label("Địa chỉ").fill("Số 8 phố Hàng Than, phường Hạc Thành, tỉnh Thanh Hóa")
    papers = page.get_by_role("group", name=re.compile("Giấy tờ người nộp đã nộp"))
    for position in (1, 2, 3):
        papers.locator(f"input[value='{position}']").check()
    page.get_by_text("Đính kèm bản quét (không bắt buộc)").click()
    for position, scan in enumerate(scans, start=1):
        page.locator(f"input[name=scan_{position}]").set_input_files(scan)
        page.locator(f"input[name=pages_{position}]").fill("1")
    shots(page, "quay-nhap-ho-so", top=page.get_by_role("group", name=re.compile("Thành phần hồ sơ")))
    page.get_by_role("button", name="Tiếp nhận và cấp giấy hẹn").click()

    done = page.get_by_text(re.compile(r"^Đã tiếp nhận hồ sơ H56\.40-.* Hẹn trả kết quả: "))
    expect(done).to_be_visible()
    found = CODE.search(done.inner_text())
    assert found, done.inner_text()
    code = found.group(0)
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)
    components = page.locator(".bo-components-panel")
    for scan in scans:
        expect(components.get_by_role("link", name=scan.name)).to_be_visible()
    shots(page, "quay-da-tiep-nhan")

    # -- 2. the receipt and appointment slip (form 01), printable and as PDF -----------------------------
    receipt = page.locator(".bo-forms li").filter(has_text="Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
    pdf = page.request.get(f"{site}{receipt.get_by_role('link', name='PDF').get_attribute('href')}")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert code in pdf_text(pdf.body())
    receipt.get_by_role("link", name="Bản in").click()
    expect(page.locator("body")).to_contain_text(code)
    expect(page.locator("body")).to_contain_text(APPLICANT)
    # "In" prints the page (motcua.js; no inline script under the CSP): count the calls instead of printing.
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.get_by_role("button", name="In", exact=True).click()
    assert page.evaluate("() => window.printed") == 1
    shots(page, "giay-tiep-nhan-hen-tra")
    page.go_back()

    # -- 3. routed to the resolving agency; over to the tax agency and back (inter-agency) -----------------
    officer.action("route").get_by_role("button", name="Chuyển đơn vị giải quyết").click()
    officer.expect_done(f"Đã chuyển hồ sơ {code} đến đơn vị giải quyết.")

    # The division head assigns the specialist's step to a named specialist.
    head = Staff(new_context, site, login, HEAD)
    head.open_from_queue("all", code)
    form = head.action("assign")
    form.get_by_label("Giao cho").select_option(label=SPECIALIST_NAME)
    shots(head.page, "phan-cong", top=form)
    form.get_by_role("button", name="Phân công").click()
    head.expect_done(f"Đã phân công bước đang xử lý của hồ sơ {code}.")
    expect(head.page.locator(".bo-summary-panel")).to_contain_text(f"Người xử lý: {SPECIALIST_NAME}")

    specialist = Staff(new_context, site, login, SPECIALIST)
    specialist.page.goto(f"{site}/can-bo/ho-so/?queue=mine")
    row = specialist.page.get_by_role("row").filter(
        has=specialist.page.get_by_role("link", name=code, exact=True)
    )
    expect(row).to_contain_text(f"Giao: {SPECIALIST_NAME}")
    shots(specialist.page, "hang-doi-viec-cua-toi")
    specialist.open_from_queue("mine", code)
    help_box = specialist.page.locator("details#huong-dan")
    help_box.get_by_text("Hướng dẫn xử lý hồ sơ").click()
    expect(help_box.get_by_text(re.compile("chọn cơ quan khác để chuyển liên thông"))).to_be_visible()
    shots(specialist.page, "xu-ly-huong-dan", top=specialist.page.locator(".bo-head"))
    specialist.forward(code, re.compile("Thuế tỉnh"))
    expect(specialist.page.locator(".bo-summary-panel")).to_contain_text("liên thông")
    specialist.close()

    tax = Staff(new_context, site, login, TAX)
    tax.open_from_queue("inter_in", code)
    shots(tax.page, "lien-thong-den", top=tax.page.locator(".bo-summary-panel"))
    tax.forward(code, re.compile("Trả kết quả liên thông"))
    tax.close()

    # -- 4. the division head apologises and reschedules once (form 04), then forwards --------------------
    head.open_from_queue("mine", code)
    new_day = a_later_working_day(code)
    form = head.action("apologise")
    form.get_by_label("Lý do chậm trễ").fill(APOLOGY_REASON)
    form.get_by_label("Ngày hẹn trả mới").fill(new_day.isoformat())
    shots(head.page, "xin-loi-hen-lai", top=form)
    form.get_by_role("button", name="Gửi văn bản xin lỗi, hẹn lại").click()
    head.expect_done(f"Đã hẹn lại ngày trả kết quả hồ sơ {code}: ")
    new_date = new_day.strftime("%d/%m/%Y")
    expect(head.page.locator(".bo-summary-panel")).to_contain_text(new_date)
    expect(head.page.locator("#thao-tac-apologise")).to_have_count(0)  # once only
    apology = head.page.locator(".bo-forms li").filter(has_text="Phiếu xin lỗi và hẹn lại ngày trả kết quả")
    apology.get_by_role("link", name="Bản in").click()
    expect(head.page.locator("body")).to_contain_text(APOLOGY_REASON)
    expect(head.page.locator("body")).to_contain_text(new_date)
    shots(head.page, "phieu-xin-loi-mau-04")
    head.page.go_back()
    head.forward(code, re.compile("^Trình lãnh đạo ký duyệt"))
    head.close()

    public = new_context().new_page()
    expect_public_status(
        public, site, code, "Đang xử lý", phone_last_4=APPLICANT_PHONE[-4:],
        private=(APPLICANT, APPLICANT_ID), phone_digits=APPLICANT_PHONE[1:],
    )  # fmt: skip
    expect(public.locator("main")).to_contain_text(new_date)

    # -- 5. the leader decides; the officer collects the fee and returns the result at the counter ---------
    leader = Staff(new_context, site, login, LEADER)
    leader.open_from_queue("mine", code)
    form = leader.action("decide")
    form.get_by_role("radio", name="Giải quyết", exact=True).check()
    shots(leader.page, "lanh-dao-quyet-dinh", top=form)
    form.get_by_role("button", name="Ký, ban hành").click()
    leader.expect_done(f"Đã có kết quả giải quyết hồ sơ {code}.")

    officer.open_from_queue("result", code)
    expect(officer.page.locator(".bo-summary-panel")).to_contain_text("Chưa nộp")
    officer.page.get_by_role("link", name="Thanh toán, biên lai").click()
    officer.page.get_by_role("button", name="Lập yêu cầu thanh toán theo phí, lệ phí của thủ tục").click()
    form = officer.page.locator("#record")
    form.get_by_role("radio", name="Nộp tại bộ phận một cửa").check()
    form.get_by_label("Số tiền đã thu (đồng)").fill("25000")
    form.get_by_label("Số biên lai").fill("AA/26E-0000123")
    shots(officer.page, "thu-phi-tai-quay", top=form)
    form.get_by_role("button", name="Ghi nhận đã thu").click()
    officer.expect_done("Đã ghi nhận thanh toán, biên lai số AA/26E-0000123.")
    officer.page.get_by_role("link", name=code).click()
    expect(officer.page.locator(".bo-summary-panel")).to_contain_text("Đã nộp")
    form = officer.action("return_result")
    form.get_by_label("Hình thức trả").select_option(label="Tại bộ phận một cửa")
    form.get_by_role("button", name="Trả kết quả").click()
    officer.expect_done(f"Đã trả kết quả hồ sơ {code}.")
    shots(officer.page, "tra-ket-qua")
    officer.close()
    expect_public_status(
        public, site, code, "Đã trả kết quả", phone_last_4=APPLICANT_PHONE[-4:],
        private=(APPLICANT, APPLICANT_ID), phone_digits=APPLICANT_PHONE[1:],
    )  # fmt: skip

    # -- 6. the leader's dashboard and Biểu 06 in Excel ----------------------------------------------------
    page = leader.page
    page.goto(f"{site}/can-bo/chi-so/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Chỉ số phục vụ: Sở Nông nghiệp và Môi trường")
    on_time = page.locator(".sc-card").filter(
        has=page.get_by_role("heading", name=re.compile("^Giải quyết đúng hạn"))
    )
    expect(on_time.locator(".sc-big")).to_contain_text("100,0")
    expect(on_time.locator(".sc-frac")).to_have_text(re.compile(r"^\s*1\s*/\s*1\s*$"))
    inter = page.locator(".sc-card").filter(
        has=page.get_by_role("heading", name=re.compile("^Chuyển liên thông"))
    )
    expect(inter.locator(".sc-frac")).to_have_text(re.compile(r"^\s*2\s*/\s*2\s*$"))  # over and back
    shots(page, "chi-so-phuc-vu-lanh-dao")
    page.goto(f"{site}/can-bo/chi-so/bao-cao/bieu-06/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Báo cáo tình hình, kết quả giải quyết TTHC")
    shots(page, "bao-cao-bieu-06")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải Excel (.xlsx)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    check_b06(saved)
    leader.close()


def check_b06(path: Path) -> None:
    """Biểu 06 of H56.19 for this quarter: the agency's own row and the total count the one dossier,
    received at the counter and resolved before its due date; nothing online, late or still open."""
    from openpyxl import load_workbook

    sheet = load_workbook(path).active
    assert sheet is not None
    rows = {str(row[1]): list(row[2:13]) for row in sheet.iter_rows(values_only=True) if row[1]}
    #        total  online  counter  carried  resolved  early  on time  late  open  within  overdue
    one = [1, 0, 1, 0, 1, 1, 0, 0, 0, 0, 0]
    assert rows["Sở Nông nghiệp và Môi trường (trực tiếp giải quyết)"] == one, rows
    assert rows["Tổng cộng"] == one, rows
    assert rows["Chi cục Kiểm lâm"] == [0] * 11, rows
