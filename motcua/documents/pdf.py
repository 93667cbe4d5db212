"""HTML templates to PDF with WeasyPrint, an A4 page laid out as Vietnamese administrative documents are
(Decree 30/2020/NĐ-CP, Appendix I: margins top 20–25 mm, bottom 20–25 mm, left 30–35 mm, right 15–20 mm;
a Times-like serif at 13 pt) and the vendored Noto Serif font loaded through ``file://`` URLs, so a PDF does
not depend on the fonts of the machine that renders it.

WeasyPrint is imported lazily. When it, or the Pango libraries it loads, is missing, ``render_pdf`` raises
``PdfUnavailable`` with a Vietnamese message naming the missing piece and the command that installs it;
views turn it into a 503 page with ``pdf_unavailable_response`` (or use ``pdf_response``), never a traceback.

One ``FontConfiguration`` is shared by the whole process (building one costs ~0.6 s per document); Pango's
font map is not thread-safe, so renders in one process are serialised by a lock. The fonts are declared once,
in the base stylesheet: templates must not declare ``@font-face`` when ``for_pdf`` is true (each declaration
would be added to the shared configuration again). Resources are fetched only from ``data:`` URIs and the
vendored fonts folder — never from the network or elsewhere on disk.
"""

from __future__ import annotations

import atexit
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

FONTS_DIR = Path(__file__).resolve().parent / "static" / "documents" / "fonts"
FONT_FAMILY = "Noto Serif"
# (file, font-weight, font-style)
FONT_FACES: tuple[tuple[str, str, str], ...] = (
    ("NotoSerif-Regular.ttf", "normal", "normal"),
    ("NotoSerif-Bold.ttf", "bold", "normal"),
    ("NotoSerif-Italic.ttf", "normal", "italic"),
    ("NotoSerif-BoldItalic.ttf", "bold", "italic"),
)
# Decree 30/2020/NĐ-CP Appendix I, section I.4: the lower bound of each range.
PAGE_MARGINS_MM: Mapping[str, int] = {"top": 20, "right": 15, "bottom": 20, "left": 30}
BASE_FONT_SIZE_PT = 13

PANGO_PACKAGES = ("libpango-1.0-0", "libpangoft2-1.0-0")
PANGO_INSTALL = "apt-get install " + " ".join(PANGO_PACKAGES)
WEASYPRINT_INSTALL = "pip install 'weasyprint>=70,<71'"


