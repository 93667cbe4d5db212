"""A citizen pays a dossier's fees online through the sandbox gateway and gets the electronic receipt.

The dossier (a fee-bearing test procedure of H56.19, 100,000 + 25,000 đồng) is submitted through the
services; everything after is the browser: the dossier page's "Thanh toán trực tuyến", the sandbox
gateway's page (VNPay 2.1.0 parameters, signed), "Thanh toán", the signed IPN the sandbox sends, the
return page, the dossier page again with the receipt, and the receipt PDF itself.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CITIZEN = "038195001234"  # Lê Thị Hoa


@pytest.fixture
def fee_dossier(site: str, settings: Any, tmp_path: Any) -> Any:
    from motcua.accounts.models import User
    from tests.payments.conftest import FEES, publish
    from tests.portal.conftest import submitted

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.MOTCUA_PUBLIC_URL = site  # the gateway sends the browser back to this server
    version = publish(code="1.007777", name="Cấp giấy phép có thu phí (thử nghiệm)", fees=FEES)
    return submitted({"citizen": User.objects.get(personal_id=CITIZEN)}, version)


def test_a_citizen_pays_online_and_downloads_the_receipt(
    page: Page, site: str, login: Any, fee_dossier: Any
) -> None:
    login(page, CITIZEN, next_path=f"/ho-so-cua-toi/{fee_dossier.pk}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.get_by_role("button", name="Thanh toán trực tuyến").click()

    # The sandbox gateway shows the amount of the order (100,000 + 25,000 đồng).
    expect(page).to_have_url(re.compile(r"/sandbox/vnpay/\?.*vnp_SecureHash="))
    expect(page.get_by_text(re.compile(r"125[.,]?000"))).to_be_visible()
    page.get_by_role("button", name="Thanh toán", exact=True).click()

    # Back on motcua's return page (display only); the IPN has credited the order.
    expect(page).to_have_url(re.compile(r"/thanh-toan/vnpay/ket-qua/\?"))
    expect(page.get_by_text(re.compile(r"BL-H56\.19-\d{4}-\d{6}"))).to_be_visible()

    page.goto(f"{site}/ho-so-cua-toi/{fee_dossier.pk}/")
    expect(page.get_by_text("Bạn đã nộp phí, lệ phí của hồ sơ.")).to_be_visible()
    expect(page.get_by_role("button", name="Thanh toán trực tuyến")).to_have_count(0)
    receipt = page.get_by_role("link", name="Tải biên lai thu phí, lệ phí điện tử (PDF)")
    response = page.request.get(f"{site}{receipt.get_attribute('href')}")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    fee_dossier.refresh_from_db()
    assert fee_dossier.fee_status == "paid"
