"""Biểu 06/06a/07a as files: Excel (openpyxl), PDF (WeasyPrint, through ``motcua.documents.pdf``), JSON.

The Excel sheet is laid out as the printed form: the form number and its legal basis top left, the
reporting and receiving units top right, the title and the period centred, two rows of merged headers, the
column numbers (1)…(13), the rows, the totals row, then the date line and the signatures; thin borders,
Times New Roman, A4 landscape fitted to one page wide, header rows repeated on every printed page and
frozen on screen.
"""

from __future__ import annotations

import io
import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from motcua.documents.formatting import date_line, format_number
from motcua.documents.pdf import render_pdf

from .b06 import COLUMNS, GROUPS, LEGAL_BASIS, UNIT_OF_MEASURE, B06Report

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FONT = "Times New Roman"
LAST_COL = 2 + len(COLUMNS)  # 13
WIDTHS = [6, 44, *([11.5] * len(COLUMNS))]

_thin = Side(style="thin", color="000000")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def filename(report: B06Report, ext: str) -> str:
    """``bieu-06a-H56-2026-01-01-2026-03-31.xlsx``"""
    number = report.form[1:]
    return (
        f"bieu-{number}-{report.unit_code}-{report.period.start:%Y-%m-%d}-{report.period.end:%Y-%m-%d}.{ext}"
    )


def place() -> str:
    return str(getattr(settings, "MOTCUA_PROVINCE_NAME", "") or "")


# -- JSON ------------------------------------------------------------------------------------------------