class PdfUnavailable(RuntimeError):
    """PDF output cannot be produced on this machine (a missing package, library or font file).

    ``message`` is Vietnamese and names the missing piece and the install command; ``detail`` keeps the
    original error for the logs.
    """

    code = "pdf_unavailable"

    def __init__(self, message: str, *, missing: str, install: str, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.missing = missing
        self.install = install
        self.detail = detail

    def __str__(self) -> str:
        return self.message


def fonts_base_uri() -> str:
    """``file:///…/fonts/`` — where the PDF renderer finds the vendored font files."""
    return FONTS_DIR.as_uri() + "/"


def base_stylesheet(font_base: str) -> str:
    """The page box, the vendored font faces and the body text every generated PDF starts from.

    Given to WeasyPrint as a *user* stylesheet, so any template's own rules (e.g. a landscape ``@page``)
    take precedence.
    """
    faces = "\n".join(
        f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{font_base}{name}") format("truetype"); '
        f"font-weight: {weight}; font-style: {style}; }}"
        for name, weight, style in FONT_FACES
    )
    m = PAGE_MARGINS_MM
    return (
        f"{faces}\n"
        f"@page {{ size: A4; margin: {m['top']}mm {m['right']}mm {m['bottom']}mm {m['left']}mm; }}\n"
        f'html {{ font-family: "{FONT_FAMILY}", serif; font-size: {BASE_FONT_SIZE_PT}pt; '
        f"line-height: 1.35; color: #000; }}\n"
    )


@dataclass(frozen=True)
class _Engine:
    html: Any
    css: Any
    font_config: Any
    base_css: Any
    fetcher: Callable[[], Any]


_engine: _Engine | None = None
_load_lock = threading.Lock()
_render_lock = threading.Lock()


def _unavailable_weasyprint(exc: BaseException) -> PdfUnavailable:
    return PdfUnavailable(
        _(
            "Không tạo được tệp PDF: máy chủ chưa cài gói Python WeasyPrint. "
            "Quản trị viên cài bằng lệnh: %(command)s"
        )
        % {"command": WEASYPRINT_INSTALL},
        missing="WeasyPrint",
        install=WEASYPRINT_INSTALL,
        detail=repr(exc),
    )


def _unavailable_pango(exc: BaseException) -> PdfUnavailable:
    return PdfUnavailable(
        _(
            "Không tạo được tệp PDF: máy chủ thiếu thư viện hệ thống Pango (%(packages)s) mà WeasyPrint "
            "cần. Quản trị viên cài bằng lệnh: %(command)s"
        )
        % {"packages": ", ".join(PANGO_PACKAGES), "command": PANGO_INSTALL},
        missing="Pango",
        install=PANGO_INSTALL,
        detail=repr(exc),
    )


def _check_fonts() -> None:
    missing = [name for name, _w, _s in FONT_FACES if not (FONTS_DIR / name).is_file()]
    if missing:
        raise PdfUnavailable(
            _(
                "Không tạo được tệp PDF: thiếu tệp phông chữ %(files)s trong %(folder)s. "
                "Cài lại mã nguồn motcua để có đủ các tệp này."
            )
            % {"files": ", ".join(missing), "folder": str(FONTS_DIR)},
            missing="font",
            install="",
        )


def _allowed_file(url: str) -> bool:
    path = Path(unquote(urlsplit(url).path)).resolve()
    return path.is_relative_to(FONTS_DIR)


def _load_engine() -> _Engine:
    """Import WeasyPrint and build the shared font configuration, once per process."""
    global _engine
    if _engine is not None:
        return _engine
    with _load_lock:
        if _engine is not None:
            return _engine
        try:
            import weasyprint
            from weasyprint.text.fonts import FontConfiguration
            from weasyprint.urls import URLFetcher
        except ImportError as exc:
            # cffi raises OSError for a missing shared library, but a broken install can surface it as an
            # ImportError naming the library.
            if "pango" in str(exc).lower() or "gobject" in str(exc).lower():
                raise _unavailable_pango(exc) from exc
            raise _unavailable_weasyprint(exc) from exc
        except OSError as exc:
            raise _unavailable_pango(exc) from exc
        _check_fonts()

        class LocalOnlyFetcher(URLFetcher):  # type: ignore[misc]
            """Fetches ``data:`` URIs and the vendored font files; nothing from the network or elsewhere."""

            def fetch(self, url: str, headers: Any = None) -> Any:
                scheme = url.split(":", 1)[0].lower()
                if scheme == "data" or (scheme == "file" and _allowed_file(url)):
                    return super().fetch(url, headers)
                raise ValueError(f"motcua PDF renderer: resource not allowed: {url[:100]}")

        # WeasyPrint reports every layout step at INFO level; keep its warnings only.
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
        font_config = FontConfiguration()
        base_css = weasyprint.CSS(
            string=base_stylesheet(fonts_base_uri()),
            font_config=font_config,
            url_fetcher=LocalOnlyFetcher(),
        )
        _engine = _Engine(
            html=weasyprint.HTML,
            css=weasyprint.CSS,
            font_config=font_config,
            base_css=base_css,
            fetcher=LocalOnlyFetcher,
        )
        return _engine


@atexit.register
def _drop_engine() -> None:
    """Release the font configuration before the interpreter tears modules down (its ``__del__`` needs
    them)."""
    global _engine
    _engine = None


def _reset_engine_for_tests() -> None:
    global _engine
    with _load_lock:
        _engine = None


def pdf_available() -> bool:
    """Whether PDFs can be produced here (imports WeasyPrint on the first call)."""
    try:
        _load_engine()
    except PdfUnavailable:
        return False
    return True


def render_html_to_pdf(html: str, *, pdf_variant: str | None = None) -> bytes:
    """An HTML document (already rendered) as PDF bytes, with the base page and font stylesheet.

    ``pdf_variant`` is WeasyPrint's (e.g. ``"pdf/a-3b"`` for archival documents such as issued results)."""
    engine = _load_engine()
    options: dict[str, Any] = {"pdf_variant": pdf_variant} if pdf_variant else {}
    with _render_lock:
        document = engine.html(string=html, base_url=fonts_base_uri(), url_fetcher=engine.fetcher())
        pdf: bytes = document.write_pdf(
            stylesheets=[engine.base_css], font_config=engine.font_config, **options
        )
    return pdf


def render_pdf(template_name: str, context: Mapping[str, Any], *, pdf_variant: str | None = None) -> bytes:
    """Render a Django template to PDF bytes (A4, Decree 30 margins, Noto Serif 13 pt).

    The template sees ``for_pdf=True`` and ``font_base`` (the ``file://`` folder of the vendored fonts).
    Raises ``PdfUnavailable`` when WeasyPrint or its system libraries are missing.
    """
    _load_engine()  # fail before rendering the template when PDFs cannot be made at all
    html = render_to_string(template_name, {**context, "for_pdf": True, "font_base": fonts_base_uri()})
    return render_html_to_pdf(html, pdf_variant=pdf_variant)


def pdf_unavailable_response(
    request: HttpRequest | None, error: PdfUnavailable, *, html_url: str = ""
) -> HttpResponse:
    """A 503 page telling the user (and the administrator) why no PDF could be produced."""
    logger.error("PDF unavailable: %s (%s)", error.message, error.detail)
    body = render_to_string(
        "documents/pdf_unavailable.html", {"error": error, "html_url": html_url}, request=request
    )
    response = HttpResponse(body, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = "3600"
    return response


def pdf_bytes_response(pdf: bytes, *, filename: str, inline: bool = True) -> HttpResponse:
    """PDF bytes as an HTTP response (inline by default, with a UTF-8 safe file name)."""
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = content_disposition_header(not inline, filename)
    if disposition:
        response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    return response


def pdf_response(
    request: HttpRequest | None,
    render: Callable[[], bytes],
    *,
    filename: str,
    inline: bool = True,
    html_url: str = "",
) -> HttpResponse:
    """Call ``render`` (e.g. ``lambda: render_form_pdf(form)``) and answer with the PDF, or with the 503
    page when PDFs are unavailable on this machine. ``html_url`` links to the printable web version.
    """
    try:
        pdf = render()
    except PdfUnavailable as error:
        return pdf_unavailable_response(request, error, html_url=html_url)
    return pdf_bytes_response(pdf, filename=filename, inline=inline)
