"""The official forms filled from a real dossier render as Vietnamese PDFs."""

import io

import pytest
from pypdf import PdfReader

from motcua.documents.forms import render_form_pdf
from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier
from motcua.dossiers.paperwork import dossier_forms_available, tracking_ledger
from motcua.org.models import OrgUnit

from .conftest import vn
from .test_lifecycle import received

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def test_receipt_supplement_apology_and_control_sheet(people, version, clock):
    d = received(people, version, clock)
    d = s.dossier_route(dossier=d, officer=people["officer"])
    d = s.dossier_forward(dossier=d, actor=people["specialist"], to_step="LT")
    clock(vn(2026, 3, 4, 9, 0))
    d = s.dossier_apologise(dossier=d, actor=people["leader"], reason="Chờ ý kiến cơ quan thuế",
                            new_due_at=vn(2026, 3, 13, 17, 0))  # fmt: skip
    forms = dossier_forms_available(d)
    assert set(forms) == {"receipt", "control", "apology"}
    receipt = text_of(render_form_pdf(forms["receipt"]))
    assert (
        d.code in receipt
        and "Lê Thị Hoa" in receipt
        and "17:00 ngày 09/03/2026" in receipt
        and "0912 345 678" in receipt
    )
    control = text_of(render_form_pdf(forms["control"]))
    assert "Xác định nghĩa vụ tài chính" in control and "Thuế tỉnh Thanh Hóa" in control
    apology = text_of(render_form_pdf(forms["apology"]))
    assert "13/03/2026" in apology and "Chờ ý kiến cơ quan thuế" in apology


def test_supplement_refusal_stop_and_ledger(people, version, clock):
    d = received(people, version, clock)
    d = s.dossier_request_supplement(dossier=d, actor=people["officer"], reason="Thiếu sơ đồ",
                                     items=["Sơ đồ khu vực khai thác"])  # fmt: skip
    assert "Sơ đồ khu vực khai thác" in text_of(render_form_pdf(dossier_forms_available(d)["supplement"]))
    d = s.dossier_withdraw(dossier=d, actor=people["citizen"], reason="Không còn nhu cầu")
    assert "Không còn nhu cầu" in text_of(render_form_pdf(dossier_forms_available(d)["stop"]))
    from .test_lifecycle import online_dossier

    refused = online_dossier(people, version, clock, at=vn(2026, 3, 3, 9, 0))
    refused = s.dossier_refuse(
        dossier=refused, officer=people["officer"], reason="Không thuộc thẩm quyền của tỉnh"
    )
    assert "Không thuộc thẩm quyền" in text_of(render_form_pdf(dossier_forms_available(refused)["refusal"]))
    ledger = tracking_ledger(point=OrgUnit.objects.get(code="H56.40"), dossiers=Dossier.objects.all(),
                             start=vn(2026, 3, 1, 0, 0).date(), end=vn(2026, 3, 31, 0, 0).date())  # fmt: skip
    assert len(ledger.rows) == 1 and d.code in text_of(render_form_pdf(ledger))


def test_staff_download_the_forms_and_others_get_404(people, version, clock, client):
    d = received(people, version, clock)
    client.force_login(people["officer"])
    page = client.get(f"/can-bo/ho-so/{d.pk}/").content.decode()
    assert f"/can-bo/ho-so/{d.pk}/bieu-mau/receipt/" in page
    pdf = client.get(f"/can-bo/ho-so/{d.pk}/bieu-mau/receipt/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert d.code in text_of(pdf.content)
    printable = client.get(f"/can-bo/ho-so/{d.pk}/bieu-mau/receipt/?in=1")
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in printable.content.decode()
    assert client.get(f"/can-bo/ho-so/{d.pk}/bieu-mau/refusal/").status_code == 404
    assert client.get("/can-bo/so-theo-doi/").status_code == 200
    bad = client.get("/can-bo/so-theo-doi/?tu=01/03/2026")
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.content.decode()
    assert client.get("/can-bo/so-theo-doi/?tu=2026-03-31&den=2026-03-01").status_code == 400
    client.force_login(people["tax"])
    assert client.get(f"/can-bo/ho-so/{d.pk}/bieu-mau/receipt/").status_code == 404
