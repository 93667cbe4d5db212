"""Checking an uploaded file before anything stores it: by content, size, pixels, pages and count.

``check_upload(file, max_bytes=...)`` reads the file (never more than ``max_bytes`` + 1 bytes), tells its
type from its first bytes — never from its name or the content type the client declared —, checks that it is
a well-formed PDF, JPEG or PNG within the limits, and returns a ``CheckedUpload`` (kind, size, SHA-256, page
count, image size, a safe file name). Anything else raises ``UploadRejected`` with a stable ``code`` and a
Vietnamese message. This module writes nothing anywhere: the caller stores the file only after the check
passed, so a rejected file leaves nothing behind.

Refused, with their codes:

==============================  ==========================================================================
``upload_empty``                no bytes at all
``upload_too_large``            more than ``max_bytes``
``upload_type_not_allowed``     content other than the allowed kinds (HTML, SVG, ZIP/Office, GIF, HEIC, …)
``upload_polyglot``             HTML/script markup at the start, active content (HTML, ZIP, PDF,
                                executable) hidden after the end of the image or PDF, or server code or
                                markup (PHP, script, HTML) in an image's metadata (EXIF, XMP, comments,
                                PNG text chunks)
``upload_image_pixels``         more pixels than ``max_pixels`` (decompression bomb guard)
``upload_image_corrupt``        an image that does not decode completely (truncated, broken)
``upload_pdf_corrupt``          a PDF that cannot be parsed, or is truncated
``upload_pdf_encrypted``        a password-protected PDF
``upload_pdf_active_content``   JavaScript, launch/submit actions, embedded files, XFA or rich media
``upload_pdf_too_many_pages``   more pages than ``max_pages``
``upload_filename_invalid``     a name that is nothing once paths and control characters are removed
``upload_too_many_files``       ``check_upload_count``: more files than allowed
``upload_archive_*``,           ``check_office_container`` (the Excel imports, before openpyxl reads
``upload_xml_entities``         them): zip bombs, nested archives, XML with a DTD or entities
==============================  ==========================================================================
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import threading
import unicodedata
import warnings
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

KIND_PDF: Final = "pdf"
KIND_JPEG: Final = "jpeg"
KIND_PNG: Final = "png"
KINDS: Final = (KIND_PDF, KIND_JPEG, KIND_PNG)
CONTENT_TYPES: Final = {KIND_PDF: "application/pdf", KIND_JPEG: "image/jpeg", KIND_PNG: "image/png"}
EXTENSIONS: Final = {KIND_PDF: "pdf", KIND_JPEG: "jpg", KIND_PNG: "png"}
KIND_LABELS: Final = {KIND_PDF: "PDF", KIND_JPEG: "JPEG", KIND_PNG: "PNG"}

# 40 megapixels: an A4 page scanned at 600 dpi is 35 MP; an A3 page at 400 dpi is 31 MP.
DEFAULT_MAX_PIXELS: Final = 40_000_000
MAX_FILENAME_CHARS: Final = 120
FALLBACK_FILENAME: Final = "tep-dinh-kem"
_PDF_MAX_OBJECTS: Final = 200_000

PNG_MAGIC: Final = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC: Final = b"\xff\xd8\xff"
PDF_MAGIC: Final = b"%PDF-"


class UploadRejected(ValidationError):
    """An uploaded file refused, with a stable ``code`` for APIs and a Vietnamese ``message``.

    A ``ValidationError``, so a Django form field that raises it shows the message next to the field.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, code=code)
        self.code: str = code
        self.message: str = message

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"UploadRejected({self.code!r}, {self.message!r})"


@dataclass(frozen=True)
class CheckedUpload:
    """What the check learned about an accepted file. ``page_count`` is 1 for an image; ``width`` and
    ``height`` (pixels) are ``None`` for a PDF. ``filename`` is safe to store and show, with the extension
    of the real content.
    """

    kind: str
    size: int
    sha256: str
    filename: str
    content_type: str
    page_count: int
    width: int | None = None
    height: int | None = None


# --- reading ---------------------------------------------------------------------------------------------


def _megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") + " MB"


