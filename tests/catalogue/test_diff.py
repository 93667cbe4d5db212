"""Field-by-field differences between versions."""

from motcua.catalogue.diff import changed_fields, version_diff
from motcua.catalogue.spec import spec_from_dict, spec_to_dict

from .data import procedure_data


def canonical(**changes):
    return spec_to_dict(spec_from_dict(procedure_data(**changes)), include_reviews=False)


def test_no_difference():
    diff = version_diff(canonical(), canonical())
    assert diff.empty and changed_fields(canonical(), canonical()) == []


def test_fields_components_fees_steps_and_actions():
    old = canonical()
    data = procedure_data(
        name="Đăng ký khai sinh lưu động",
        time_limit={"amount": 3, "unit": "working_days"},
        publication={
            "decision_number": "99/QĐ-UBND",
            "decision_date": "2025-07-15",
            "published_on": "2025-07-20",
        },
    )
    data["components"][0]["copies"] = 1
    data["components"].pop(1)
    data["components"].append({"name": "Văn bản ủy quyền", "required": False})
    data["fees"][0]["amount"] = 8000
    data["fees"].append({"name": "Phí cấp bản sao", "kind": "fee", "amount": 3000})
    data["process"]["steps"][1]["budget"] = {"amount": 1, "unit": "working_days"}
    data["process"]["actions"][3]["conditions"] = []
    new = spec_to_dict(spec_from_dict(data), include_reviews=False)

    diff = version_diff(old, new)
    fields = {c.key: (c.old, c.new) for c in diff.fields}
    assert fields["name"] == ("Đăng ký khai sinh", "Đăng ký khai sinh lưu động")
    assert fields["time_limit"] == (
        "01 ngày làm việc (nhận sau 15:00 tính sang ngày làm việc sau)",
        "03 ngày làm việc",
    )
    assert fields["publication.decision_number"] == ("1234/QĐ-UBND", "99/QĐ-UBND")
    assert diff.components.added == ["Văn bản ủy quyền"] and diff.components.removed == ["Giấy chứng sinh"]
    [changed] = diff.components.changed
    assert changed.key == "Tờ khai đăng ký khai sinh theo mẫu"
    assert [(c.label, c.old, c.new) for c in changed.changes] == [("Số bản sao", "0", "1")]
    assert diff.fees.added == ["Phí cấp bản sao"]
    assert [(c.old, c.new) for c in diff.fees.changed[0].changes] == [("0 đồng", "8.000 đồng")]
    assert [(c.old, c.new) for c in diff.steps.changed[0].changes] == [
        ("04 giờ làm việc", "01 ngày làm việc")
    ]
    assert diff.actions.changed[0].key == "KY → END"
    assert not diff.empty
    assert changed_fields(old, new) == [
        "Tên thủ tục", "Thời hạn giải quyết", "Phí, lệ phí", "Thành phần hồ sơ", "Công bố", "Quy trình nội bộ",
    ]  # fmt: skip


def test_steps_added_and_removed():
    data = procedure_data()
    data["process"]["steps"].insert(
        1,
        {
            "code": "TD",
            "name": "Thẩm định",
            "role": "specialist",
            "unit": "resolving",
            "budget": {"amount": 1, "unit": "working_hours"},
        },
    )
    diff = version_diff(canonical(), spec_to_dict(spec_from_dict(data)))
    assert diff.steps.added == ["TD"] and diff.steps.removed == []
    assert version_diff(spec_to_dict(spec_from_dict(data)), canonical()).steps.removed == ["TD"]
