"""Rating a returned dossier and a feedback answered in public, in a real browser (issue 9).

Lê Thị Hoa's birth registration was returned at the ward (the demo dossiers, made through the services).
From her dossier page she rates it; then she sends a feedback about the ward, which the ward's one-stop
officer answers and publishes; anyone finds the answer by a query typed without diacritics, and her phone
number appears nowhere on the public page.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CITIZEN = "038195001234"  # Lê Thị Hoa
PHONE = "0912345678"
WARD = "Phường Hạc Thành"
WARD_OFFICER = "motcua.hacthanh"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def returned(site: str, settings: Any, tmp_path: Path) -> Any:
    from django.core.cache import cache

    from motcua.dossiers.demo import seed_demo_dossiers
    from motcua.dossiers.models import Dossier
    from motcua.payments.demo import pay_demo_dossier_at_counter

    cache.clear()  # the rate limits count in the cache
    settings.MEDIA_ROOT = str(tmp_path)
    seed_demo_dossiers(pay=pay_demo_dossier_at_counter)
    return Dossier.objects.filter(applicant__personal_id=CITIZEN, status="returned").order_by("pk").first()


def test_citizen_rates_a_returned_dossier_and_feedback_is_answered_in_public(
    page: Page, browser: Any, site: str, login: Any, returned: Any
) -> None:
    from motcua.feedback.models import Evaluation

    login(page, CITIZEN, next_path=f"/ho-so-cua-toi/{returned.pk}/")
    page.get_by_role("link", name=re.compile("Đánh giá")).first.click()
    expect(page.get_by_role("heading", name="Đánh giá việc giải quyết hồ sơ")).to_be_visible()
    expect(page.locator("body")).to_contain_text("/18")  # the nine criteria computed from the dossier
    page.get_by_role("radio", name="Rất hài lòng").check()
    page.get_by_label("Ý kiến khác (không bắt buộc)").fill("Cán bộ hướng dẫn tận tình <b>cảm ơn</b>")
    page.screenshot(path=str(SCREENSHOTS / "evaluation.png"), full_page=True)
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.locator("body")).to_contain_text("Rất hài lòng")
    evaluation = Evaluation.objects.get(dossier=returned)
    assert evaluation.satisfaction == "very_satisfied"
    assert evaluation.comment == "Cán bộ hướng dẫn tận tình <b>cảm ơn</b>"  # stored as typed

    # A feedback about the ward, with a tracking code.
    page.goto(f"{site}/phan-anh-kien-nghi/gui/")
    page.get_by_label("Cơ quan, đơn vị liên quan").select_option(label=WARD)
    page.get_by_label("Tiêu đề").fill("Đề nghị niêm yết lệ phí trích lục")
    page.get_by_label("Nội dung").fill(
        "Bộ phận một cửa phường chưa niêm yết mức lệ phí cấp bản sao trích lục."
    )
    page.get_by_label("Họ và tên").fill("Lê Thị Hoa")
    page.get_by_label("Số điện thoại").fill(PHONE)
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="Gửi phản ánh").click()
    code = re.search(r"PA\d{6}-\d{4}", page.locator("main").inner_text())
    assert code, page.locator("main").inner_text()
    code = code.group(0)

    # The ward's officer answers and publishes.
    officer = browser.new_context(locale="vi-VN").new_page()
    login(officer, WARD_OFFICER, next_path="/can-bo/phan-anh/")
    officer.get_by_role("row", name=re.compile("Đề nghị niêm yết lệ phí")).get_by_role(
        "link", name=code
    ).click()
    officer.get_by_label("Nội dung trả lời").fill(
        "Phường đã niêm yết mức lệ phí tại bộ phận một cửa từ ngày hôm nay. Cảm ơn bà đã phản ánh."
    )
    officer.get_by_role("button", name="Lưu câu trả lời").click()
    officer.get_by_role("button", name="Công khai câu trả lời").click()
    expect(officer.locator("body")).to_contain_text("Đã công khai")

    # Anyone finds the answer without typing diacritics; no phone number is shown.
    public = browser.new_context(locale="vi-VN").new_page()
    public.goto(f"{site}/phan-anh-kien-nghi/?q=niem+yet+le+phi")
    public.get_by_role("link", name=re.compile("Đề nghị niêm yết lệ phí")).first.click()
    expect(public.locator("body")).to_contain_text("Phường đã niêm yết mức lệ phí")
    expect(public.locator("body")).to_contain_text(code)
    expect(public.locator("body")).not_to_contain_text(PHONE)
    public.screenshot(path=str(SCREENSHOTS / "feedback-public-answer.png"), full_page=True)
