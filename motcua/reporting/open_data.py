"""Open data ("dữ liệu mở"): the datasets the portal publishes as CSV and JSON, their schema and licence.

Each dataset is a flat table whose columns are declared once here (name, type, Vietnamese title and
meaning); the files, the index page and docs/open-data.md follow these declarations (a test checks the
document names every column). The rows come from ``motcua.reporting.transparency`` — aggregates only.

CSV: UTF-8 with a byte-order mark (Excel then reads the Vietnamese text right), a header row of the column
names, decimals with a point, empty for "not applicable". JSON: ``{"meta": {…, "licence": {…}, "schema":
{"fields": […]}}, "data": [{column: value}, …]}`` — the schema in the Frictionless Table Schema form.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .periods import Period
from .transparency import (
    SectorSummary,
    Transparency,
    UnitFigures,
    catalogue_summary_cached,
    transparency_cached,
)

LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
FORMATS = ("csv", "json")


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Table Schema types: string, integer, number, boolean, date
    title: Any
    description: Any = ""


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: Any
    description: Any
    frequency: Any
    columns: tuple[Column, ...]
    by_period: bool  # chosen with ?ky= (month, quarter, year, year to date)
    primary_key: tuple[str, ...]

    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


_PERIOD = (
    Column("period_key", "string", _("Kỳ"), _("2026-03 (tháng), 2026-Q1 (quý), 2026 (năm) hoặc ytd (từ đầu năm).")),
    Column("period_start", "date", _("Từ ngày")),
    Column("period_end", "date", _("Đến ngày")),
)  # fmt: skip
_PERCENT = _("Phần trăm, một chữ số thập phân; để trống khi không áp dụng (mẫu số bằng 0).")

UNITS = Dataset(
    slug="chat-luong-phuc-vu",
    title=_("Chất lượng giải quyết thủ tục hành chính theo đơn vị"),
    description=_(
        "Tổng điểm Bộ chỉ số 766, tỷ lệ giải quyết đúng hạn, nộp trực tuyến, thanh toán trực tuyến, mức độ "
        "hài lòng và số hồ sơ của toàn tỉnh, từng sở, ban, ngành và từng xã, phường trong kỳ."
    ),
    frequency=_("Hằng ngày (số liệu tính lại từ dữ liệu hồ sơ, lưu đệm 5 phút)."),
    by_period=True,
    primary_key=("period_key", "unit_code"),
    columns=(
        *_PERIOD,
        Column("unit_code", "string", _("Mã đơn vị"), _("Mã định danh theo Quyết định 20/2020/QĐ-TTg.")),
        Column("unit_name", "string", _("Tên đơn vị")),
        Column("unit_kind", "string", _("Loại"), _("province (toàn tỉnh), agency (sở, ban, ngành), commune (xã, phường).")),
        Column("former_unit", "boolean", _("Đơn vị cũ"), _("Đã hết hiệu lực trước cuối kỳ (cấp huyện, đơn vị đã hợp nhất).")),
        Column("successor_name", "string", _("Đơn vị kế thừa")),
        Column("rank", "integer", _("Hạng"), _("Trong nhóm sở, ban, ngành hoặc xã, phường; trống với toàn tỉnh.")),
        Column("kpi766_points", "number", _("Tổng điểm 766"), _("Điểm theo Quyết định 766/QĐ-TTg, hai chữ số thập phân.")),
        Column("kpi766_max_points", "number", _("Điểm tối đa")),
        Column("on_time_percent", "number", _("Tỷ lệ đúng hạn (%)"), format_lazy("{} {}", _("Chỉ tiêu 2.1."), _PERCENT)),
        Column("online_percent", "number", _("Tỷ lệ nộp trực tuyến (%)"), format_lazy("{} {}", _("Chỉ tiêu 3.3."), _PERCENT)),
        Column("online_payment_percent", "number", _("Tỷ lệ thanh toán trực tuyến (%)"), format_lazy("{} {}", _("Chỉ tiêu 3.6."), _PERCENT)),
        Column("satisfaction_percent", "number", _("Tỷ lệ hài lòng (%)"), format_lazy("{} {}", _("Đánh giá “rất hài lòng” và “hài lòng” trên số đánh giá trong kỳ."), _PERCENT)),
        Column("evaluations", "integer", _("Số đánh giá"), _("Lượt đánh giá của người dân, doanh nghiệp về hồ sơ đã trả kết quả, trong kỳ.")),
        Column("received", "integer", _("Tiếp nhận trong kỳ"), _("Hồ sơ tiếp nhận trong kỳ, mọi kênh (trực tuyến, trực tiếp, bưu chính).")),
        Column("received_online", "integer", _("Tiếp nhận trực tuyến")),
        Column("resolved", "integer", _("Đã giải quyết"), _("Hồ sơ kết thúc trong kỳ: có kết quả, dừng giải quyết hoặc đóng do không bổ sung.")),
        Column("resolved_late", "integer", _("Giải quyết quá hạn"), _("Trong số đã giải quyết, kết thúc sau thời hạn.")),
        Column("in_progress", "integer", _("Đang giải quyết cuối kỳ"), _("Đang giải quyết hoặc chờ bổ sung vào cuối ngày cuối kỳ.")),
        Column("in_progress_overdue", "integer", _("Đang giải quyết, quá hạn")),
        Column("apologies", "integer", _("Văn bản xin lỗi, hẹn lại"), _("Văn bản xin lỗi và hẹn lại ngày trả kết quả gửi trong kỳ (mẫu 04, Thông tư 03/2025/TT-VPCP).")),
    ),
)  # fmt: skip

CATALOGUE = Dataset(
    slug="thu-tuc-hanh-chinh",
    title=_("Danh mục thủ tục hành chính theo lĩnh vực"),
    description=_(
        "Số thủ tục hành chính đang công bố theo từng lĩnh vực: theo cấp thực hiện, mức độ dịch vụ công "
        "trực tuyến, có thu phí, lệ phí và đối tượng thực hiện."
    ),
    frequency=_("Khi công bố, sửa đổi thủ tục (lưu đệm 5 phút)."),
    by_period=False,
    primary_key=("sector_code",),
    columns=(
        Column("as_of", "date", _("Ngày số liệu"), _("Ngày lập tệp (giờ Việt Nam).")),
        Column("sector_code", "string", _("Mã lĩnh vực")),
        Column("sector_name", "string", _("Tên lĩnh vực")),
        Column("procedures", "integer", _("Số thủ tục"), _("Thủ tục đang công bố (phiên bản hiện hành) thuộc lĩnh vực.")),
        Column("level_province", "integer", _("Cấp tỉnh")),
        Column("level_commune", "integer", _("Cấp xã")),
        Column("level_delegated", "integer", _("Cơ quan ngành dọc, trung ương")),
        Column("online_full", "integer", _("Trực tuyến toàn trình")),
        Column("online_partial", "integer", _("Trực tuyến một phần")),
        Column("online_none", "integer", _("Không cung cấp trực tuyến")),
        Column("with_fees", "integer", _("Có thu phí, lệ phí")),
        Column("for_citizens", "integer", _("Đối tượng: công dân")),
        Column("for_businesses", "integer", _("Đối tượng: tổ chức, doanh nghiệp")),
    ),
)  # fmt: skip

APOLOGIES = Dataset(
    slug="xin-loi-hen-lai",
    title=_("Văn bản xin lỗi, hẹn lại do giải quyết chậm"),
    description=_(
        "Số văn bản xin lỗi và hẹn lại ngày trả kết quả (mẫu 04, Thông tư 03/2025) theo tháng, đơn vị và "
        "lĩnh vực. Chỉ có số lượng: không có mã hồ sơ, tên người nộp hay nội dung văn bản."
    ),
    frequency=_("Hằng ngày (lưu đệm 5 phút)."),
    by_period=True,
    primary_key=("period_key", "month", "unit_code", "sector_code"),
    columns=(
        *_PERIOD,
        Column("month", "string", _("Tháng"), _("YYYY-MM, theo giờ Việt Nam.")),
        Column("unit_code", "string", _("Mã đơn vị"), _("Sở, ban, ngành hoặc xã, phường giải quyết (đơn vị trực thuộc tính vào đơn vị chủ quản).")),
        Column("unit_name", "string", _("Tên đơn vị")),
        Column("sector_code", "string", _("Mã lĩnh vực")),
        Column("sector_name", "string", _("Tên lĩnh vực")),
        Column("apologies", "integer", _("Số văn bản xin lỗi, hẹn lại")),
    ),
)  # fmt: skip

DATASETS: dict[str, Dataset] = {d.slug: d for d in (UNITS, CATALOGUE, APOLOGIES)}


# -- rows ------------------------------------------------------------------------------------------------


def _period_cells(key: str, period: Period) -> dict[str, Any]:
    return {"period_key": key, "period_start": period.start, "period_end": period.end}


def _unit_row(key: str, period: Period, u: UnitFigures) -> dict[str, Any]:
    return {
        **_period_cells(key, period),
        "unit_code": u.code,
        "unit_name": u.name,
        "unit_kind": u.kind,
        "former_unit": u.old,
        "successor_name": u.successor,
        "rank": u.rank or None,
        "kpi766_points": u.total,
        "kpi766_max_points": u.max_total,
        "on_time_percent": u.on_time,
        "online_percent": u.online,
        "online_payment_percent": u.online_payment,
        "satisfaction_percent": u.satisfaction,
        "evaluations": u.evaluations,
        "received": u.received,
        "received_online": u.received_online,
        "resolved": u.resolved,
        "resolved_late": u.resolved_late,
        "in_progress": u.in_progress,
        "in_progress_overdue": u.in_progress_overdue,
        "apologies": u.apologies,
    }


def unit_rows(key: str, data: Transparency) -> list[dict[str, Any]]:
    units = [data.province, *data.units.get("agency", []), *data.units.get("commune", [])]
    return [_unit_row(key, data.period, u) for u in units]


def apology_rows(key: str, data: Transparency) -> list[dict[str, Any]]:
    return [
        {
            **_period_cells(key, data.period),
            "month": r.month,
            "unit_code": r.unit_code,
            "unit_name": r.unit_name,
            "sector_code": r.sector_code,
            "sector_name": r.sector_name,
            "apologies": r.apologies,
        }
        for r in data.apologies.rows
    ]


def catalogue_rows(summary: Sequence[SectorSummary], as_of: dt.date) -> list[dict[str, Any]]:
    return [
        {
            "as_of": as_of,
            "sector_code": s.sector_code,
            "sector_name": s.sector_name,
            "procedures": s.procedures,
            "level_province": s.level_province,
            "level_commune": s.level_commune,
            "level_delegated": s.level_delegated,
            "online_full": s.online_full,
            "online_partial": s.online_partial,
            "online_none": s.online_none,
            "with_fees": s.with_fees,
            "for_citizens": s.for_citizens,
            "for_businesses": s.for_businesses,
        }
        for s in summary
    ]


def dataset_rows(dataset: Dataset, *, key: str = "", period: Period | None = None) -> list[dict[str, Any]]:
    """The rows of ``dataset`` (for ``period``, named ``key``, when it is chosen by period)."""
    if dataset is CATALOGUE:
        return catalogue_rows(catalogue_summary_cached(), timezone.localdate())
    assert period is not None  # noqa: S101 - the view passes the period of a by-period dataset
    data = transparency_cached(key, period)
    if data is None:
        return []
    return unit_rows(key, data) if dataset is UNITS else apology_rows(key, data)


# -- files -----------------------------------------------------------------------------------------------


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def as_csv(dataset: Dataset, rows: Sequence[Mapping[str, Any]]) -> str:
    """UTF-8 text with a byte-order mark, a header row of the column names, one row per record."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    names = dataset.column_names()
    writer.writerow(names)
    for row in rows:
        writer.writerow([_csv_cell(row.get(name)) for name in names])
    return "\ufeff" + buffer.getvalue()


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value


