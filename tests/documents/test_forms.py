"""The seven official forms render to valid A4 PDFs and printable pages, in Vietnamese, with the vendored
font embedded and the QR code of the public status page on the receipt."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from motcua.documents import forms
from motcua.documents.demo import DEMO_CODE, demo_forms
from motcua.documents.formatting import VIETNAM_TZ
from motcua.documents.pdf import PdfUnavailable, pdf_available

needs_pdf = pytest.mark.skipif(not pdf_available(), reason="WeasyPrint or Pango missing on this machine")

DEMO = demo_forms()
IDS = [f"{form.NUMBER}-{form.SLUG}" for form in DEMO]


@pytest.fixture(scope="module")
def pdfs() -> dict[str, bytes]:
    if not pdf_available():
        pytest.skip("WeasyPrint or Pango missing on this machine")
    return {form.NUMBER: forms.render_form_pdf(form) for form in DEMO}


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_demo_covers_all_seven_forms_in_order():
    assert [form.NUMBER for form in DEMO] == ["01", "02", "03", "04", "05", "06", "07"]
    assert [type(form) for form in DEMO] == list(forms.ALL_FORMS)
    assert [cls.TT01_2018_NUMBER for cls in forms.ALL_FORMS] == ["01", "02", "03", "04", None, "05", "06"]


@needs_pdf
@pytest.mark.parametrize("form", DEMO, ids=IDS)
def test_every_form_is_a_valid_pdf_with_its_vietnamese_title(form, pdfs):
    pdf = pdfs[form.NUMBER]
    assert pdf.startswith(b"%PDF-")
    assert b"%%EOF" in pdf[-64:]
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 1
    text = text_of(pdf)
    assert form.heading in text  # the diacritics survive: the title is searchable as typed
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert f"Mẫu số {form.NUMBER}" in text


@needs_pdf
@pytest.mark.parametrize("form", DEMO, ids=IDS)
def test_every_form_embeds_the_vendored_noto_font_only(form, pdfs):
    reader = PdfReader(io.BytesIO(pdfs[form.NUMBER]))
    names = set()
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            names.add(str(font["/BaseFont"]))
            descendant = font["/DescendantFonts"][0].get_object()
            assert "/FontFile2" in descendant["/FontDescriptor"].get_object()  # embedded, not referenced
    assert names
    assert all("Noto-Serif" in name for name in names), names


@needs_pdf
def test_forms_are_a4_and_the_ledger_is_landscape(pdfs):
    for form in DEMO:
        box = PdfReader(io.BytesIO(pdfs[form.NUMBER])).pages[0].mediabox
        width_mm, height_mm = float(box.width) * 25.4 / 72, float(box.height) * 25.4 / 72
        if form.LANDSCAPE:
            width_mm, height_mm = height_mm, width_mm
        assert round(width_mm) == 210 and round(height_mm) == 297, form.NUMBER
    assert forms.TrackingLedgerForm.LANDSCAPE
    ledger = PdfReader(io.BytesIO(pdfs["07"])).pages[0].mediabox
    assert ledger.width > ledger.height


@needs_pdf
def test_single_page_forms_fit_on_one_page(pdfs):
    for number in ("01", "02", "03", "04", "05", "06"):
        assert len(PdfReader(io.BytesIO(pdfs[number])).pages) == 1, number


@needs_pdf
def test_receipt_content(pdfs):
    text = text_of(pdfs["01"])
    for expected in (
        DEMO_CODE,
        "Lê Thị Hoa",
        "Thanh Hóa, ngày 26 tháng 11 năm 2026",
        "08:35 ngày 26/11/2026",
        "16:30 ngày 03/12/2026",
        "05 ngày làm việc",
        "100.000 đồng",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "Nguyễn Văn Đức",
    ):
        assert expected in text, expected


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@needs_pdf
def test_pdftotext_reads_the_diacritics_too(pdfs, tmp_path):
    path = tmp_path / "receipt.pdf"
    path.write_bytes(pdfs["01"])
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout  # noqa: S603, S607
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in out
    assert "Lê Thị Hoa" in out


def qr_modules(url: str) -> list[list[bool]]:
    import qrcode

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=forms.QR_BORDER)
    code.add_data(url)
    code.make(fit=True)
    return code.get_matrix()


@needs_pdf
def test_receipt_carries_a_qr_code_of_exactly_the_status_url(pdfs):
    receipt = DEMO[0]
    images = [image for page in PdfReader(io.BytesIO(pdfs["01"])).pages for image in page.images]
    assert len(images) == 1
    picture = images[0].image.convert("L")
    expected = qr_modules(receipt.status_url)
    size = len(expected)
    assert picture.width == picture.height == size * forms.QR_BOX_SIZE
    half = forms.QR_BOX_SIZE // 2
    found = [
        [
            picture.getpixel((x * forms.QR_BOX_SIZE + half, y * forms.QR_BOX_SIZE + half)) < 128
            for x in range(size)
        ]
        for y in range(size)
    ]
    assert found == expected


@needs_pdf
def test_receipt_without_status_url_has_no_qr():
    receipt = dataclasses.replace(DEMO[0], status_url="")
    pdf = forms.render_form_pdf(receipt)
    assert not [image for page in PdfReader(io.BytesIO(pdf)).pages for image in page.images]
    assert "data:image/png" not in forms.render_form_html(receipt)


@pytest.mark.parametrize("form", DEMO, ids=IDS)
def test_every_form_renders_as_a_printable_page(form):
    html = forms.render_form_html(form)
    assert html.startswith("<!doctype html>")
    assert '<html lang="vi">' in html
    assert form.heading in html
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html
    assert f"Mẫu số {form.NUMBER}" in html
    assert "@media print" in html and "@media screen" in html
    assert "/static/documents/fonts/NotoSerif-Regular.ttf" in html  # fonts served as static files
    assert "file://" not in html  # no server path leaks into a web page


def test_receipt_page_has_the_qr_image():
    html = forms.render_form_html(DEMO[0])
    assert 'src="data:image/png;base64,' in html
    assert f"Mã QR tra cứu hồ sơ {DEMO_CODE}" in html


def test_user_data_is_escaped():
    hostile = dataclasses.replace(
        DEMO[0],
        applicant=forms.Applicant(name='<script>alert("x")</script>', address="<img src=x onerror=1>"),
    )
    html = forms.render_form_html(hostile)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


@needs_pdf
def test_the_renderer_fetches_data_uris_and_the_fonts_only(tmp_path):
    from motcua.documents.pdf import render_html_to_pdf

    local_png = tmp_path / "secret.png"
    local_png.write_bytes(forms.qr_png("bí mật"))
    allowed = forms.qr_png_data_uri("được phép")
    html = f'<img src="{allowed}"><img src="{local_png.as_uri()}"><img src="http://127.0.0.1:9/x.png">'
    pdf = render_html_to_pdf(html)
    images = [image for page in PdfReader(io.BytesIO(pdf)).pages for image in page.images]
    assert len(images) == 1  # the data: URI; the local file and the network are refused


def test_templates_are_versioned():
    form = DEMO[0]
    assert form.version == forms.CURRENT_VERSION == "tt03-2025.v1"
    assert form.template_name == "documents/forms/tt03-2025.v1/01-giay-tiep-nhan.html"
    with pytest.raises(ValueError, match="unknown form template version"):
        dataclasses.replace(form, version="tt03-2025.v0")


def test_apology_title_is_configurable():
    apology = DEMO[3]
    assert apology.heading == "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"
    other = dataclasses.replace(apology, title="VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT")
    html = forms.render_form_html(other)
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in html
    assert "PHIẾU XIN LỖI" not in html


def test_naive_datetimes_are_refused():
    naive = dt.datetime(2026, 11, 26, 8, 30)
    with pytest.raises(ValueError, match="naive"):
        dataclasses.replace(DEMO[0], received_at=naive)
    with pytest.raises(ValueError, match="naive"):
        forms.Handover(giver_unit="A", receiver_unit="B", handed_over_at=naive)


def test_times_are_printed_in_vietnam_time():
    utc = dt.datetime(2026, 11, 26, 1, 35, tzinfo=dt.UTC)  # 08:35 in Hà Nội
    receipt = dataclasses.replace(DEMO[0], received_at=utc)
    assert "08:35 ngày 26/11/2026" in forms.render_form_html(receipt)


def test_control_sheet_rows_and_outcomes():
    html = forms.render_form_html(DEMO[5])
    for label in ("Trước hạn", "Đúng hạn", "Quá hạn"):
        assert label in html
    assert "Phạm Thu Trang" in html and "UBND phường Hạc Thành" in html
    assert html.count("<tr>") >= 1 + len(DEMO[5].handovers)
    assert forms.Outcome("late").label == "Quá hạn"


def test_ledger_lists_every_row_and_the_period():
    ledger = DEMO[6]
    html = forms.render_form_html(ledger)
    for row in ledger.rows:
        assert row.dossier_code in html
    assert "Từ ngày 26/11/2026 đến ngày 30/11/2026" in html
    empty = dataclasses.replace(ledger, rows=())
    assert "Không có hồ sơ trong kỳ." in forms.render_form_html(empty)
    with pytest.raises(ValueError):
        dataclasses.replace(ledger, period_end=dt.date(2026, 11, 1))


def test_blank_fields_print_as_dotted_lines():
    receipt = dataclasses.replace(DEMO[0], applicant=forms.Applicant(name="Lê Thị Hoa"), ledger_book="")
    html = forms.render_form_html(receipt)
    assert "Email: …………………" in html
    assert "Quyển số: …………………" in html


def test_filenames():
    assert DEMO[0].filename() == f"mau-01-{DEMO_CODE}.pdf"
    assert DEMO[6].filename() == "mau-07-so-theo-doi-20261126-20261130.pdf"


def test_form_pdf_response(rf):
    response = forms.form_pdf_response(rf.get("/"), DEMO[0])
    if pdf_available():
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert f"mau-01-{DEMO_CODE}.pdf" in response["Content-Disposition"]
        assert response.content.startswith(b"%PDF-")
    else:  # pragma: no cover - depends on the machine
        assert response.status_code == 503


def test_dates_with_vietnam_zone_are_accepted_everywhere():
    moment = dt.datetime(2026, 1, 5, 7, 0, tzinfo=VIETNAM_TZ)
    form = dataclasses.replace(DEMO[0], received_at=moment, issued_on=moment.date())
    assert "Thanh Hóa, ngày 05 tháng 01 năm 2026" in forms.render_form_html(form)


def test_pdf_unavailable_is_exported_for_views():
    assert issubclass(PdfUnavailable, RuntimeError)
