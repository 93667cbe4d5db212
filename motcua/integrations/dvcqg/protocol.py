"""The JSON both sides speak (docs/architecture/dvcqg-sync.md, "Protocol"): the status update motcua sends
for a dossier event, and the submission the portal sends for a dossier filed on it.

Field names follow the portal's Vietnamese PascalCase style ("MaHoSo", "TrangThaiHoSo"…). ``update_body``
is pure (the event hook calls it in the event's transaction, without further queries);
``parse_submission`` checks a submission field by field and raises ``MessageRefused`` (outcome
``rejected``) naming the first problem.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.portal_selectors import PUBLIC_NOTE_ACTIONS
from motcua.dossiers.status import DossierAction

from . import codes
from .errors import MessageRefused

MAX_TEXT = 500
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/\-]{2,59}$")


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def update_body(dossier: Dossier, event: DossierEvent, kind: str) -> dict[str, Any]:
    """What the portal is told about ``event`` (the dossier as it stands after it). The national code of a
    dossier that came from the portal is added when the update is sent (``MaHoSoDVCQG``)."""
    status = event.to_status
    code = codes.dvcqg_status_for(status)
    data = event.data or {}
    body: dict[str, Any] = {
        "MaHoSo": dossier.code,
        "MaTTHC": dossier.procedure_version.code,
        "MaCoQuanTiepNhan": dossier.receiving_point.code,
        "MaCoQuanXuLy": dossier.resolving_unit.code,
        "KenhThucHien": codes.CHANNEL_TO_PORTAL.get(dossier.channel, 1),
        "ChuHoSo": {
            "LoaiDoiTuong": codes.APPLICANT_TO_PORTAL.get(dossier.applicant_kind, 1),
            "HoTen": dossier.applicant_name,
            "SoDinhDanh": dossier.applicant_personal_id,
            "MaSoThue": dossier.applicant_tax_code,
        },
        "LoaiCapNhat": kind,
        "ThuTu": event.seq,
        "ThoiDiem": _iso(event.occurred_at),
        "TrangThaiHoSo": int(code),
        "TenTrangThai": codes.status_label(code),
        "TrangThaiCon": codes.SUB_STATUS.get(status, ""),
        "TrangThaiMotCua": status,
        "ThaoTac": event.action,
        "NgayNopHoSo": _iso(dossier.submitted_at),
        "NgayTiepNhan": _iso(dossier.received_at),
        "NgayHenTra": _iso(dossier.due_at),
        "NgayCoKetQua": _iso(dossier.finished_at),
        "NgayTraKetQua": _iso(dossier.returned_at),
        # Only what the applicant may read anyway (a refusal's or a supplement request's reason…).
        "GhiChu": event.note[:MAX_TEXT] if event.action in PUBLIC_NOTE_ACTIONS else "",
    }
    if event.action == DossierAction.REQUEST_SUPPLEMENT:
        body["GiayToCanBoSung"] = [str(item) for item in data.get("items") or []]
    if event.action == DossierAction.DECIDE or kind == codes.KIND_RESULT:
        body["KetQua"] = {
            "QuyetDinh": dossier.decision,
            "MaKetQua": str(data.get("code") or ""),
            "LoaiKetQua": str(data.get("kind") or ""),
            "KetQuaDienTu": bool(data.get("e_result")),
        }
    if kind == codes.KIND_APPOINTMENT:
        body["NgayHenTraMoi"] = data.get("new_due_at")
        body["NgayHenTraCu"] = data.get("previous_due_at")
    return body


# -- submissions from the portal -------------------------------------------------------------------------


@dataclass(frozen=True)
class PortalApplicant:
    kind: str  # ApplicantKind value
    name: str
    personal_id: str = ""
    tax_code: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""


@dataclass(frozen=True)
class PortalComponent:
    position: int
    file_name: str = ""
    content: bytes | None = None
    #: Taken from the citizen's store on the portal (DuocLayTuKhoDMQG = 1): no file, a reference.
    from_store: bool = False
    reference: str = ""


@dataclass(frozen=True)
class Submission:
    national_code: str
    procedure_code: str
    receiving_point_code: str
    submitted_at: dt.datetime
    applicant: PortalApplicant
    commune_code: str = ""
    components: tuple[PortalComponent, ...] = ()
    form_data: dict[str, Any] = field(default_factory=dict)


def _reject(code: str, message: str) -> MessageRefused:
    return MessageRefused(message, code=code, outcome="rejected")


def _text(data: dict[str, Any], key: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise _reject("field_missing", _("Thiếu trường bắt buộc “%(field)s”.") % {"field": key})
        return ""
    if not isinstance(value, str):
        raise _reject("field_type", _("Trường “%(field)s” phải là chuỗi ký tự.") % {"field": key})
    text = value.strip()
    if len(text) > limit:
        raise _reject("field_too_long", _("Trường “%(field)s” quá dài.") % {"field": key})
    return text


def _code(data: dict[str, Any], key: str, *, required: bool = True) -> str:
    text = _text(data, key, required=required, limit=60)
    if text and not _CODE.match(text):
        raise _reject("field_format", _("Trường “%(field)s” không đúng định dạng mã.") % {"field": key})
    return text


def _moment(data: dict[str, Any], key: str) -> dt.datetime:
    text = _text(data, key)
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise _reject(
            "field_format", _("Trường “%(field)s” không phải thời điểm ISO 8601.") % {"field": key}
        ) from exc
    if moment.tzinfo is None:
        raise _reject("field_format", _("Thời điểm “%(field)s” phải có múi giờ.") % {"field": key})
    return moment


def _int(value: Any, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _reject("field_type", _("Trường “%(field)s” phải là số nguyên.") % {"field": key})
    return int(value)


def _applicant(raw: Any) -> PortalApplicant:
    if not isinstance(raw, dict):
        raise _reject("field_missing", _("Thiếu thông tin chủ hồ sơ (ChuHoSo)."))
    kind = codes.APPLICANT_FROM_PORTAL.get(_int(raw.get("LoaiDoiTuong"), "ChuHoSo.LoaiDoiTuong"))
    if kind is None:
        raise _reject("applicant_kind", _("Loại đối tượng của chủ hồ sơ không hợp lệ."))
    return PortalApplicant(
        kind=kind,
        name=_text(raw, "HoTen", limit=255),
        personal_id=_text(raw, "SoDinhDanh", required=False, limit=12),
        tax_code=_text(raw, "MaSoThue", required=False, limit=14),
        phone=_text(raw, "SoDienThoai", required=False, limit=20),
        email=_text(raw, "Email", required=False, limit=254),
        address=_text(raw, "DiaChi", required=False),
    )


def _component(raw: Any, max_bytes: int) -> PortalComponent:
    if not isinstance(raw, dict):
        raise _reject("component_format", _("Mỗi thành phần hồ sơ phải là một đối tượng JSON."))
    position = _int(raw.get("ViTri"), "ThanhPhanHoSo.ViTri")
    if raw.get("DuocLayTuKhoDMQG") in (1, True):
        return PortalComponent(
            position=position, from_store=True, reference=_text(raw, "MaTaiLieu", required=False, limit=200)
        )
    name = _text(raw, "TenTep", limit=255)
    encoded = _text(raw, "NoiDung", limit=max_bytes * 4 // 3 + 8)
    try:
        content = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise _reject(
            "component_encoding", _("Nội dung tệp “%(name)s” không phải base64.") % {"name": name}
        ) from exc
    if len(content) > max_bytes:
        raise _reject("component_too_large", _("Tệp “%(name)s” quá dung lượng cho phép.") % {"name": name})
    return PortalComponent(position=position, file_name=name, content=content)


def parse_submission(data: Any, *, max_file_bytes: int) -> Submission:
    """The submission in ``data`` (the decoded JSON of a message's content), checked field by field."""
    if not isinstance(data, dict):
        raise _reject("malformed_json", _("Nội dung thông điệp không phải một đối tượng JSON."))
    components_raw = data.get("ThanhPhanHoSo", [])
    if not isinstance(components_raw, list):
        raise _reject("component_format", _("ThanhPhanHoSo phải là một danh sách."))
    components = tuple(_component(item, max_file_bytes) for item in components_raw)
    positions = [c.position for c in components]
    if len(set(positions)) != len(positions):
        raise _reject("component_duplicate", _("Một thành phần hồ sơ được gửi hai lần."))
    form_data = data.get("DuLieuBieuMau", {})
    if not isinstance(form_data, dict):
        raise _reject("field_type", _("DuLieuBieuMau phải là một đối tượng JSON."))
    return Submission(
        national_code=_code(data, "MaHoSoDVCQG"),
        procedure_code=_code(data, "MaTTHC"),
        receiving_point_code=_code(data, "MaCoQuanTiepNhan"),
        commune_code=_code(data, "MaXaPhuong", required=False),
        submitted_at=_moment(data, "NgayNopHoSo"),
        applicant=_applicant(data.get("ChuHoSo")),
        components=components,
        form_data=form_data,
    )