def schema(dataset: Dataset) -> dict[str, Any]:
    return {
        "fields": [
            {"name": c.name, "type": c.type, "title": str(c.title), "description": str(c.description)}
            for c in dataset.columns
        ],
        "primaryKey": list(dataset.primary_key),
        "missingValues": [""],
    }


def meta(dataset: Dataset, *, key: str = "", period: Period | None = None, url: str = "") -> dict[str, Any]:
    province = str(getattr(settings, "MOTCUA_PROVINCE_NAME", "") or "")
    out: dict[str, Any] = {
        "dataset": dataset.slug,
        "title": str(dataset.title),
        "description": str(dataset.description),
        "publisher": str(_("Ủy ban nhân dân tỉnh %(province)s")) % {"province": province},
        "licence": {
            **LICENCE,
            "attribution": str(_("Nguồn: Hệ thống thông tin giải quyết thủ tục hành chính tỉnh %(province)s"))
            % {"province": province},
        },
        "update_frequency": str(dataset.frequency),
        "generated_at": timezone.now(),
        "documentation": "docs/open-data.md",
        "schema": schema(dataset),
    }
    if url:
        out["url"] = url
    if period is not None:
        out["period"] = {"key": key, "label": period.label, "start": period.start, "end": period.end}
    return out


def as_json(dataset: Dataset, rows: Sequence[Mapping[str, Any]], header: Mapping[str, Any]) -> str:
    names = dataset.column_names()
    payload = {"meta": header, "data": [{n: _json_value(row.get(n)) for n in names} for row in rows]}
    return json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)


def filename(dataset: Dataset, fmt: str, key: str = "") -> str:
    stamp = key if dataset.by_period else f"{timezone.localdate():%Y-%m-%d}"
    return f"{dataset.slug}-{stamp}.{fmt}"