def _too_large(size: int | None, max_bytes: int) -> UploadRejected:
    if size is None:
        message = _("Tệp quá lớn: dung lượng tối đa cho phép là %(max)s.") % {"max": _megabytes(max_bytes)}
    else:
        message = _("Tệp quá lớn (%(size)s): dung lượng tối đa cho phép là %(max)s.") % {
            "size": _megabytes(size),
            "max": _megabytes(max_bytes),
        }
    return UploadRejected("upload_too_large", message)


def _read_limited(file: Any, max_bytes: int) -> bytes:
    """At most ``max_bytes`` + 1 bytes of ``file`` (bytes, a Django ``File``/``UploadedFile`` or any binary
    file object), rewound afterwards so the caller can store it."""
    if isinstance(file, bytes | bytearray | memoryview):
        data = bytes(file)
        if len(data) > max_bytes:
            raise _too_large(len(data), max_bytes)
        return data
    declared = getattr(file, "size", None)
    if isinstance(declared, int) and declared > max_bytes:
        raise _too_large(declared, max_bytes)
    with contextlib.suppress(AttributeError, OSError, ValueError):
        file.seek(0)
    buffer = bytearray()
    if hasattr(file, "chunks"):
        for chunk in file.chunks():
            buffer += chunk
            if len(buffer) > max_bytes:
                break
    else:
        while len(buffer) <= max_bytes:
            chunk = file.read(max_bytes + 1 - len(buffer))
            if not chunk:
                break
            buffer += chunk
    with contextlib.suppress(AttributeError, OSError, ValueError):
        file.seek(0)
    if len(buffer) > max_bytes:
        raise _too_large(declared if isinstance(declared, int) else None, max_bytes)
    return bytes(buffer)


# --- telling the type by content -------------------------------------------------------------------------

_OTHER_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "ZIP (hoặc Word/Excel)"),
    (b"PK\x05\x06", "ZIP"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Word/Excel đời cũ"),
    (b"Rar!", "RAR"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip"),
    (b"\x1f\x8b", "GZIP"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"MZ", "chương trình Windows (EXE)"),
    (b"\x7fELF", "chương trình (ELF)"),
    (b"{\\rtf", "RTF"),
)
# Markup that makes a browser or a sniffer take the file for HTML (checked at the start of accepted kinds).
_HTML_HEAD = re.compile(
    rb"<\s*(?:!doctype\s+html|html|head|body|script|iframe|object|embed|svg)\b", re.IGNORECASE
)
# Wider, only to name the content of a refused file.
_MARKUP = re.compile(
    rb"<\s*(?:!doctype\s+html|html|head|body|script|iframe|object|embed|svg|\?xml|meta|div|form|style|"
    rb"link|title|p)\b",
    re.IGNORECASE,
)
_ACTIVE_TRAILER = re.compile(
    rb"<\s*(?:!doctype|html|script|svg|iframe|body|\?xml)|PK\x03\x04|PK\x05\x06|%PDF-|\x7fELF|#!\s*/",
    re.IGNORECASE,
)


def sniff(data: bytes) -> str | None:
    """``"pdf"``, ``"jpeg"`` or ``"png"`` when the first bytes say so, else ``None``."""
    if data.startswith(PDF_MAGIC):
        return KIND_PDF
    if data.startswith(PNG_MAGIC):
        return KIND_PNG
    if data.startswith(JPEG_MAGIC):
        return KIND_JPEG
    return None


def describe_content(data: bytes) -> str:
    """A human name for content that is not an allowed kind (for the error message)."""
    kind = sniff(data)
    if kind:
        return KIND_LABELS[kind]
    for magic, label in _OTHER_SIGNATURES:
        if data.startswith(magic):
            return label
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypmsf1", b"ftyphevc"):
        return "HEIC"
    if data[4:8] == b"ftyp":
        return "video MP4/MOV"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "WebP"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if re.match(rb"<\?xml|<svg", head, re.IGNORECASE) and b"<svg" in head.lower():
        return "SVG"
    if _MARKUP.search(head):
        return "HTML"
    return _("không xác định")


def _allowed_names(allowed: Iterable[str]) -> str:
    labels = [KIND_LABELS[kind] for kind in allowed]
    if len(labels) == 1:
        return labels[0]
    return ", ".join(labels[:-1]) + " " + _("hoặc") + " " + labels[-1]


# --- file names ------------------------------------------------------------------------------------------

_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(1, 10)} | {f"LPT{i}" for i in range(1, 10)}
)
_UNSAFE_CHARS = frozenset('<>:"|?*')


