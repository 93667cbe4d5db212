"""Once-only data and signed results in a real browser (issue 7).

The demo dossiers are made through the real services: Lê Thị Hoa applied online for a copy of a birth
certificate with her ID card uploaded, the ward decided and returned it. Receiving the dossier stored her ID
card in her data store; deciding it issued a signed electronic result (PAdES, QR code) into the same store.

In the browser she applies for a second, different procedure (a criminal-record certificate) and attaches
the stored ID card without uploading anything; then someone scans the QR code printed on her result — the
URL read out of the signed PDF itself — on a phone, without signing in, and sees it verified.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CITIZEN = "038195001234"  # Lê Thị Hoa
SECOND_PROCEDURE = "DEMO.LY_LICH_TU_PHAP.01"  # components: declaration, ID card (CCCD), …
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def history(site: str, media: Path) -> None:
    """The demo dossiers, through the real services (the result is signed after the commit)."""
    from motcua.dossiers.demo import seed_demo_dossiers
    from motcua.payments.demo import pay_demo_dossier_at_counter

    seed_demo_dossiers(pay=pay_demo_dossier_at_counter)


def test_second_application_reuses_the_stored_id_card(
    page: Page, site: str, login: Any, history: None
) -> None:
    from motcua.dossiers.models import ComponentOrigin, Dossier
    from motcua.wallet.models import DocumentUse, StoredDocument

    stored = StoredDocument.objects.get(owner_key=CITIZEN, document_type="CCCD", removed_at__isnull=True)
    login(page, CITIZEN, next_path=f"/thu-tuc/{SECOND_PROCEDURE}/nop-ho-so/")
    expect(page.get_by_role("heading", name="Bước 1. Chọn nơi nộp hồ sơ")).to_be_visible()
    page.get_by_role("button", name="Tiếp tục").click()

    expect(page.get_by_role("heading", name="Bước 2. Thông tin đề nghị")).to_be_visible()
    for field in page.locator("form [required]").all():
        if field.evaluate("e => e.tagName") == "SELECT" or field.input_value():
            continue
        kind = field.get_attribute("type") or "text"
        field.fill(
            "2026-01-15" if kind == "date" else "1" if kind == "number" else "Cần để bổ sung hồ sơ xin việc"
        )
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    expect(page.get_by_role("heading", name="Bước 3. Tải lên giấy tờ")).to_be_visible()
    card = page.locator(".dos-comp").filter(has_text="Dùng giấy tờ đã có trong kho")
    expect(card).to_have_count(1)
    expect(card).to_contain_text(stored.title)
    card.get_by_role("button", name=re.compile(r"^Dùng giấy tờ này")).click()

    card = page.locator(".dos-comp").filter(has_text="Dùng giấy tờ đã có trong kho")
    expect(card.get_by_text("Dùng lại từ kho dữ liệu")).to_be_visible()
    expect(card.get_by_text("Đang dùng")).to_be_visible()
    card.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "wallet-reuse.png"), full_page=False)

    # Attached without an upload: the same stored bytes, flagged as reused, the use recorded.
    draft = Dossier.objects.filter(applicant__personal_id=CITIZEN, status="draft").latest("pk")
    component = draft.components.get(document_type="CCCD")
    assert component.origin == ComponentOrigin.REUSED
    assert component.sha256 == stored.sha256
    assert DocumentUse.objects.filter(document=stored, component=component).exists()


def test_qr_code_of_an_issued_result_opens_a_verified_page(browser: Any, site: str, history: None) -> None:
    from pypdf import PdfReader

    from motcua.core.blobs import read_blob
    from motcua.results.models import IssuedResult

    result = IssuedResult.objects.get(holder_key=CITIZEN, status="valid")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(read_blob(result.file))).pages)
    match = re.search(r"https?://\S+/verify/" + re.escape(result.code) + r"/?", text.replace("\n", " "))
    assert match, text
    printed = match.group(0)
    assert printed.endswith(f"/verify/{result.code}/")

    # A phone that scanned the code: no session, a narrow screen, the live server instead of the public host.
    phone = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = phone.new_page()
    page.goto(site + printed[printed.index("/verify/") :])
    expect(page.get_by_role("heading", name="Văn bản xác thực")).to_be_visible()
    expect(page.get_by_text(result.title).first).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(CITIZEN)  # no personal ID on the public page
    page.screenshot(path=str(SCREENSHOTS / "result-verified-phone.png"), full_page=True)
    phone.close()

    result.refresh_from_db()
    assert result.verification_count == 1
