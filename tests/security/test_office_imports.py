"""The only places office files (XLSX: ZIP archives of XML) are read are the catalogue and history imports
(command-line tools run by an operator, not HTTP uploads). A zip bomb, a nested archive or XML declaring
entities (XXE, "billion laughs") is refused before openpyxl inflates or parses anything, with a Vietnamese
message; a real workbook still reads."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from motcua.catalogue.errors import ImportFileError
from motcua.catalogue.exchange import read_xlsx
from motcua.core.uploads import OFFICE_MAX_MEMBERS, UploadRejected, check_office_container
from motcua.integrations.history.xlsx import lines_from_xlsx

from .uploads.corpus import MB, zip_bomb


def workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["Mã thủ tục", "Tên thủ tục"])
    sheet.append(["1.000001", "Đăng ký khai sinh"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewritten(data: bytes, *, change=None, add=()) -> bytes:
    """``data`` (a workbook) with members changed by ``change(name, bytes)`` and ``add`` (name, bytes) added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            target.writestr(item.filename, change(item.filename, body) if change else body)
        for name, body in add:
            if callable(body):
                with target.open(name, "w", force_zip64=True) as member:
                    body(member)
            else:
                target.writestr(name, body)
    return out.getvalue()


def with_entities(name: str, body: bytes) -> bytes:
    if name != "xl/worksheets/sheet1.xml":
        return body
    dtd = (
        b'<?xml version="1.0"?>\n<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">'
        b'<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
    )
    return dtd + body.replace(b"</worksheet>", b"<!-- &xxe; &b; --></worksheet>")


def zeros(mb: int):
    def write(member):
        for _ in range(mb):
            member.write(b"\x00" * MB)

    return write


GOOD = workbook()
CASES = {
    "xxe-and-entity-expansion": (lambda: rewritten(GOOD, change=with_entities), "upload_xml_entities"),
    "member-inflating-1000-times": (
        lambda: rewritten(GOOD, add=[("xl/media/image1.bin", zeros(20))]),
        "upload_archive_bomb",
    ),
    "200-mb-inflated": (lambda: zip_bomb(), "upload_archive_bomb"),
    "too-many-members": (
        lambda: rewritten(GOOD, add=[(f"xl/x{i}.xml", b"<x/>") for i in range(OFFICE_MAX_MEMBERS)]),
        "upload_archive_bomb",
    ),
    "nested-archive": (
        lambda: rewritten(GOOD, add=[("xl/embeddings/inner.xlsx", GOOD)]),
        "upload_archive_nested",
    ),
    "truncated": (lambda: GOOD[: len(GOOD) // 2], "upload_archive_corrupt"),
}


def test_a_real_workbook_passes_and_reads():
    check_office_container(GOOD)
    rows = read_xlsx(GOOD, sector_code=lambda _t: None, unit_code=lambda _t: None).rows
    assert [r.raw["code"] for r in rows] == ["1.000001"]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_hostile_workbooks_are_refused_before_parsing(case):
    build, code = CASES[case]
    data = build()
    with pytest.raises(UploadRejected) as caught:
        check_office_container(data)
    assert caught.value.code == code and caught.value.message
    with pytest.raises(ImportFileError) as refused:  # the catalogue import
        read_xlsx(data, sector_code=lambda _t: None, unit_code=lambda _t: None)
    assert refused.value.message == caught.value.message
    assert list(lines_from_xlsx(data)) == [(0, caught.value.message)]  # the history import


@pytest.mark.django_db
def test_the_catalogue_import_command_fails_cleanly(tmp_path, demo):
    path = tmp_path / "danh-muc.xlsx"
    path.write_bytes(rewritten(GOOD, change=with_entities))
    with pytest.raises(CommandError, match="thực thể XML"):
        call_command("catalogue_import", str(path))