def normalize_filename(name: str | None, *, kind: str | None = None) -> str:
    """A safe file name: the last path component only, NFC (Vietnamese letters kept as they are), no
    control or invisible formatting characters (e.g. the right-to-left override), no characters Windows
    forbids, no leading dots, at most 120 characters before the extension, and — given ``kind`` — the
    extension of the real content (``.pdf``, ``.jpg``, ``.png``).

    A missing name gives ``tep-dinh-kem``; a name that is nothing once cleaned is refused
    (``upload_filename_invalid``).
    """
    if name is None or name == "":
        stem, ext = FALLBACK_FILENAME, ""
    else:
        text = unicodedata.normalize("NFC", str(name)).replace("\\", "/")
        base = text.rsplit("/", 1)[-1]
        kept: list[str] = []
        for ch in base:
            category = unicodedata.category(ch)
            if ch.isspace():
                kept.append(" ")
            elif category[0] == "C":  # Cc control, Cf format (bidi overrides, zero-width), Cs, Co, Cn
                continue
            elif ch in _UNSAFE_CHARS:
                kept.append("_")
            else:
                kept.append(ch)
        base = " ".join("".join(kept).split()).strip(" .")
        stem, dot, ext = base.rpartition(".")
        if not dot:
            stem, ext = base, ""
        stem = stem.strip(" ._-")
        if not stem and ext and not kind:
            stem, ext = ext, ""
        if not stem:
            raise UploadRejected(
                "upload_filename_invalid",
                _("Tên tệp “%(name)s” không hợp lệ: hãy đặt tên tệp gồm chữ hoặc số.")
                % {"name": str(name)[:60].encode("unicode_escape").decode("ascii")},
            )
    stem = stem[:MAX_FILENAME_CHARS].rstrip(" .")
    if stem.split(".")[0].upper() in _WINDOWS_RESERVED:
        stem = "_" + stem
    ext = EXTENSIONS[kind] if kind is not None else ext[:10].lower()
    return f"{stem}.{ext}" if ext else stem


# --- images ----------------------------------------------------------------------------------------------

_pillow_lock = threading.Lock()


@contextlib.contextmanager
def _pixel_limit(max_pixels: int) -> Iterator[None]:
    """Pillow's own decompression-bomb guard set to ``max_pixels`` while the header is read (the limit is a
    module global, so the override is serialised), with its warning turned into an error."""
    from PIL import Image

    with _pillow_lock:
        previous = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = max_pixels
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                yield
        finally:
            Image.MAX_IMAGE_PIXELS = previous


def _pixels_rejected(width: int, height: int, max_pixels: int) -> UploadRejected:
    return UploadRejected(
        "upload_image_pixels",
        _(
            "Ảnh quá lớn (%(width)s × %(height)s điểm ảnh): tối đa %(max)s triệu điểm ảnh. "
            "Hãy chụp hoặc quét lại với độ phân giải thấp hơn (300 dpi là đủ)."
        )
        % {"width": width, "height": height, "max": f"{max_pixels / 1_000_000:g}".replace(".", ",")},
    )


def _corrupt_image(kind: str) -> UploadRejected:
    return UploadRejected(
        "upload_image_corrupt",
        _("Tệp ảnh %(kind)s bị hỏng hoặc không đầy đủ, không đọc được. Hãy chụp hoặc quét lại.")
        % {"kind": KIND_LABELS[kind]},
    )


def _png_end(data: bytes) -> int:
    """The offset just after the IEND chunk; ValueError when the chunk structure is broken or truncated."""
    offset = len(PNG_MAGIC)
    for _chunk in range(1_000_000):
        if offset + 12 > len(data):
            raise ValueError("truncated PNG chunk")
        length = int.from_bytes(data[offset : offset + 4], "big")
        chunk_type = data[offset + 4 : offset + 8]
        offset += 12 + length
        if offset > len(data):
            raise ValueError("truncated PNG chunk data")
        if chunk_type == b"IEND":
            return offset
    raise ValueError("too many PNG chunks")


