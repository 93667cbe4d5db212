"""A procedure published in the catalogue (tests/dossiers/data.py: 1.009999, 5 working days, resolved by
Sở Nông nghiệp và Môi trường H56.19 with an inter-agency step at Thuế tỉnh H56.52) and history lines for it."""

import copy
import json

import pytest

from ...dossiers.conftest import demo, people, version, vn

__all__ = ["demo", "full_line", "line", "people", "version", "vn", "write_lines"]


FULL = {
    "format": "motcua.dossier-history/1",
    "source": {"system": "igate-th", "id": "HS-000117"},
    "code": "H56.40-260302-0117",
    "procedure": {"code": "1.009999"},
    "applicant": {"kind": "citizen", "name": "Lê Thị Hoa", "personal_id": "038195001234",
                  "phone": "+84912345678", "email": "hoa@example.com"},
    "channel": "online",
    "receiving_point": "H56.40",
    "resolving_unit": "H56.19",
    "submitted_at": "2026-03-02T08:05:00+07:00",
    "received_at": "2026-03-02T09:00:00+07:00",
    "due_at": "2026-03-09T17:00:00+07:00",
    "steps": [
        {"code": "TN", "name": "Tiếp nhận hồ sơ", "unit": "H56.40", "officer": "motcua.tinh",
         "received_at": "2026-03-02T09:00:00+07:00", "handed_over_at": "2026-03-02T10:00:00+07:00"},
        {"code": "TD", "name": "Thẩm định hồ sơ", "unit": "H56.19", "officer": "chuyenvien.tnmt",
         "received_at": "2026-03-02T10:00:00+07:00", "handed_over_at": "2026-03-03T09:00:00+07:00"},
        {"code": "LT", "name": "Xác định nghĩa vụ tài chính", "unit": "H56.52", "officer": "thue.cu",
         "received_at": "2026-03-03T09:00:00+07:00", "handed_over_at": "2026-03-04T09:00:00+07:00",
         "mode": "paper", "inter_agency": True},
        {"code": "KY", "name": "Lãnh đạo Sở ký", "unit": "H56.19", "officer": "lanhdao.tnmt",
         "received_at": "2026-03-04T09:00:00+07:00", "handed_over_at": "2026-03-05T11:00:00+07:00"},
    ],
    "pauses": [{"kind": "supplement", "from": "2026-03-02T14:00:00+07:00",
                "to": "2026-03-03T08:30:00+07:00", "reason": "Thiếu sơ đồ"}],
    "decision": "approved",
    "decision_note": "Cấp giấy phép",
    "finished_at": "2026-03-05T11:00:00+07:00",
    "returned_at": "2026-03-05T15:00:00+07:00",
    "return_method": "online",
    "result": {"electronic": True, "signed": True, "reference": "GP-117/2026", "issued_at": "2026-03-05T11:05:00+07:00"},
    "components": [
        {"name": "Đơn đề nghị cấp giấy phép", "origin": "upload", "digitised": True, "pages": 2},
        {"name": "Sơ đồ khu vực khai thác", "origin": "reused", "digitised": True, "pages": 1},
        {"name": "Giấy tờ khác (nếu có)", "required": False, "origin": "none"},
    ],
    "payments": [{"amount": 50000, "channel": "vnpay", "online": True, "at": "2026-03-02T08:10:00+07:00"}],
    "evaluation": {"satisfaction": "satisfied", "comment": "Nhanh", "channel": "portal", "at": "2026-03-06T08:00:00+07:00"},
}  # fmt: skip


def full_line(**overrides):
    """The full example above, with top-level keys replaced (None removes a key)."""
    data = copy.deepcopy(FULL)
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def line(**overrides):
    """A short line: received at the counter, still open (no decision)."""
    data = {
        "format": "motcua.dossier-history/1",
        "source": {"system": "igate-th", "id": "HS-1"},
        "code": "H56.40-260303-0001",
        "procedure": {"code": "1.009999"},
        "applicant": {"kind": "citizen", "name": "Nguyễn Văn An", "personal_id": "038088004321"},
        "channel": "counter",
        "receiving_point": "H56.40",
        "resolving_unit": "H56.19",
        "received_at": "2026-03-03T09:00:00+07:00",
        "components": [{"name": "Đơn đề nghị cấp giấy phép", "origin": "counter_scan", "digitised": True}],
    }
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


@pytest.fixture
def write_lines(tmp_path):
    """``write_lines([obj, "raw text", …])`` → the path of a .jsonl file with one line each."""

    def write(items, name="history.jsonl"):
        path = tmp_path / name
        path.write_text(
            "\n".join(
                item if isinstance(item, str) else json.dumps(item, ensure_ascii=False) for item in items
            )
            + "\n",
            encoding="utf-8",
        )
        return path

    return write
