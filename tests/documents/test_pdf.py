"""The PDF renderer: page set-up, the vendored font, and a clear 503 instead of a traceback when WeasyPrint or
Pango is missing."""

from __future__ import annotations

import builtins
import io
import sys

import pytest
from pypdf import PdfReader

from motcua.documents import pdf as pdf_module
from motcua.documents.demo import demo_forms
from motcua.documents.forms import form_pdf_response, render_form_pdf
from motcua.documents.pdf import (
    FONT_FACES,
    FONTS_DIR,
    PdfUnavailable,
    base_stylesheet,
    pdf_available,
    pdf_response,
    pdf_unavailable_response,
    render_pdf,
)


@pytest.fixture
def fresh_engine():
    """Forget the loaded WeasyPrint engine before and after the test."""
    pdf_module._reset_engine_for_tests()
    yield
    pdf_module._reset_engine_for_tests()


@pytest.fixture
def without_weasyprint(monkeypatch, fresh_engine):
    """Simulate a machine where the WeasyPrint package is not installed."""
    for name in list(sys.modules):
        if name == "weasyprint" or name.startswith("weasyprint."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # `import weasyprint` raises ImportError


@pytest.fixture
def without_pango(monkeypatch, fresh_engine):
    """Simulate a machine where WeasyPrint is installed but cffi cannot load Pango."""
    real_import = builtins.__import__

    def failing_import(name, *args, **kwargs):
        if name == "weasyprint" or name.startswith("weasyprint."):
            raise OSError(
                "cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file"
            )
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", failing_import)


def test_vendored_fonts_and_licence_are_in_the_repository():
    for name, _weight, _style in FONT_FACES:
        path = FONTS_DIR / name
        assert path.is_file(), path
        assert path.read_bytes()[:4] == b"\x00\x01\x00\x00"  # TrueType
        assert path.stat().st_size < 400_000  # subset: modest size
    licence = (FONTS_DIR / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert "Google" in licence


def test_vendored_font_covers_every_vietnamese_letter():
    from fontTools.ttLib import TTFont

    letters = "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvxyỳỷỹýỵ"
    wanted = set(letters + letters.upper() + "₫–—…“”‘’")
    for name, _weight, _style in FONT_FACES:
        cmap = TTFont(FONTS_DIR / name).getBestCmap()
        missing = sorted(ch for ch in wanted if ord(ch) not in cmap)
        assert not missing, (name, missing)


def test_base_stylesheet_sets_a4_decree_30_margins_and_the_font():
    css = base_stylesheet("file:///fonts/")
    assert "size: A4" in css
    assert "margin: 20mm 15mm 20mm 30mm" in css  # top right bottom left
    assert "font-size: 13pt" in css
    assert css.count("@font-face") == 4
    assert 'url("file:///fonts/NotoSerif-Regular.ttf")' in css


@pytest.mark.skipif(not pdf_available(), reason="WeasyPrint or Pango missing on this machine")
def test_render_pdf_renders_any_template_with_the_page_setup():
    pdf = render_pdf(
        "documents/pdf_unavailable.html", {"error": PdfUnavailable("Thử nghiệm", missing="x", install="")}
    )
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    assert round(float(page.mediabox.width)) == 595 and round(float(page.mediabox.height)) == 842
    assert "Thử nghiệm" in page.extract_text()


def test_missing_weasyprint_raises_a_clear_error(without_weasyprint):
    assert not pdf_available()
    with pytest.raises(PdfUnavailable) as caught:
        render_form_pdf(demo_forms()[0])
    error = caught.value
    assert error.missing == "WeasyPrint"
    assert "WeasyPrint" in error.message
    assert "pip install 'weasyprint>=70,<71'" in error.message
    assert str(error) == error.message


def test_missing_pango_names_the_library_and_the_apt_command(without_pango):
    with pytest.raises(PdfUnavailable) as caught:
        render_form_pdf(demo_forms()[0])
    error = caught.value
    assert error.missing == "Pango"
    assert "Pango" in error.message
    assert "apt-get install libpango-1.0-0 libpangoft2-1.0-0" in error.message
    assert "libpango-1.0-0" in error.detail


def test_views_get_a_503_page_not_a_traceback(without_pango, rf):
    response = form_pdf_response(rf.get("/"), demo_forms()[0], html_url="/ho-so/1/giay-tiep-nhan/")
    assert response.status_code == 503
    body = response.content.decode()
    assert "Chưa tạo được tệp PDF" in body
    assert "apt-get install libpango-1.0-0 libpangoft2-1.0-0" in body
    assert 'href="/ho-so/1/giay-tiep-nhan/"' in body
    assert response["Retry-After"]


def test_pdf_response_passes_other_errors_through(rf):
    def broken() -> bytes:
        raise KeyError("a bug, not a missing library")

    with pytest.raises(KeyError):
        pdf_response(rf.get("/"), broken, filename="x.pdf")


def test_pdf_response_wraps_bytes(rf):
    response = pdf_response(
        rf.get("/"), lambda: b"%PDF-1.7 test", filename="Giấy tiếp nhận.pdf", inline=False
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''Gi%E1%BA%A5y" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_unavailable_page_renders_directly(rf):
    error = PdfUnavailable("Không tạo được tệp PDF: thử.", missing="Pango", install="apt-get install x")
    response = pdf_unavailable_response(rf.get("/"), error)
    assert response.status_code == 503
    assert "Không tạo được tệp PDF: thử." in response.content.decode()
    assert "apt-get install x" in response.content.decode()


def test_the_engine_is_loaded_once_and_shared(fresh_engine):
    if not pdf_available():  # pragma: no cover - depends on the machine
        pytest.skip("WeasyPrint or Pango missing")
    first = pdf_module._load_engine()
    assert pdf_module._load_engine() is first
    assert first.font_config is pdf_module._load_engine().font_config
