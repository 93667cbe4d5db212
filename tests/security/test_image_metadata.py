"""Server code or markup hidden in an image's metadata makes it a polyglot (``upload_polyglot``), wherever it
hides: EXIF, comments, PNG text chunks (compressed ones too). The ordinary metadata of cameras, phones,
scanners and editors (EXIF, XMP, ICC profiles, thumbnails, text chunks) still passes."""

from __future__ import annotations

import io
import zlib

import pytest
from PIL import Image, ImageCms, PngImagePlugin

from motcua.core.uploads import UploadRejected, check_upload

from .uploads.corpus import PHP, exif_with_description, image, jpeg_with_segment, png_chunk, png_with_text

MB = 1024 * 1024
XMP = (
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Giấy khai sinh</dc:title>'
    '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
).encode()


def camera_jpeg() -> bytes:
    """A JPEG as a phone writes it: EXIF (make, model, a description), an ICC profile, XMP, a thumbnail."""
    picture = Image.new("RGB", (1240, 1754), "white")
    exif = Image.Exif()
    exif[0x010F] = "Samsung"
    exif[0x0110] = "Galaxy A54"
    exif[0x010E] = "Ảnh chụp giấy tờ <bản sao>"
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", exif=exif, icc_profile=icc, xmp=XMP, quality=85)
    thumb = io.BytesIO()
    picture.resize((160, 226)).save(thumb, "JPEG")
    return jpeg_with_segment(buffer.getvalue(), 0xE1, exif_with_description(b"scan") + thumb.getvalue())


def editor_png() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Software", "GIMP 2.10")
    info.add_text("Comment", "Bản quét <trang 1>", zip=True)  # zTXt
    info.add_itxt("XML:com.adobe.xmp", XMP.decode(), zip=True)  # compressed iTXt
    buffer = io.BytesIO()
    Image.new("RGB", (1240, 1754), "white").save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def test_ordinary_metadata_passes():
    assert check_upload(camera_jpeg(), max_bytes=20 * MB).kind == "jpeg"
    assert check_upload(editor_png(), max_bytes=20 * MB).kind == "png"


def ztxt(keyword: bytes, text: bytes) -> bytes:
    return png_chunk(b"zTXt", keyword + b"\x00\x00" + zlib.compress(text))


def itxt_compressed(keyword: bytes, text: bytes) -> bytes:
    return png_chunk(b"iTXt", keyword + b"\x00\x01\x00vi\x00\x00" + zlib.compress(text))


def png_with_chunk(chunk: bytes) -> bytes:
    png = image("PNG", (1240, 1754))
    return png[:33] + chunk + png[33:]


@pytest.mark.parametrize(
    "build",
    [
        lambda: jpeg_with_segment(image("JPEG"), 0xE1, exif_with_description(PHP)),
        lambda: jpeg_with_segment(image("JPEG"), 0xFE, b"x" * 3000 + b"<?PHP echo 1; ?>"),  # COM, past 1 KB
        lambda: jpeg_with_segment(
            image("JPEG"), 0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + b" " * 2000 + b"<iframe src=//x>"
        ),
        lambda: png_with_text(image("PNG"), b"Comment", b"x" * 2000 + b"<script>alert(1)</script>"),
        lambda: png_with_chunk(ztxt(b"Comment", PHP)),
        lambda: png_with_chunk(itxt_compressed(b"Description", b"<svg onload=alert(1)>")),
        lambda: png_with_chunk(png_chunk(b"eXIf", exif_with_description(b"javascript:alert(1)")[6:])),
    ],
    ids=[
        "exif-php",
        "comment-php-deep",
        "xmp-iframe",
        "text-script",
        "ztxt-php",
        "itxt-svg",
        "exif-chunk-js",
    ],
)
def test_code_in_metadata_is_a_polyglot(build):
    with pytest.raises(UploadRejected) as caught:
        check_upload(build(), max_bytes=20 * MB)
    assert caught.value.code == "upload_polyglot"
    assert "thông tin kèm theo" in caught.value.message
