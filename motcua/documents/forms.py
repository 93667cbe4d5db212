"""The official one-stop forms of Circular 03/2025/TT-VPCP, Appendix I, as typed frozen dataclasses.

Each form is plain data (no model, no query): the dossier services fill one and render it with
``render_form_pdf(form)`` (A4 PDF bytes) or ``render_form_html(form)`` (the same template as a printable web
page). Templates are versioned (``documents/forms/<version>/<slug>.html``); a form keeps the ``version`` it
was issued under, so an old form re-renders as it was printed.

| TT 03/2025 | TT 01/2018 | class |
|---|---|---|
| Mẫu số 01 Giấy tiếp nhận hồ sơ và hẹn trả kết quả | Mẫu số 01 | ``ReceiptForm`` |
| Mẫu số 02 Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ | Mẫu số 02 | ``SupplementRequestForm`` |
| Mẫu số 03 Phiếu từ chối tiếp nhận giải quyết hồ sơ | Mẫu số 03 | ``RefusalForm`` |
| Mẫu số 04 Phiếu xin lỗi và hẹn lại ngày trả kết quả | Mẫu số 04 | ``ApologyForm`` |
| Mẫu số 05 Thông báo dừng giải quyết hồ sơ | — (new in 2025) | ``StopNoticeForm`` |
| Mẫu số 06 Phiếu kiểm soát quá trình giải quyết hồ sơ | Mẫu số 05 | ``ControlSheetForm`` |
| Mẫu số 07 Sổ theo dõi hồ sơ | Mẫu số 06 | ``TrackingLedgerForm`` |

The 2025 field lists are UNVERIFIED (shared regulations §2): the fields follow the 2018 forms and the
Thanh Hóa system's printouts, and every title can be overridden (``title=``), which matters for form 04 whose
2025 title is uncertain.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import io
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.templatetags.static import static

from .formatting import local
from .pdf import pdf_response, render_pdf

CURRENT_VERSION = "tt03-2025.v1"
VERSIONS: frozenset[str] = frozenset({CURRENT_VERSION})

SIGN_HINT = "(Ký và ghi rõ họ tên)"
SEAL_HINT = "(Ký, ghi rõ họ tên và đóng dấu)"


class Outcome(StrEnum):
    """How a hand-over (or a dossier) finished against its budget."""

    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]


OUTCOME_LABELS: dict[Outcome, str] = {
    Outcome.EARLY: "Trước hạn",
    Outcome.ON_TIME: "Đúng hạn",
    Outcome.LATE: "Quá hạn",
}


# --- parts shared by the forms -------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Issuer:
    """The unit issuing the form, as printed top left, and the place name of the date line.

    ``parent`` is the governing body (cơ quan chủ quản, e.g. "UBND TỈNH THANH HÓA"), ``name`` the unit
    (e.g. "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH"), ``place`` the place name ("Thanh Hóa").
    """

    name: str
    parent: str = ""
    place: str = ""


@dataclass(frozen=True, kw_only=True)
class Applicant:
    """The person or organisation the dossier is for. ``id_number`` is the personal ID (CCCD) or, for an
    organisation, the enterprise/tax code; ``representative`` the person who submitted on their behalf.
    """

    name: str
    address: str = ""
    phone: str = ""
    email: str = ""
    id_number: str = ""
    representative: str = ""


@dataclass(frozen=True, kw_only=True)
class Signer:
    """A signature block: ``title`` in capitals (e.g. "NGƯỜI TIẾP NHẬN HỒ SƠ"), an optional ``acting``
    line above it (e.g. "KT. GIÁM ĐỐC"), the ``hint`` in italics, and the printed ``name`` (blank on a
    form to be signed by hand).
    """

    title: str
    name: str = ""
    hint: str = SIGN_HINT
    acting: str = ""


@dataclass(frozen=True, kw_only=True)
class ComponentLine:
    """One component of the dossier on the receipt: ``form`` is "Bản chính", "Bản sao", "Bản sao chứng
    thực", "Bản điện tử"…, ``quantity`` the number of copies, ``pages`` the digitised page count if known.
    """

    name: str
    form: str = ""
    quantity: int = 1
    pages: int | None = None
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class SupplementItem:
    """One thing to add or correct: the component and what is asked of it."""

    name: str
    requirement: str = ""
    quantity: int | None = None


@dataclass(frozen=True, kw_only=True)
class Handover:
    """One hand-over of the dossier, a row of the process control sheet (form 06)."""

    giver_unit: str
    giver_person: str = ""
    receiver_unit: str
    receiver_person: str = ""
    handed_over_at: dt.datetime
    received_at: dt.datetime | None = None
    outcome: Outcome | None = None
    note: str = ""

    def __post_init__(self) -> None:
        local(self.handed_over_at)
        if self.received_at is not None:
            local(self.received_at)


@dataclass(frozen=True, kw_only=True)
class LedgerRow:
    """One dossier in the tracking ledger (form 07)."""

    dossier_code: str
    request: str
    applicant_name: str
    received_at: dt.datetime
    sets: int = 1
    applicant_address: str = ""
    applicant_phone: str = ""
    resolving_unit: str = ""
    due_at: dt.datetime | None = None
    transferred_at: dt.datetime | None = None
    result_received_at: dt.datetime | None = None
    returned_at: dt.datetime | None = None
    note: str = ""

    def __post_init__(self) -> None:
        for moment in (
            self.received_at,
            self.due_at,
            self.transferred_at,
            self.result_received_at,
            self.returned_at,
        ):
            if moment is not None:
                local(moment)


# --- the forms ----------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class OfficialForm:
    """What every form has: the issuer, the date of the date line, the document number ("Số: …"), the
    template version and an optional title overriding the form's default title.
    """

    NUMBER: ClassVar[str] = ""
    TT01_2018_NUMBER: ClassVar[str | None] = None
    SLUG: ClassVar[str] = ""
    DEFAULT_TITLE: ClassVar[str] = ""
    LANDSCAPE: ClassVar[bool] = False

    issuer: Issuer
    issued_on: dt.date | None = None
    document_number: str = ""
    title: str = ""
    version: str = CURRENT_VERSION

    def __post_init__(self) -> None:
        if self.version not in VERSIONS:
            raise ValueError(f"unknown form template version {self.version!r}; known: {sorted(VERSIONS)}")
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            if isinstance(value, dt.datetime):
                local(value)  # refuses naive datetimes

    @property
    def template_name(self) -> str:
        return f"documents/forms/{self.version}/{self.SLUG}.html"

    @property
    def heading(self) -> str:
        """The title printed on the form."""
        return self.title or self.DEFAULT_TITLE

    @property
    def form_label(self) -> str:
        return f"Mẫu số {self.NUMBER}"

    def filename(self) -> str:
        """A file name for the PDF: ``mau-01-H56.40-261126-0001.pdf`` (the issue date without a code)."""
        code = str(getattr(self, "dossier_code", "") or "")
        if not code and self.issued_on is not None:
            code = f"{self.issued_on:%Y%m%d}"
        safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in ".-") else "-" for ch in code)
        return f"mau-{self.NUMBER}-{safe}.pdf" if safe else f"mau-{self.NUMBER}.pdf"

    def extra_context(self) -> dict[str, Any]:
        return {}


@dataclass(frozen=True, kw_only=True)
class ReceiptForm(OfficialForm):
    """Mẫu số 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả (TT 01/2018: Mẫu số 01).

    ``request`` is the content asked for (usually the procedure's name), ``processing_time`` the legal time
    limit as text ("05 ngày làm việc"), ``return_method`` where/how the result is returned, ``status_url``
    the public status page encoded in the QR code, ``ledger_book``/``ledger_entry`` the tracking-ledger
    book and line, ``fee_vnd`` the fees and charges due (None: not printed).
    """

    NUMBER: ClassVar[str] = "01"
    TT01_2018_NUMBER: ClassVar[str | None] = "01"
    SLUG: ClassVar[str] = "01-giay-tiep-nhan"
    DEFAULT_TITLE: ClassVar[str] = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"

    dossier_code: str
    applicant: Applicant
    request: str
    received_at: dt.datetime
    due_at: dt.datetime
    processing_time: str = ""
    components: tuple[ComponentLine, ...] = ()
    sets: int = 1
    receiving_point: str = ""
    channel: str = ""
    return_method: str = "Tại Bộ phận Một cửa"
    fee_vnd: int | None = None
    ledger_book: str = ""
    ledger_entry: str = ""
    status_url: str = ""
    copy_label: str = ""
    submitter: Signer = Signer(title="NGƯỜI NỘP HỒ SƠ")
    receiver: Signer = Signer(title="NGƯỜI TIẾP NHẬN HỒ SƠ")

    @property
    def qr_data_uri(self) -> str:
        return qr_png_data_uri(self.status_url) if self.status_url else ""

    def extra_context(self) -> dict[str, Any]:
        return {"receiving_point": self.receiving_point or self.issuer.name}


@dataclass(frozen=True, kw_only=True)
class SupplementRequestForm(OfficialForm):
    """Mẫu số 02 — Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (TT 01/2018: Mẫu số 02).

    ``items`` lists everything to add or correct (the request is made once only), ``reason`` why,
    ``contact_*`` who guides the applicant, ``deadline`` the last day to supplement (optional).
    """

    NUMBER: ClassVar[str] = "02"
    TT01_2018_NUMBER: ClassVar[str | None] = "02"
    SLUG: ClassVar[str] = "02-yeu-cau-bo-sung"
    DEFAULT_TITLE: ClassVar[str] = "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"

    dossier_code: str
    applicant: Applicant
    request: str
    items: tuple[SupplementItem, ...]
    received_at: dt.datetime | None = None
    reason: str = ""
    contact_name: str = ""
    contact_unit: str = ""
    contact_phone: str = ""
    deadline: dt.date | None = None
    signer: Signer = Signer(title="NGƯỜI HƯỚNG DẪN")


@dataclass(frozen=True, kw_only=True)
class RefusalForm(OfficialForm):
    """Mẫu số 03 — Phiếu từ chối tiếp nhận giải quyết hồ sơ (TT 01/2018: Mẫu số 03).

    ``legal_basis`` is the provision relied on, ``reasons`` the specific reasons (one per line).
    """

    NUMBER: ClassVar[str] = "03"
    TT01_2018_NUMBER: ClassVar[str | None] = "03"
    SLUG: ClassVar[str] = "03-tu-choi"
    DEFAULT_TITLE: ClassVar[str] = "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"

    applicant: Applicant
    request: str
    reasons: tuple[str, ...]
    dossier_code: str = ""
    received_at: dt.datetime | None = None
    receiving_point: str = ""
    legal_basis: str = ""
    signer: Signer = Signer(title="NGƯỜI TIẾP NHẬN HỒ SƠ")

    def extra_context(self) -> dict[str, Any]:
        return {"receiving_point": self.receiving_point or self.issuer.name}


APOLOGY_TITLE = "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"


@dataclass(frozen=True, kw_only=True)
class ApologyForm(OfficialForm):
    """Mẫu số 04 — Phiếu xin lỗi và hẹn lại ngày trả kết quả (TT 01/2018: Mẫu số 04).

    The exact 2025 title is UNVERIFIED ("Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết" in some
    sources): pass ``title=`` to print another. ``processing_unit`` is the unit at fault (default: the
    issuer), ``new_due_at`` the new appointment (the apology and new date are allowed once only).
    """

    NUMBER: ClassVar[str] = "04"
    TT01_2018_NUMBER: ClassVar[str | None] = "04"
    SLUG: ClassVar[str] = "04-xin-loi"
    DEFAULT_TITLE: ClassVar[str] = APOLOGY_TITLE

    dossier_code: str
    applicant: Applicant
    request: str
    received_at: dt.datetime
    original_due_at: dt.datetime
    new_due_at: dt.datetime
    reason: str
    processing_unit: str = ""
    recipients: tuple[str, ...] = ()
    signer: Signer = Signer(title="THỦ TRƯỞNG CƠ QUAN", hint=SEAL_HINT)

    def extra_context(self) -> dict[str, Any]:
        return {"processing_unit": self.processing_unit or self.issuer.name}


STOP_LEGAL_BASIS = (
    "Căn cứ Điều 21 Nghị định số 118/2025/NĐ-CP ngày 09 tháng 6 năm 2025 của Chính phủ và Điều 7 "
    "Thông tư số 03/2025/TT-VPCP ngày 15 tháng 9 năm 2025 của Văn phòng Chính phủ"
)


@dataclass(frozen=True, kw_only=True)
class StopNoticeForm(OfficialForm):
    """Mẫu số 05 — Thông báo dừng giải quyết hồ sơ (TT 03/2025 Art 7; no 2018 equivalent).

    Issued when the applicant withdraws before a decision exists. ``requested_at`` is when they asked,
    ``reason`` the reason stated, ``returned_documents`` what is handed back and how.
    """

    NUMBER: ClassVar[str] = "05"
    TT01_2018_NUMBER: ClassVar[str | None] = None
    SLUG: ClassVar[str] = "05-dung-giai-quyet"
    DEFAULT_TITLE: ClassVar[str] = "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"

    dossier_code: str
    applicant: Applicant
    request: str
    received_at: dt.datetime
    requested_at: dt.datetime | None = None
    reason: str = "Theo đề nghị của tổ chức, cá nhân"
    legal_basis: str = STOP_LEGAL_BASIS
    returned_documents: str = ""
    processing_unit: str = ""
    recipients: tuple[str, ...] = ()
    signer: Signer = Signer(title="THỦ TRƯỞNG CƠ QUAN", hint=SEAL_HINT)

    def extra_context(self) -> dict[str, Any]:
        return {"processing_unit": self.processing_unit or self.issuer.name}


@dataclass(frozen=True, kw_only=True)
class ControlSheetForm(OfficialForm):
    """Mẫu số 06 — Phiếu kiểm soát quá trình giải quyết hồ sơ (TT 01/2018: Mẫu số 05).

    One ``Handover`` row per hand-over (giver unit/person, receiver unit/person, handed over at, received
    at, early/on time/late, note), in order.
    """

    NUMBER: ClassVar[str] = "06"
    TT01_2018_NUMBER: ClassVar[str | None] = "05"
    SLUG: ClassVar[str] = "06-phieu-kiem-soat"
    DEFAULT_TITLE: ClassVar[str] = "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"

    dossier_code: str
    applicant_name: str
    resolving_unit: str
    handovers: tuple[Handover, ...]
    request: str = ""
    received_at: dt.datetime | None = None
    due_at: dt.datetime | None = None
    coordinating_units: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class TrackingLedgerForm(OfficialForm):
    """Mẫu số 07 — Sổ theo dõi hồ sơ (TT 01/2018: Mẫu số 06), A4 landscape.

    The dossiers received at ``receiving_point`` between ``period_start`` and ``period_end`` (inclusive),
    one ``LedgerRow`` each; ``book_number`` is the ledger book ("Quyển số").
    """

    NUMBER: ClassVar[str] = "07"
    TT01_2018_NUMBER: ClassVar[str | None] = "06"
    SLUG: ClassVar[str] = "07-so-theo-doi"
    DEFAULT_TITLE: ClassVar[str] = "SỔ THEO DÕI HỒ SƠ"
    LANDSCAPE: ClassVar[bool] = True

    receiving_point: str
    period_start: dt.date
    period_end: dt.date
    rows: tuple[LedgerRow, ...]
    book_number: str = ""
    signer: Signer | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.period_end < self.period_start:
            raise ValueError("period_end before period_start")

    def filename(self) -> str:
        return f"mau-07-so-theo-doi-{self.period_start:%Y%m%d}-{self.period_end:%Y%m%d}.pdf"


ALL_FORMS: tuple[type[OfficialForm], ...] = (
    ReceiptForm,
    SupplementRequestForm,
    RefusalForm,
    ApologyForm,
    StopNoticeForm,
    ControlSheetForm,
    TrackingLedgerForm,
)


# --- QR code ----------------------------------------------------------------------------------------

QR_BOX_SIZE = 8
QR_BORDER = 4


def qr_png(text: str, *, box_size: int = QR_BOX_SIZE, border: int = QR_BORDER) -> bytes:
    """A QR code (error correction M) of ``text`` as a black-and-white PNG."""
    import qrcode
    from qrcode.image.pil import PilImage

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=border)
    code.add_data(text)
    code.make(fit=True)
    image = code.make_image(image_factory=PilImage)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def qr_png_data_uri(text: str) -> str:
    """``data:image/png;base64,…`` of ``qr_png(text)``, for an ``<img>`` in HTML and PDF alike."""
    return "data:image/png;base64," + base64.b64encode(qr_png(text)).decode("ascii")


# --- rendering --------------------------------------------------------------------------------------


def form_context(form: OfficialForm) -> dict[str, Any]:
    return {
        "form": form,
        "heading": form.heading,
        "landscape": form.LANDSCAPE,
        **form.extra_context(),
    }


def render_form_html(form: OfficialForm, *, request: HttpRequest | None = None) -> str:
    """The form as a standalone printable web page (screen and print stylesheets, fonts as static files)."""
    font_base = static("documents/fonts/")
    context = {**form_context(form), "for_pdf": False, "font_base": font_base}
    return render_to_string(form.template_name, context, request=request)


def render_form_pdf(form: OfficialForm) -> bytes:
    """The form as A4 PDF bytes. Raises ``motcua.documents.pdf.PdfUnavailable`` when PDFs cannot be made."""
    return render_pdf(form.template_name, form_context(form))


def form_pdf_response(
    request: HttpRequest | None,
    form: OfficialForm,
    *,
    inline: bool = True,
    html_url: str = "",
    filename: str = "",
) -> HttpResponse:
    """A view's answer: the form's PDF, or the 503 page naming what is missing (never a traceback)."""
    return pdf_response(
        request,
        lambda: render_form_pdf(form),
        filename=filename or form.filename(),
        inline=inline,
        html_url=html_url,
    )


__all__ = [
    "ALL_FORMS",
    "APOLOGY_TITLE",
    "CURRENT_VERSION",
    "OUTCOME_LABELS",
    "VERSIONS",
    "ApologyForm",
    "Applicant",
    "ComponentLine",
    "ControlSheetForm",
    "Handover",
    "Issuer",
    "LedgerRow",
    "OfficialForm",
    "Outcome",
    "ReceiptForm",
    "RefusalForm",
    "Signer",
    "StopNoticeForm",
    "SupplementItem",
    "SupplementRequestForm",
    "TrackingLedgerForm",
    "form_context",
    "form_pdf_response",
    "qr_png",
    "qr_png_data_uri",
    "render_form_html",
    "render_form_pdf",
]
