"""Uploads are judged by content: a corpus of good files passes, every bad one is refused with its code."""

from __future__ import annotations

import hashlib
import io
import struct
import unicodedata
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter

from motcua.core.uploads import (
    CheckedUpload,
    UploadRejected,
    check_upload,
    check_upload_count,
    normalize_filename,
)
from tests.security.uploads.corpus import jpeg_flood, png_flood

MB = 1024 * 1024


# --- the corpus --------------------------------------------------------------------------------------------


def make_pdf(
    extra_root: str = "", pages: int = 1, extra_objects: tuple[str, ...] = (), page_extra: str = ""
) -> bytes:
    """A minimal valid PDF written by hand, with a correct cross-reference table."""
    objects = [
        f"<< /Type /Catalog /Pages 2 0 R {extra_root} >>",
        "<< /Type /Pages /Kids [{}] /Count {} >>".format(
            " ".join(f"{3 + i} 0 R" for i in range(pages)), pages
        ),
        *[f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] {page_extra} >>"] * pages,
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


def pypdf_pdf(pages: int = 3, *, password: str | None = None, attachment: bool = False) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    if attachment:
        writer.add_attachment("hoa-don.exe", b"MZ\x90\x00 not really a program")
    if password:
        writer.encrypt(password, algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image_bytes(fmt: str, size: tuple[int, int] = (640, 480), **options) -> bytes:
    """A noisy image (so it compresses badly and is bigger than a few KB)."""
    image = Image.frombytes("RGB", size, bytes((i * 7919) % 251 for i in range(size[0] * size[1] * 3)))
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


GOOD_PDF = make_pdf(pages=2)
GOOD_JPEG = image_bytes("JPEG")
GOOD_PNG = image_bytes("PNG")


def test_the_corpus_is_what_it_claims():
    assert GOOD_PDF.startswith(b"%PDF-")
    assert GOOD_JPEG.startswith(b"\xff\xd8\xff") and len(GOOD_JPEG) > 4096
    assert GOOD_PNG.startswith(b"\x89PNG") and len(GOOD_PNG) > 4096


# --- good files ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "kind", "pages", "filename"),
    [
        (GOOD_PDF, "Đơn đề nghị.pdf", "pdf", 2, "Đơn đề nghị.pdf"),
        (pypdf_pdf(3), "scan.PDF", "pdf", 3, "scan.pdf"),
        (GOOD_JPEG, "ảnh CCCD mặt trước.jpeg", "jpeg", 1, "ảnh CCCD mặt trước.jpg"),
        (image_bytes("JPEG", progressive=True), "anh.jpg", "jpeg", 1, "anh.jpg"),
        (image_bytes("JPEG", exif=Image.Exif()), "exif.jpg", "jpeg", 1, "exif.jpg"),
        (GOOD_PNG, "giấy khai sinh.png", "png", 1, "giấy khai sinh.png"),
        (image_bytes("PNG", (300, 200)), "no-extension", "png", 1, "no-extension.png"),
    ],
    ids=["hand-pdf", "pypdf-pdf", "jpeg", "progressive-jpeg", "exif-jpeg", "png", "png-no-ext"],
)
def test_good_files_pass_with_what_was_learned(data, name, kind, pages, filename):
    checked = check_upload(data, max_bytes=5 * MB, name=name)
    assert isinstance(checked, CheckedUpload)
    assert checked.kind == kind
    assert checked.size == len(data)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert checked.page_count == pages
    assert checked.filename == filename
    assert checked.content_type == {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}[kind]
    if kind == "pdf":
        assert checked.width is None and checked.height is None
    else:
        assert checked.width and checked.height


def test_image_dimensions_are_reported():
    checked = check_upload(image_bytes("PNG", (320, 200)), max_bytes=MB)
    assert (checked.width, checked.height) == (320, 200)


def test_a_pdf_made_by_weasyprint_passes():
    pytest.importorskip("weasyprint")
    from motcua.documents.pdf import PdfUnavailable, render_html_to_pdf

    try:
        pdf = render_html_to_pdf("<p>Giấy tờ kèm theo</p><p style='page-break-before: always'>Trang 2</p>")
    except PdfUnavailable as exc:  # pragma: no cover - depends on the machine
        pytest.skip(str(exc))
    checked = check_upload(pdf, max_bytes=MB, name="giay-to.pdf")
    assert (checked.kind, checked.page_count) == ("pdf", 2)


def test_django_uploaded_file_is_checked_and_rewound():
    upload = SimpleUploadedFile("../../etc/Tờ khai.pdf", GOOD_PDF, content_type="text/html")
    checked = check_upload(upload, max_bytes=MB)
    assert checked.kind == "pdf"  # the declared content type is ignored
    assert checked.filename == "Tờ khai.pdf"
    assert upload.read() == GOOD_PDF  # the caller can store it from the start


def test_plain_file_object_is_checked_and_rewound():
    stream = io.BytesIO(GOOD_PNG)
    stream.seek(100)
    checked = check_upload(stream, max_bytes=MB, name="x.png")
    assert checked.size == len(GOOD_PNG)
    assert stream.tell() == 0


def test_allowed_kinds_narrow_what_passes():
    with pytest.raises(UploadRejected) as caught:
        check_upload(GOOD_PNG, max_bytes=MB, allowed=("pdf",), name="scan.pdf")
    assert caught.value.code == "upload_type_not_allowed"
    assert "PNG" in caught.value.message
    assert check_upload(GOOD_PDF, max_bytes=MB, allowed=("pdf",)).kind == "pdf"


def test_page_limit():
    assert check_upload(pypdf_pdf(5), max_bytes=MB, max_pages=5).page_count == 5
    with pytest.raises(UploadRejected) as caught:
        check_upload(pypdf_pdf(6), max_bytes=MB, max_pages=5)
    assert caught.value.code == "upload_pdf_too_many_pages"
    assert "6 trang" in caught.value.message


def test_pixel_limit_is_a_parameter_and_pillow_is_left_as_it_was():
    previous = Image.MAX_IMAGE_PIXELS
    with pytest.raises(UploadRejected) as caught:
        check_upload(image_bytes("PNG", (400, 300)), max_bytes=MB, max_pixels=100_000)
    assert caught.value.code == "upload_image_pixels"
    assert "400 × 300" in caught.value.message
    assert previous == Image.MAX_IMAGE_PIXELS
    assert check_upload(image_bytes("PNG", (400, 250)), max_bytes=MB, max_pixels=100_000).kind == "png"


def test_bad_arguments_are_programming_errors():
    with pytest.raises(ValueError):
        check_upload(GOOD_PDF, max_bytes=MB, allowed=("gif",))
    with pytest.raises(ValueError):
        check_upload(GOOD_PDF, max_bytes=0)


# --- bad files: 100% refused with the right code -------------------------------------------------------------

PDF_JS = make_pdf("/OpenAction 3 0 R", extra_objects=("<< /S /JavaScript /JS (app.alert(1)) >>",))
# Hex-escaped names (/J#61vaScript = /JavaScript) defeat a byte search; the parsed structure still shows them.
PDF_JS_ESCAPED = make_pdf("/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>")
PDF_LAUNCH_ESCAPED = make_pdf("/OpenAction << /S /L#61unch /F (cmd.exe) >>")
PDF_ANNOT_JS = make_pdf(
    page_extra="/Annots [4 0 R]",
    extra_objects=(
        "<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A << /S /J#61vaScript /J#53 (x) >> >>",
    ),
)
PDF_XFA = make_pdf(
    "/AcroForm << /Fields [] /XFA 3 0 R >>", extra_objects=("<< /Length 0 >>\nstream\n\nendstream",)
)
BIG_JPEG = image_bytes("JPEG", (800, 600))
BIG_PNG = image_bytes("PNG", (800, 600))

BAD_FILES: list[tuple[str, bytes, str, str, dict]] = [
    # (id, content, name, expected code, extra options)
    ("empty", b"", "empty.pdf", "upload_empty", {}),
    (
        "oversize",
        GOOD_PDF + b"%" + b" " * 2048 + b"\n%%EOF\n",
        "big.pdf",
        "upload_too_large",
        {"max_bytes": 1024},
    ),
    ("gif-named-pdf", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "don.pdf", "upload_type_not_allowed", {}),
    ("text-named-pdf", "Đây không phải PDF".encode(), "don.pdf", "upload_type_not_allowed", {}),
    (
        "html-named-pdf",
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        "don.pdf",
        "upload_type_not_allowed",
        {},
    ),
    ("html-named-jpg", b"  <html><body onload=alert(1)>", "anh.jpg", "upload_type_not_allowed", {}),
    (
        "svg-with-script",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
        b"<script>alert(document.cookie)</script></svg>",
        "anh.png",
        "upload_type_not_allowed",
        {},
    ),
    ("svg-bare", b'<svg onload="alert(1)"/>', "anh.svg", "upload_type_not_allowed", {}),
    ("zip", zip_bytes(), "ho-so.pdf", "upload_type_not_allowed", {}),
    ("exe", b"MZ\x90\x00\x03" + b"\x00" * 100, "scan.pdf", "upload_type_not_allowed", {}),
    (
        "heic",
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",
        "IMG_0001.jpg",
        "upload_type_not_allowed",
        {},
    ),
    ("pdf-magic-late", b"\n\n%PDF-1.4\n" + GOOD_PDF, "late.pdf", "upload_type_not_allowed", {}),
    (
        "pdf-html-polyglot",
        b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n",
        "p.pdf",
        "upload_polyglot",
        {},
    ),
    (
        "pdf-then-html",
        pypdf_pdf(40) + b"<html><script>alert(1)</script></html>",
        "p.pdf",
        "upload_polyglot",
        {},
    ),
    ("jpeg-then-zip", BIG_JPEG + zip_bytes(), "anh.jpg", "upload_polyglot", {}),
    (
        "jpeg-then-html-with-eoi",
        BIG_JPEG + b"<script>alert(1)</script>\xff\xd9",
        "anh.jpg",
        "upload_polyglot",
        {},
    ),
    ("png-then-html", BIG_PNG + b"<html><script>alert(1)</script>", "anh.png", "upload_polyglot", {}),
    (
        "jpeg-html-comment",
        GOOD_JPEG[:2] + b"\xff\xfe\x00\x20<script>alert(1)</script>    " + GOOD_JPEG[2:],
        "anh.jpg",
        "upload_polyglot",
        {},
    ),
    ("png-pixel-flood", png_flood(20000, 20000), "flood.png", "upload_image_pixels", {}),
    (
        "png-flood-under-pillow-bomb-limit",
        png_flood(8000, 6000),
        "flood.png",
        "upload_image_pixels",
        {},
    ),
    ("jpeg-pixel-flood", jpeg_flood(30000, 30000), "flood.jpg", "upload_image_pixels", {}),
    ("truncated-jpeg", BIG_JPEG[: len(BIG_JPEG) // 2], "anh.jpg", "upload_image_corrupt", {}),
    ("truncated-png", BIG_PNG[: len(BIG_PNG) - 200], "anh.png", "upload_image_corrupt", {}),
    (
        "png-bad-crc",
        BIG_PNG[:40] + bytes([BIG_PNG[40] ^ 0xFF]) + BIG_PNG[41:],
        "anh.png",
        "upload_image_corrupt",
        {},
    ),
    ("png-header-only", BIG_PNG[:8], "anh.png", "upload_image_corrupt", {}),
    ("jpeg-magic-only", b"\xff\xd8\xff\xe0" + b"\x00" * 64, "anh.jpg", "upload_image_corrupt", {}),
    ("truncated-pdf", GOOD_PDF[: len(GOOD_PDF) // 2], "don.pdf", "upload_pdf_corrupt", {}),
    ("pdf-magic-only", b"%PDF-1.7\n%%EOF\n", "don.pdf", "upload_pdf_corrupt", {}),
    (
        "pdf-garbage-body",
        b"%PDF-1.4\n" + bytes(range(256)) * 8 + b"\n%%EOF\n",
        "don.pdf",
        "upload_pdf_corrupt",
        {},
    ),
    ("pdf-encrypted", pypdf_pdf(1, password="matkhau"), "don.pdf", "upload_pdf_encrypted", {}),
    ("pdf-javascript", PDF_JS, "don.pdf", "upload_pdf_active_content", {}),
    ("pdf-javascript-escaped", PDF_JS_ESCAPED, "don.pdf", "upload_pdf_active_content", {}),
    ("pdf-launch-escaped", PDF_LAUNCH_ESCAPED, "don.pdf", "upload_pdf_active_content", {}),
    ("pdf-link-javascript", PDF_ANNOT_JS, "don.pdf", "upload_pdf_active_content", {}),
    ("pdf-xfa", PDF_XFA, "don.pdf", "upload_pdf_active_content", {}),
    ("pdf-attachment", pypdf_pdf(1, attachment=True), "don.pdf", "upload_pdf_active_content", {}),
    ("pdf-too-many-pages", pypdf_pdf(4), "don.pdf", "upload_pdf_too_many_pages", {"max_pages": 3}),
    ("name-only-dots", GOOD_PDF, "../..", "upload_filename_invalid", {}),
    ("name-only-controls", GOOD_PDF, "\x00\x1b\u202e", "upload_filename_invalid", {}),
    ("name-dot-slash", GOOD_PDF, "./", "upload_filename_invalid", {}),
]


@pytest.mark.parametrize(
    ("content", "name", "code", "options"),
    [case[1:] for case in BAD_FILES],
    ids=[case[0] for case in BAD_FILES],
)
def test_bad_files_are_refused_with_their_code(content, name, code, options):
    options = {"max_bytes": 5 * MB, **options}
    with pytest.raises(UploadRejected) as caught:
        check_upload(content, name=name, **options)
    assert caught.value.code == code
    assert caught.value.message  # a Vietnamese sentence for the user
    assert str(caught.value) == caught.value.message


def test_every_bad_file_is_refused():
    refused = 0
    for _id, content, name, _code, options in BAD_FILES:
        try:
            check_upload(content, name=name, **{"max_bytes": 5 * MB, **options})
        except UploadRejected:
            refused += 1
    assert refused == len(BAD_FILES)


def test_declared_size_is_refused_before_reading():
    class Huge:
        name = "huge.pdf"
        size = 50 * MB

        def read(self, *_args):  # pragma: no cover - must not be called
            raise AssertionError("read a file already known to be too large")

    with pytest.raises(UploadRejected) as caught:
        check_upload(Huge(), max_bytes=10 * MB)
    assert caught.value.code == "upload_too_large"
    assert "50 MB" in caught.value.message and "10 MB" in caught.value.message


def test_a_stream_longer_than_declared_is_still_cut():
    stream = io.BytesIO(b"%PDF-" + b"x" * 5000)
    with pytest.raises(UploadRejected) as caught:
        check_upload(stream, max_bytes=1000, name="x.pdf")
    assert caught.value.code == "upload_too_large"


def test_messages_are_vietnamese_and_name_what_was_found():
    with pytest.raises(UploadRejected) as caught:
        check_upload(zip_bytes(), max_bytes=MB, name="ho-so.pdf")
    assert "ZIP" in caught.value.message
    assert "PDF, JPEG hoặc PNG" in caught.value.message


def test_rejection_is_a_validation_error_for_django_forms():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        check_upload(b"", max_bytes=MB)
    assert caught.value.code == "upload_empty"
    assert caught.value.messages == ["Tệp rỗng (0 byte): hãy chọn lại tệp."]


def test_nothing_is_written(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    check_upload(GOOD_PDF, max_bytes=MB, name="a.pdf")
    for _id, content, name, _code, options in BAD_FILES[:10]:
        with pytest.raises(UploadRejected):
            check_upload(content, name=name, **{"max_bytes": 5 * MB, **options})
    assert list(tmp_path.iterdir()) == []


# --- file names ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "kind", "expected"),
    [
        ("../../etc/passwd", "pdf", "passwd.pdf"),
        ("..\\..\\Windows\\System32\\evil.pdf", "pdf", "evil.pdf"),
        ("/var/www/html/shell.php", "png", "shell.png"),
        ("C:\\fakepath\\Giấy khai sinh.JPG", "jpeg", "Giấy khai sinh.jpg"),
        ("hoa-don\u202efdp.exe", "pdf", "hoa-donfdp.pdf"),  # right-to-left override removed
        ("tờ\x00khai\x1f.pdf", "pdf", "tờkhai.pdf"),
        ("  .hidden.pdf  ", "pdf", "hidden.pdf"),
        ('a<b>c:d"e|f?g*h.pdf', "pdf", "a_b_c_d_e_f_g_h.pdf"),
        ("CON.pdf", "pdf", "_CON.pdf"),
        ("báo   cáo\tquý.pdf", "pdf", "báo cáo quý.pdf"),
        ("x" * 300 + ".pdf", "pdf", "x" * 120 + ".pdf"),
        (None, "pdf", "tep-dinh-kem.pdf"),
        ("", "jpeg", "tep-dinh-kem.jpg"),
        ("photo.png", "jpeg", "photo.jpg"),  # the extension follows the content
        ("Bản sao.tar.gz", None, "Bản sao.tar.gz"),
    ],
)
def test_filename_normalisation(raw, kind, expected):
    assert normalize_filename(raw, kind=kind) == expected


def test_filename_keeps_vietnamese_and_composes_decomposed_letters():
    decomposed = unicodedata.normalize("NFD", "Đơn đề nghị cấp đổi.pdf")
    result = normalize_filename(decomposed, kind="pdf")
    assert result == "Đơn đề nghị cấp đổi.pdf"
    assert unicodedata.is_normalized("NFC", result)


@pytest.mark.parametrize("raw", ["..", "../..", "/", "\\\\", "...", "\x00", "\u200b\u202e"])
def test_filename_that_is_nothing_is_refused(raw):
    with pytest.raises(UploadRejected) as caught:
        normalize_filename(raw, kind="pdf")
    assert caught.value.code == "upload_filename_invalid"


# --- counts -------------------------------------------------------------------------------------------------


def test_upload_count():
    check_upload_count(0, 5)
    check_upload_count(5, 5)
    with pytest.raises(UploadRejected) as caught:
        check_upload_count(6, 5)
    assert caught.value.code == "upload_too_many_files"
    assert "tối đa 5 tệp" in caught.value.message
    with pytest.raises(ValueError):
        check_upload_count(-1, 5)


# --- what may follow the end of an image ----------------------------------------------------------------------


def with_app_segment(jpeg: bytes, payload: bytes) -> bytes:
    """``jpeg`` with an APP15 segment carrying ``payload`` right after the start-of-image marker."""
    return jpeg[:2] + b"\xff\xef" + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


def test_end_of_jpeg_is_found_by_structure_not_by_the_last_marker():
    # A thumbnail inside a segment has its own end-of-image marker; the real end comes later.
    with_thumbnail = with_app_segment(BIG_JPEG, image_bytes("JPEG", (32, 32)))
    assert check_upload(with_thumbnail, max_bytes=MB).kind == "jpeg"
    with pytest.raises(UploadRejected) as caught:
        check_upload(with_thumbnail + b"<script>alert(1)</script>", max_bytes=MB)
    assert caught.value.code == "upload_polyglot"


def test_harmless_data_after_the_image_is_tolerated():
    """Phones append a second picture (MPF) or a short video (motion photos) after the JPEG's end."""
    motion_photo = BIG_JPEG + b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00isommp42" + bytes(range(200))
    second_picture = BIG_JPEG + image_bytes("JPEG", (64, 48))
    padded = BIG_PNG + b"\x00\x00\r\n"
    for data in (motion_photo, second_picture, padded):
        assert check_upload(data, max_bytes=MB).size == len(data)