def report_json(report: B06Report) -> str:
    return json.dumps(report.as_dict(), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


# -- Excel -----------------------------------------------------------------------------------------------


def _font(size: float = 12, *, bold: bool = False, italic: bool = False) -> Font:
    return Font(name=FONT, size=size, bold=bold, italic=italic)


def _put(
    ws: Worksheet,
    cell: str,
    value: Any,
    *,
    merge: str = "",
    font: Font | None = None,
    align: Alignment | None = None,
) -> None:
    ws[cell] = value
    ws[cell].font = font or _font()
    ws[cell].alignment = align or Alignment(vertical="center", wrap_text=True)
    if merge:
        ws.merge_cells(f"{cell}:{merge}")


def _box(ws: Worksheet, first_row: int, last_row: int) -> None:
    for row in ws.iter_rows(min_row=first_row, max_row=last_row, min_col=1, max_col=LAST_COL):
        for cell in row:
            cell.border = BORDER


def write_xlsx(report: B06Report) -> bytes:
    """The report as an .xlsx file (bytes)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None  # noqa: S101 - a new workbook has one sheet
    ws.title = report.form_label.replace("Biểu số ", "Biểu ").replace("/", "-")[:31]
    for i, width in enumerate(WIDTHS, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    last = get_column_letter(LAST_COL)
    left = Alignment(horizontal="left", vertical="top", wrap_text=True)
    center_top = Alignment(horizontal="center", vertical="top", wrap_text=True)

    # Title block: form number and legal basis (left), reporting / receiving units (right).
    _put(ws, "A1", report.form_label, merge="C1", font=_font(12, bold=True), align=left)
    _put(ws, "A2", str(LEGAL_BASIS), merge="E3", font=_font(10, italic=True), align=left)
    _put(ws, "J1", _("Đơn vị báo cáo: %(unit)s") % {"unit": report.unit_name}, merge=f"{last}1", align=left)
    _put(ws, "J2", _("Đơn vị nhận báo cáo: %(unit)s") % {"unit": report.receiving_unit}, merge=f"{last}3",
         align=left)  # fmt: skip
    ws.row_dimensions[1].height = 33
    ws.row_dimensions[2].height = 18
    ws.row_dimensions[3].height = 18
    _put(ws, "A5", report.title.upper(), merge=f"{last}5", font=_font(14, bold=True), align=CENTER)
    ws.row_dimensions[5].height = 22
    _put(ws, "A6", report.form_name, merge=f"{last}6", font=_font(12, bold=True), align=CENTER)
    _put(ws, "A7", report.period_line, merge=f"{last}7", font=_font(12, italic=True), align=CENTER)
    _put(ws, "K8", str(UNIT_OF_MEASURE), merge=f"{last}8", font=_font(11, italic=True),
         align=Alignment(horizontal="right", vertical="center"))  # fmt: skip

    # Headers: two merged rows, then the column numbers.
    head, sub, numbers = 9, 10, 11
    bold = _font(11, bold=True)
    _put(ws, f"A{head}", "STT", merge=f"A{sub}", font=bold, align=CENTER)
    _put(ws, f"B{head}", report.name_header, merge=f"B{sub}", font=bold, align=CENTER)
    col = 3
    for group, label in GROUPS.items():
        span = sum(1 for c in COLUMNS if c.group == group)
        first, end = get_column_letter(col), get_column_letter(col + span - 1)
        _put(ws, f"{first}{head}", str(label), merge=f"{end}{head}", font=bold, align=CENTER)
        col += span
    for i, column in enumerate(COLUMNS, 3):
        _put(ws, f"{get_column_letter(i)}{sub}", str(column.label), font=_font(11, bold=True), align=CENTER)
    for i in range(1, LAST_COL + 1):
        _put(ws, f"{get_column_letter(i)}{numbers}", f"({i})", font=_font(10, italic=True), align=CENTER)
    ws.row_dimensions[head].height = 30
    ws.row_dimensions[sub].height = 62

    # Rows, then the totals row.
    r = numbers + 1
    for row in [*report.rows, report.total]:
        strong = row.kind != "item"
        _put(
            ws,
            f"A{r}",
            row.stt,
            font=_font(12, bold=strong),
            align=Alignment(horizontal="center", vertical="center"),
        )
        _put(ws, f"B{r}", row.label, font=_font(12, bold=strong),
             align=Alignment(horizontal="center" if row.kind == "total" else "left", vertical="center", wrap_text=True,
                             indent=0 if strong else 1))  # fmt: skip
        for i, column in enumerate(COLUMNS, 3):
            cell = ws.cell(row=r, column=i, value=row.values[column.key])
            cell.font = _font(12, bold=strong)
            cell.number_format = "#,##0"
            cell.alignment = Alignment(horizontal="right", vertical="center", indent=1)
        ws.row_dimensions[r].height = 19 if len(row.label) <= 48 else 33
        r += 1
    last_row = r - 1
    _box(ws, head, last_row)

    # Date line and signatures.
    r += 1
    _put(
        ws,
        f"J{r}",
        date_line(place(), None),
        merge=f"{last}{r}",
        font=_font(12, italic=True),
        align=center_top,
    )
    r += 1
    _put(ws, f"A{r}", _("NGƯỜI LẬP BIỂU"), merge=f"D{r}", font=_font(12, bold=True), align=center_top)
    _put(ws, f"J{r}", _("THỦ TRƯỞNG ĐƠN VỊ"), merge=f"{last}{r}", font=_font(12, bold=True), align=center_top)
    r += 1
    _put(ws, f"A{r}", _("(Ký, ghi rõ họ tên)"), merge=f"D{r}", font=_font(11, italic=True), align=center_top)
    _put(ws, f"J{r}", _("(Ký, ghi rõ họ tên, đóng dấu)"), merge=f"{last}{r}", font=_font(11, italic=True),
         align=center_top)  # fmt: skip

    # Screen and print setup: frozen headers, A4 landscape one page wide, headers on every page.
    ws.freeze_panes = f"C{numbers + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = 0.6
    ws.page_margins.bottom = 0.8
    ws.page_margins.footer = 0.35
    ws.print_title_rows = f"{head}:{numbers}"
    ws.print_area = f"A1:{last}{r}"
    ws.oddFooter.center.text = _("Trang &P/&N")
    ws.sheet_view.zoomScale = 90

    wb.properties.title = f"{report.form_label} — {report.period.label} — {report.unit_name}"
    wb.properties.creator = "motcua"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# -- PDF -------------------------------------------------------------------------------------------------


def pdf_context(report: B06Report) -> dict[str, Any]:
    return {
        "report": report,
        "groups": [
            {"label": label, "span": sum(1 for c in COLUMNS if c.group == key)}
            for key, label in GROUPS.items()
        ],
        "columns": COLUMNS,
        "lines": [
            {
                "kind": row.kind,
                "stt": row.stt,
                "label": row.label,
                "cells": [format_number(v) for v in row.cells],
            }
            for row in [*report.rows, report.total]
        ],
        "numbers": [f"({i})" for i in range(1, LAST_COL + 1)],
        "legal_basis": LEGAL_BASIS,
        "unit_of_measure": UNIT_OF_MEASURE,
        "date_line": date_line(place(), None),
    }


def write_pdf(report: B06Report) -> bytes:
    """The report as PDF bytes (A4 landscape, vendored Noto Serif). Raises ``PdfUnavailable``."""
    return render_pdf("reporting/b06.html", pdf_context(report))
