"""The result documents as PDF: the electronic result generated from the procedure's result, and the
certification page appended to a scanned paper result. Both are signed afterwards (``signing.sign_pdf``).

The electronic result is PDF/A-3b (WeasyPrint's ``pdf_variant``; the PAdES signature is an incremental
update, which PDF/A allows). It carries the province and agency header, the holder, the result's name, the
dossier code, the decision note, the issue date, the validity and a QR code of the public verification page
(``MOTCUA_PUBLIC_URL`` + ``/verify/<code>/``) printed with the code.
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings

from motcua.documents.forms import qr_png_data_uri
from motcua.documents.pdf import render_pdf
from motcua.dossiers.procedure import procedure_spec
from motcua.org.models import OrgUnit, OrgUnitKind

from .models import IssuedResult, ResultKind

PDF_VARIANT = "pdf/a-3b"


def verify_url(code: str) -> str:
    base = str(getattr(settings, "MOTCUA_PUBLIC_URL", "") or "").rstrip("/")
    return f"{base}/verify/{code}/"


def issuer_lines(unit: OrgUnit) -> tuple[str, str]:
    """(the line above, the agency) of the header: "UBND TỈNH …" over the agency's own name."""
    province = f"UBND tỉnh {settings.MOTCUA_PROVINCE_NAME}"
    if unit.kind == OrgUnitKind.PROVINCE:
        return "", unit.name
    if unit.kind == OrgUnitKind.DIVISION and unit.parent is not None:
        return unit.parent.name, unit.name
    return province, unit.name


def _context(result: IssuedResult) -> dict[str, Any]:
    dossier = result.dossier
    spec = procedure_spec(dossier.procedure_version)
    parent, agency = issuer_lines(result.signer_unit)
    holder_id_label = "Số định danh cá nhân" if result.holder_kind == "person" else "Mã số thuế"
    return {
        "result": result,
        "dossier": dossier,
        "procedure_name": spec.name,
        "issuer_parent": parent,
        "issuer_unit": agency,
        "province": settings.MOTCUA_PROVINCE_NAME,
        "holder_id_label": holder_id_label,
        "verify_url": verify_url(result.code),
        "qr": qr_png_data_uri(verify_url(result.code)),
        "issued_at": result.issued_at,
    }


def render_result_pdf(result: IssuedResult) -> bytes:
    """The unsigned electronic result (PDF/A-3b); ``result.issued_at`` is the date printed."""
    return render_pdf("results/result.html", _context(result), pdf_variant=PDF_VARIANT)


def render_certification_page(result: IssuedResult, *, scan_pages: int) -> bytes:
    """The page appended to a scanned paper result: certified electronic copy, with the QR code."""
    return render_pdf("results/certified_copy.html", {**_context(result), "scan_pages": scan_pages})


# -- scans -----------------------------------------------------------------------------------------------

#: A5 is 148 × 210 mm: a page smaller than that (in points, 1/72 in) is not a readable scan of a result.
A5_SHORT_PT = 148 / 25.4 * 72 - 2
A5_LONG_PT = 210 / 25.4 * 72 - 2
#: An image must be at least this many pixels on its short side (≈ A4 at 120 dpi) to be readable.
MIN_IMAGE_SHORT_SIDE_PX = 1000


def images_to_pdf(images: list[bytes]) -> bytes:
    """Checked JPEG/PNG scans as one PDF, one page per image, at 150 dpi."""
    from PIL import Image

    pages = []
    for data in images:
        with Image.open(io.BytesIO(data)) as image:
            pages.append(image.convert("RGB"))
    buffer = io.BytesIO()
    pages[0].save(buffer, format="PDF", save_all=True, append_images=pages[1:], resolution=150.0)
    return buffer.getvalue()


def pdf_page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    """(width, height) in points of each page of a checked PDF."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return [(float(page.mediabox.width), float(page.mediabox.height)) for page in reader.pages]


def concat_pdfs(parts: list[bytes]) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(io.BytesIO(part))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


__all__ = [
    "A5_LONG_PT",
    "A5_SHORT_PT",
    "MIN_IMAGE_SHORT_SIDE_PX",
    "ResultKind",
    "concat_pdfs",
    "images_to_pdf",
    "page_count",
    "pdf_page_sizes",
    "render_certification_page",
    "render_result_pdf",
    "verify_url",
]
