"""Field-by-field differences between two procedure objects of the exchange format (two versions, or a
version and the draft): changed fields, and components, fees, legal basis, steps and actions added,
removed or changed. Pure functions over plain dicts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import (
    ApplicantType,
    BudgetUnit,
    DocumentType,
    FeeDue,
    FeeKind,
    OnlineLevel,
    ProcedureLevel,
    ResolvingRule,
    ResultType,
    SupplementRule,
)
from .formatting import budget_words, time_limit_words, vnd

FIELD_LABELS: dict[str, Promise] = {
    "code": gettext_lazy("Mã thủ tục"),
    "name": gettext_lazy("Tên thủ tục"),
    "sector": gettext_lazy("Lĩnh vực"),
    "level": gettext_lazy("Cấp thực hiện"),
    "agency": gettext_lazy("Cơ quan thực hiện"),
    "resolving_unit": gettext_lazy("Đơn vị giải quyết"),
    "applicant_types": gettext_lazy("Đối tượng thực hiện"),
    "result_type": gettext_lazy("Loại kết quả"),
    "result_name": gettext_lazy("Tên kết quả"),
    "result_document_type": gettext_lazy("Loại giấy tờ của kết quả"),
    "time_limit": gettext_lazy("Thời hạn giải quyết"),
    "supplement_rule": gettext_lazy("Khi bổ sung hồ sơ"),
    "online_level": gettext_lazy("Mức độ dịch vụ công trực tuyến"),
    "full_online_eligible": gettext_lazy("Đủ điều kiện toàn trình"),
    "fees": gettext_lazy("Phí, lệ phí"),
    "components": gettext_lazy("Thành phần hồ sơ"),
    "requirements": gettext_lazy("Yêu cầu, điều kiện"),
    "legal_basis": gettext_lazy("Căn cứ pháp lý"),
    "publication": gettext_lazy("Công bố"),
    "process": gettext_lazy("Quy trình nội bộ"),
    "keywords": gettext_lazy("Từ khóa"),
    "receiving_points": gettext_lazy("Điểm tiếp nhận"),
    "reviews": gettext_lazy("Kết quả rà soát"),
    "illustrative": gettext_lazy("Dữ liệu minh họa"),
    "source_note": gettext_lazy("Ghi chú nguồn"),
}

_CHOICES: dict[str, Mapping[str, Any]] = {
    "level": dict(ProcedureLevel.choices),
    "resolving_unit": dict(ResolvingRule.choices),
    "result_type": dict(ResultType.choices),
    "result_document_type": dict(DocumentType.choices),
    "supplement_rule": dict(SupplementRule.choices),
    "online_level": dict(OnlineLevel.choices),
}


@dataclass(frozen=True)
class FieldChange:
    key: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class ItemChange:
    key: str
    changes: list[FieldChange]


@dataclass
class ListDiff:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[ItemChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclass
class VersionDiff:
    fields: list[FieldChange]
    components: ListDiff
    fees: ListDiff
    legal_basis: ListDiff
    steps: ListDiff
    actions: ListDiff

    @property
    def empty(self) -> bool:
        return not self.fields and all(
            part.empty for part in (self.components, self.fees, self.legal_basis, self.steps, self.actions)
        )


def _yes_no(value: Any) -> str:
    return _("Có") if value else _("Không")


def _show(key: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if key in _CHOICES:
        return str(_CHOICES[key].get(value, value))
    if isinstance(value, bool):
        return _yes_no(value)
    if key == "sector" and isinstance(value, dict):
        return f"{value.get('name') or value.get('code')} ({value.get('code')})"
    if key == "applicant_types" and isinstance(value, list):
        labels = dict(ApplicantType.choices)
        return ", ".join(str(labels.get(v, v)) for v in value)
    if key == "time_limit" and isinstance(value, dict):
        words = time_limit_words(Decimal(str(value.get("amount", 0))), str(value.get("unit")))
        if value.get("after_cutoff"):
            words += " " + _("(nhận sau %(time)s tính sang ngày làm việc sau)") % {
                "time": value.get("cutoff")
            }
        return words
    if isinstance(value, list):
        return "; ".join(_show(key, v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_show(k, v)}" for k, v in value.items())
    return str(value)


def _legal_title(item: Any) -> str:
    return str(item.get("title", "")) if isinstance(item, dict) else str(item)


def _item_fields(kind: str) -> dict[str, tuple[Promise, Callable[[Any], str]]]:
    if kind == "components":
        return {
            "originals": (gettext_lazy("Số bản chính"), str),
            "copies": (gettext_lazy("Số bản sao"), str),
            "required": (gettext_lazy("Bắt buộc"), _yes_no),
            "document_type": (
                gettext_lazy("Loại giấy tờ dùng lại"),
                lambda v: str(dict(DocumentType.choices).get(v, v)) if v else "—",
            ),
            "template": (gettext_lazy("Mẫu đơn, tờ khai"), lambda v: v or "—"),
            "template_url": (gettext_lazy("Đường dẫn tải mẫu"), lambda v: v or "—"),
        }
    if kind == "fees":
        return {
            "kind": (gettext_lazy("Loại"), lambda v: str(dict(FeeKind.choices).get(v, v))),
            "amount": (gettext_lazy("Mức thu"), vnd),
            "condition": (gettext_lazy("Điều kiện áp dụng"), lambda v: v or "—"),
            "exemption": (gettext_lazy("Miễn, giảm"), lambda v: v or "—"),
            "due": (gettext_lazy("Thời điểm nộp"), lambda v: str(dict(FeeDue.choices).get(v, v))),
        }
    if kind == "legal_basis":
        return {"effective_date": (gettext_lazy("Ngày có hiệu lực"), lambda v: v or "—")}
    if kind == "steps":
        return {
            "name": (gettext_lazy("Tên bước"), str),
            "role": (gettext_lazy("Vai trò"), lambda v: v or "—"),
            "unit": (gettext_lazy("Đơn vị"), lambda v: v or "—"),
            "budget": (
                gettext_lazy("Thời gian xử lý"),
                lambda v: budget_words(
                    Decimal(str(v.get("amount", 0))), str(v.get("unit", BudgetUnit.WORKING_DAYS))
                ),
            ),
            "inter_agency": (gettext_lazy("Liên thông"), _yes_no),
            "can_request_supplement": (gettext_lazy("Được yêu cầu bổ sung"), _yes_no),
        }
    return {
        "name": (gettext_lazy("Tên thao tác"), str),
        "roles": (gettext_lazy("Vai trò"), lambda v: ", ".join(v) or "—"),
        "conditions": (gettext_lazy("Điều kiện"), lambda v: ", ".join(v) or "—"),
    }


def _list_diff(kind: str, old: list[Any], new: list[Any], key: Callable[[Any], str]) -> ListDiff:
    old_by = {key(item): item for item in old}
    new_by = {key(item): item for item in new}
    result = ListDiff(
        added=[k for k in new_by if k not in old_by],
        removed=[k for k in old_by if k not in new_by],
    )
    fields = _item_fields(kind)
    for k, new_item in new_by.items():
        old_item = old_by.get(k)
        if old_item is None or old_item == new_item:
            continue
        old_map = old_item if isinstance(old_item, dict) else {}
        new_map = new_item if isinstance(new_item, dict) else {}
        changes = [
            FieldChange(name, str(label), show(old_map.get(name)), show(new_map.get(name)))
            for name, (label, show) in fields.items()
            if old_map.get(name) != new_map.get(name)
        ]
        if changes:
            result.changed.append(ItemChange(k, changes))
    return result


def _action_key(action: Mapping[str, Any]) -> str:
    return f"{action.get('from')} → {action.get('to')}"


def version_diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> VersionDiff:
    """What changed from ``old`` to ``new`` (both exchange-format procedure objects)."""
    fields: list[FieldChange] = []
    for key, label in FIELD_LABELS.items():
        if key in ("fees", "components", "legal_basis", "process", "reviews"):
            continue
        if key == "publication":
            old_pub, new_pub = old.get(key) or {}, new.get(key) or {}
            sub_labels = {
                "decision_number": _("Số quyết định công bố"),
                "decision_date": _("Ngày quyết định công bố"),
                "published_on": _("Ngày công khai"),
            }
            for sub, sub_label in sub_labels.items():
                if old_pub.get(sub) != new_pub.get(sub):
                    fields.append(
                        FieldChange(
                            f"publication.{sub}",
                            sub_label,
                            _show(sub, old_pub.get(sub)),
                            _show(sub, new_pub.get(sub)),
                        )
                    )
            continue
        if old.get(key) != new.get(key):
            fields.append(FieldChange(key, str(label), _show(key, old.get(key)), _show(key, new.get(key))))
    old_process, new_process = old.get("process") or {}, new.get("process") or {}
    return VersionDiff(
        fields=fields,
        components=_list_diff(
            "components",
            old.get("components") or [],
            new.get("components") or [],
            lambda c: str(c.get("name")),
        ),
        fees=_list_diff("fees", old.get("fees") or [], new.get("fees") or [], lambda f: str(f.get("name"))),
        legal_basis=_list_diff(
            "legal_basis", old.get("legal_basis") or [], new.get("legal_basis") or [], _legal_title
        ),
        steps=_list_diff(
            "steps",
            old_process.get("steps") or [],
            new_process.get("steps") or [],
            lambda s: str(s.get("code")),
        ),
        actions=_list_diff(
            "actions", old_process.get("actions") or [], new_process.get("actions") or [], _action_key
        ),
    )


def changed_fields(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Labels of the top-level keys that differ (for an import preview)."""
    return [str(label) for key, label in FIELD_LABELS.items() if old.get(key) != new.get(key)]
