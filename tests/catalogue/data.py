"""Procedure objects in the exchange format for tests (plain data, no Django imports)."""

from __future__ import annotations

import copy
from typing import Any

BASE: dict[str, Any] = {
    "code": "1.001193",
    "name": "Đăng ký khai sinh",
    "sector": {"code": "HO_TICH", "name": "Hộ tịch"},
    "level": "commune",
    "agency": "commune",
    "resolving_unit": "applicant_commune",
    "applicant_types": ["citizen"],
    "result_type": "paper",
    "result_name": "Giấy khai sinh",
    "time_limit": {"amount": 1, "unit": "working_days", "after_cutoff": True, "cutoff": "15:00"},
    "supplement_rule": "exclude_wait",
    "online_level": "full",
    "full_online_eligible": True,
    "fees": [
        {
            "name": "Lệ phí đăng ký khai sinh",
            "kind": "charge",
            "amount": 0,
            "condition": "",
            "exemption": "Miễn lệ phí khi đăng ký đúng hạn",
            "due": "at_submission",
        }
    ],
    "components": [
        {"name": "Tờ khai đăng ký khai sinh theo mẫu", "originals": 1, "copies": 0, "required": True,
         "document_type": "TO_KHAI", "template": "TK_KHAI_SINH"},
        {"name": "Giấy chứng sinh", "originals": 1, "copies": 0, "required": True, "document_type": "GIAY_CHUNG_SINH"},
    ],
    "requirements": "Không",
    "legal_basis": ["Luật Hộ tịch số 60/2014/QH13", {"title": "Nghị định số 123/2015/NĐ-CP", "effective_date": "2016-01-01"}],
    "publication": {"decision_number": "1234/QĐ-UBND", "decision_date": "2025-07-15", "published_on": "2025-07-20"},
    "process": {
        "steps": [
            {"code": "TN", "name": "Tiếp nhận hồ sơ", "role": "one_stop_officer", "unit": "receiving",
             "budget": {"amount": 2, "unit": "working_hours"}, "inter_agency": False, "can_request_supplement": True},
            {"code": "XL", "name": "Thẩm định, xử lý", "role": "specialist", "unit": "resolving",
             "budget": {"amount": 4, "unit": "working_hours"}, "can_request_supplement": True},
            {"code": "KY", "name": "Ký duyệt", "role": "agency_leader", "unit": "resolving",
             "budget": {"amount": 2, "unit": "working_hours"}},
        ],
        "actions": [
            {"from": "TN", "to": "XL", "name": "Chuyển xử lý", "roles": ["one_stop_officer"], "conditions": []},
            {"from": "XL", "to": "KY", "name": "Trình ký", "roles": ["specialist"], "conditions": []},
            {"from": "KY", "to": "XL", "name": "Trả lại để xử lý lại", "roles": ["agency_leader"], "conditions": []},
            {"from": "KY", "to": "END", "name": "Ký, trả kết quả", "roles": ["agency_leader"], "conditions": ["fee_paid"]},
        ],
    },
    "keywords": ["giấy khai sinh"],
    "illustrative": True,
    "source_note": "Thời hạn theo Luật Hộ tịch 2014; quy trình nội bộ minh họa.",
}  # fmt: skip


def procedure_data(**overrides: Any) -> dict[str, Any]:
    """A valid exchange-format object (khai sinh), with top-level keys replaced by ``overrides``."""
    data = copy.deepcopy(BASE)
    data.update(copy.deepcopy(overrides))
    return data


def provincial_data(
    code: str = "1.004616", name: str = "Cấp giấy phép môi trường", **overrides: Any
) -> dict[str, Any]:
    data = procedure_data(
        code=code,
        name=name,
        sector={"code": "MOI_TRUONG", "name": "Môi trường"},
        level="province",
        agency="H56.19",
        resolving_unit="agency",
        applicant_types=["business"],
        result_name="Giấy phép môi trường",
        time_limit={"amount": 15, "unit": "working_days"},
        online_level="partial",
        full_online_eligible=False,
        fees=[{"name": "Phí thẩm định cấp giấy phép môi trường", "kind": "fee", "amount": 1000000}],
        keywords=[],
    )
    data.update(copy.deepcopy(overrides))
    return data