def _jpeg_end(data: bytes) -> int:
    """The offset just after the end-of-image marker, found by walking the segments (so an EXIF thumbnail's
    own marker inside APP1 is skipped) and the entropy-coded data after each start-of-scan; ValueError when
    the structure is broken or truncated."""
    size = len(data)
    i = 2
    while i < size:
        if data[i] != 0xFF:
            raise ValueError("JPEG marker expected")
        while i < size and data[i] == 0xFF:  # fill bytes
            i += 1
        if i >= size:
            break
        marker = data[i]
        i += 1
        if marker == 0xD9:
            return i
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # standalone markers
            continue
        if i + 2 > size:
            break
        length = int.from_bytes(data[i : i + 2], "big")
        if length < 2 or i + length > size:
            break
        i += length
        if marker == 0xDA:  # start of scan: entropy-coded data runs to the next real marker
            while True:
                j = data.find(b"\xff", i)
                if j < 0 or j + 1 >= size:
                    raise ValueError("truncated JPEG scan")
                following = data[j + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    i = j + 2
                elif following == 0xFF:
                    i = j + 1
                else:
                    i = j
                    break
    raise ValueError("truncated JPEG")


def _check_trailer(data: bytes, end: int) -> None:
    trailer = data[end:]
    if trailer.strip(b"\x00 \t\r\n") and _ACTIVE_TRAILER.search(trailer):
        raise UploadRejected(
            "upload_polyglot",
            _(
                "Tệp chứa thêm nội dung khác (HTML, mã chạy hoặc tệp nén) sau phần dữ liệu chính nên không "
                "được chấp nhận. Hãy lưu lại tệp bằng ứng dụng khác rồi tải lên."
            ),
        )


# Server-side code or markup hidden in an image's metadata (EXIF, XMP, comments, PNG text chunks): the mark
# of a polyglot made to be run by another server or viewer. Only patterns of six bytes or more, so that
# the binary parts of the metadata (thumbnails, colour profiles) cannot match by chance.
_HIDDEN_CODE = re.compile(
    rb"<\?php|<script\b|<html\b|<iframe\b|<object\b|<embed\b|<svg[\s/>]|<body[\s/>]|<!doctype\s+html"
    rb"|javascript:",
    re.IGNORECASE,
)
_PNG_TEXT_MAX: Final = 1024 * 1024  # inflate at most this much of one compressed PNG text chunk


def _jpeg_metadata(data: bytes) -> bytes:
    """The segments before the first start-of-scan (APPn: EXIF, XMP, ICC; COM), or all that could be
    walked of them."""
    i = 2
    while i + 4 <= len(data) and data[i] == 0xFF:
        marker = data[i + 1]
        if marker == 0xDA:
            break
        if marker == 0x01 or 0xD0 <= marker <= 0xD8 or marker == 0xFF:
            i += 1 if marker == 0xFF else 2
            continue
        i += 2 + int.from_bytes(data[i + 2 : i + 4], "big")
    return data[:i]


def _png_metadata(data: bytes) -> bytes:
    """Every chunk but the image data, with compressed text (zTXt, compressed iTXt) inflated up to a cap."""
    out = bytearray()
    offset = len(PNG_MAGIC)
    while offset + 12 <= len(data):
        length = int.from_bytes(data[offset : offset + 4], "big")
        chunk_type = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        offset += 12 + length
        if chunk_type in (b"IDAT", b"IEND"):
            continue
        out += body
        compressed = b""
        if chunk_type == b"zTXt":
            compressed = body.partition(b"\x00")[2][1:]
        elif chunk_type == b"iTXt":
            keyword_rest = body.partition(b"\x00")[2]
            if keyword_rest[:1] == b"\x01":
                compressed = keyword_rest[2:].partition(b"\x00")[2].partition(b"\x00")[2]
        if compressed:
            with contextlib.suppress(zlib.error):
                out += zlib.decompressobj().decompress(compressed, _PNG_TEXT_MAX)
    return bytes(out)


def _check_metadata(data: bytes, kind: str) -> None:
    metadata = _png_metadata(data) if kind == KIND_PNG else _jpeg_metadata(data)
    if _HIDDEN_CODE.search(metadata):
        raise UploadRejected(
            "upload_polyglot",
            _(
                "Ảnh có chứa mã chạy (PHP, JavaScript hoặc HTML) trong phần thông tin kèm theo (EXIF, chú "
                "thích) nên không được chấp nhận. Hãy chụp lại, hoặc lưu lại ảnh bằng ứng dụng khác rồi tải lên."
            ),
        )


def _check_image(data: bytes, kind: str, max_pixels: int) -> tuple[int, int]:
    from PIL import Image

    pillow_format = "PNG" if kind == KIND_PNG else "JPEG"
    try:
        with _pixel_limit(max_pixels):
            probe = Image.open(io.BytesIO(data), formats=[pillow_format])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        width, height = _declared_size(data, kind)
        raise _pixels_rejected(width, height, max_pixels) from None
    except Exception as exc:  # any parse failure of a hostile header
        raise _corrupt_image(kind) from exc
    with probe:
        width, height = probe.size
        if width <= 0 or height <= 0:
            raise _corrupt_image(kind)
        if width * height > max_pixels:
            raise _pixels_rejected(width, height, max_pixels)
    try:
        end = _png_end(data) if kind == KIND_PNG else _jpeg_end(data)
    except ValueError as exc:
        raise _corrupt_image(kind) from exc
    _check_trailer(data, end)
    _check_metadata(data, kind)
    try:
        with Image.open(io.BytesIO(data), formats=[pillow_format]) as image:
            image.verify()  # structure and checksums (PNG CRCs)
        with Image.open(io.BytesIO(data), formats=[pillow_format]) as image:
            if kind == KIND_JPEG:
                image.draft("RGB", (max(1, width // 8), max(1, height // 8)))  # decode all data, 1/64 memory
            image.load()  # every byte of image data: a truncated file fails here
    except UploadRejected:
        raise
    except Exception as exc:
        raise _corrupt_image(kind) from exc
    return width, height


def _declared_size(data: bytes, kind: str) -> tuple[int, int]:
    """Width and height from the header alone, for the message of a refused pixel flood."""
    if kind == KIND_PNG and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    offset = 2
    while kind == KIND_JPEG and offset + 9 < len(data):
        if data[offset] != 0xFF:
            break
        marker = data[offset + 1]
        length = int.from_bytes(data[offset + 2 : offset + 4], "big")
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            return int.from_bytes(data[offset + 7 : offset + 9], "big"), int.from_bytes(
                data[offset + 5 : offset + 7], "big"
            )
        offset += 2 + length
    return 0, 0


# --- PDF -------------------------------------------------------------------------------------------------

# Keys and values that make a PDF do something when opened or clicked.
_PDF_ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/EmbeddedFiles", "/EF", "/XFA", "/RichMediaContent"})
_PDF_ACTIVE_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/GoToE", "/Rendition", "/RichMediaExecute"}
)
_PDF_ACTIVE_SUBTYPES = frozenset({"/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"})
_PDF_RAW_ACTIVE = re.compile(rb"/JavaScript\b|/Launch\b|/EmbeddedFiles\b")


def _corrupt_pdf() -> UploadRejected:
    return UploadRejected(
        "upload_pdf_corrupt",
        _("Tệp PDF bị hỏng hoặc không đầy đủ, không đọc được. Hãy xuất hoặc quét lại tệp PDF."),
    )


def _active_pdf(what: str) -> UploadRejected:
    return UploadRejected(
        "upload_pdf_active_content",
        _(
            "Tệp PDF chứa nội dung tự chạy hoặc tệp đính kèm (%(what)s) nên không được chấp nhận. "
            "Hãy in lại ra PDF (Microsoft Print to PDF, Lưu dưới dạng PDF) hoặc quét lại giấy tờ."
        )
        % {"what": what},
    )


def _pdf_active_content(trailer: Any) -> str | None:
    """The first active feature reachable from the trailer (resolving indirect objects once each)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    stack: list[Any] = [trailer]
    seen: set[tuple[int, int]] = set()
    visited = 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            obj = obj.get_object()
        visited += 1
        if visited > _PDF_MAX_OBJECTS:
            raise ValueError("too many PDF objects")
        if isinstance(obj, DictionaryObject):  # streams too: only their dictionary is read
            for raw_key, value in obj.items():
                key_name = str(raw_key)
                if key_name in _PDF_ACTIVE_KEYS:
                    return key_name
                if key_name in ("/S", "/Subtype"):
                    resolved = str(value.get_object() if isinstance(value, IndirectObject) else value)
                    if key_name == "/S" and resolved in _PDF_ACTIVE_ACTIONS:
                        return resolved
                    if key_name == "/Subtype" and resolved in _PDF_ACTIVE_SUBTYPES:
                        return resolved
                stack.append(value)
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return None


def _check_pdf(data: bytes, max_pages: int | None) -> int:
    tail = data[-2048:]
    eof = tail.rfind(b"%%EOF")
    if eof < 0:
        raise _corrupt_pdf()
    _check_trailer(data, len(data) - len(tail) + eof + len(b"%%EOF"))
    raw = _PDF_RAW_ACTIVE.search(data)
    if raw:
        raise _active_pdf(raw.group(0).decode("ascii"))

    import logging

    from pypdf import PdfReader

    pypdf_logger = logging.getLogger("pypdf")
    level = pypdf_logger.level
    pypdf_logger.setLevel(logging.ERROR)  # broken files are our business here, not log noise
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise UploadRejected(
                    "upload_pdf_encrypted",
                    _(
                        "Tệp PDF đang được đặt mật khẩu hoặc mã hóa. Hãy gỡ mật khẩu (hoặc in lại ra PDF) "
                        "rồi tải lên."
                    ),
                )
            pages = len(reader.pages)
            active = _pdf_active_content(reader.trailer)
    except UploadRejected:
        raise
    except Exception as exc:  # pypdf raises many kinds of errors on hostile input
        raise _corrupt_pdf() from exc
    finally:
        pypdf_logger.setLevel(level)
    if active:
        raise _active_pdf(active)
    if pages < 1:
        raise _corrupt_pdf()
    if max_pages is not None and pages > max_pages:
        raise UploadRejected(
            "upload_pdf_too_many_pages",
            _("Tệp PDF có %(pages)s trang, vượt quá số trang tối đa cho phép là %(max)s.")
            % {"pages": pages, "max": max_pages},
        )
    return pages


# --- the checks ------------------------------------------------------------------------------------------


def check_upload(
    file: Any,
    *,
    max_bytes: int,
    allowed: Iterable[str] = KINDS,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_pages: int | None = None,
    name: str | None = None,
) -> CheckedUpload:
    """Check an uploaded file by its content. ``file`` is bytes, a Django ``UploadedFile``/``File`` or a
    binary file object (rewound afterwards); ``name`` overrides ``file.name`` for the safe file name.

    Returns a ``CheckedUpload``; raises ``UploadRejected`` (see the module docstring for the codes).
    """
    allowed_kinds = tuple(allowed)
    unknown = [kind for kind in allowed_kinds if kind not in KINDS]
    if unknown or not allowed_kinds:
        raise ValueError(f"allowed kinds must be among {KINDS}, got {allowed_kinds!r}")
    if max_bytes <= 0 or max_pixels <= 0:
        raise ValueError("max_bytes and max_pixels must be positive")

    given_name = name if name is not None else getattr(file, "name", None)
    # Validate the name first: it costs nothing and a bad one is refused whatever the content.
    normalize_filename(given_name if isinstance(given_name, str) else None)

    data = _read_limited(file, max_bytes)
    if not data:
        raise UploadRejected("upload_empty", _("Tệp rỗng (0 byte): hãy chọn lại tệp."))

    kind = sniff(data)
    if kind is None or kind not in allowed_kinds:
        raise UploadRejected(
            "upload_type_not_allowed",
            _("Nội dung tệp là %(found)s, không phải %(allowed)s. Chỉ nhận tệp %(allowed)s.")
            % {"found": describe_content(data), "allowed": _allowed_names(allowed_kinds)},
        )
    if _HTML_HEAD.search(data[:1024]):
        raise UploadRejected(
            "upload_polyglot",
            _("Tệp %(kind)s có chứa mã HTML hoặc mã chạy nên không được chấp nhận.")
            % {"kind": KIND_LABELS[kind]},
        )

    width: int | None = None
    height: int | None = None
    if kind == KIND_PDF:
        pages = _check_pdf(data, max_pages)
    else:
        width, height = _check_image(data, kind, max_pixels)
        pages = 1

    return CheckedUpload(
        kind=kind,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        filename=normalize_filename(given_name if isinstance(given_name, str) else None, kind=kind),
        content_type=CONTENT_TYPES[kind],
        page_count=pages,
        width=width,
        height=height,
    )


def check_upload_count(n: int, max_count: int) -> None:
    """Refuse more than ``max_count`` files in one upload (``upload_too_many_files``)."""
    if n < 0 or max_count < 0:
        raise ValueError("counts cannot be negative")
    if n > max_count:
        raise UploadRejected(
            "upload_too_many_files",
            _("Chỉ được tải lên tối đa %(max)s tệp mỗi lần (đã chọn %(count)s tệp).")
            % {"max": max_count, "count": n},
        )


# --- office workbooks (the catalogue and history imports) --------------------------------------------------

OFFICE_MAX_MEMBERS: Final = 2_000
OFFICE_MAX_UNCOMPRESSED: Final = 200 * 1024 * 1024
OFFICE_MAX_RATIO: Final = 200  # inflated / compressed size of one member; office XML compresses ~5–30×
_XML_PROLOG_BYTES: Final = 64 * 1024
_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


def check_office_container(data: bytes) -> None:
    """Refuse an office file (XLSX/DOCX, a ZIP archive) before a library inflates or parses it: a zip bomb
    (too many members, too much inflated data, a member inflating more than ``OFFICE_MAX_RATIO`` times),
    a nested archive, or XML declaring a DTD or entities (external entities, "billion laughs": office XML
    never declares any). Only the sizes the archive declares are read, and at most the first 64 KB of each
    XML member (``zipfile`` never inflates past a member's declared size). Raises ``UploadRejected``
    (``upload_archive_bomb``, ``upload_archive_nested``, ``upload_xml_entities``, ``upload_archive_corrupt``).
    """
    import zipfile

    def bomb() -> UploadRejected:
        return UploadRejected(
            "upload_archive_bomb",
            _(
                "Tệp nén hoặc bảng tính có kích thước giải nén bất thường (có thể là “bom nén”) nên không "
                "được chấp nhận. Hãy mở tệp bằng Excel rồi lưu lại thành tệp mới."
            ),
        )

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise UploadRejected(
            "upload_archive_corrupt", _("Tệp bảng tính bị hỏng hoặc không phải tệp Excel (.xlsx).")
        ) from exc
    with archive:
        members = archive.infolist()
        if len(members) > OFFICE_MAX_MEMBERS:
            raise bomb()
        total = 0
        for member in members:
            total += member.file_size
            ratio = member.file_size / max(member.compress_size, 1)
            if total > OFFICE_MAX_UNCOMPRESSED or (
                member.file_size > 1024 * 1024 and ratio > OFFICE_MAX_RATIO
            ):
                raise bomb()
        for member in members:
            name = member.filename.lower()
            if name.endswith((".zip", ".xlsx", ".docx", ".gz", ".7z", ".rar")):
                raise UploadRejected(
                    "upload_archive_nested",
                    _("Bảng tính chứa một tệp nén khác bên trong nên không được chấp nhận."),
                )
            if not name.endswith((".xml", ".rels", ".vml")):
                continue
            try:
                with archive.open(member) as handle:
                    head = handle.read(_XML_PROLOG_BYTES)
            except (zipfile.BadZipFile, ValueError, OSError, RuntimeError, NotImplementedError) as exc:
                raise UploadRejected(
                    "upload_archive_corrupt", _("Tệp bảng tính bị hỏng hoặc không phải tệp Excel (.xlsx).")
                ) from exc
            if _DTD.search(head):
                raise UploadRejected(
                    "upload_xml_entities",
                    _(
                        "Bảng tính chứa khai báo thực thể XML (DOCTYPE/ENTITY) — điều Excel không bao giờ tạo ra — "
                        "nên không được chấp nhận. Hãy mở tệp bằng Excel rồi lưu lại thành tệp mới."
                    ),
                )


__all__ = [
    "CONTENT_TYPES",
    "DEFAULT_MAX_PIXELS",
    "KINDS",
    "CheckedUpload",
    "UploadRejected",
    "check_office_container",
    "check_upload",
    "check_upload_count",
    "describe_content",
    "normalize_filename",
    "sniff",
]
