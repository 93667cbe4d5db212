"""The exchange format: parsing checks every rule and reports every problem; writing is canonical."""

import datetime as dt
from decimal import Decimal

import pytest

from motcua.catalogue.spec import (
    DEFAULT_CUTOFF,
    SpecError,
    missing_parts,
    parse_procedure,
    spec_from_dict,
    spec_to_dict,
)

from .data import procedure_data, provincial_data


def codes(data):
    return {p.code for p in parse_procedure(data).problems}


def paths(data):
    return {p.path for p in parse_procedure(data).problems}


def test_a_valid_object_parses_and_round_trips():
    spec = spec_from_dict(procedure_data())
    assert spec.code == "1.001193"
    assert spec.time_limit.amount == Decimal(1) and spec.time_limit.cutoff == dt.time(15, 0)
    assert spec.legal_basis[1].effective_date == dt.date(2016, 1, 1)
    assert [s.code for s in spec.process.steps] == ["TN", "XL", "KY"]
    again = spec_from_dict(spec_to_dict(spec))
    assert again == spec
    assert spec_to_dict(again) == spec_to_dict(spec)


def test_defaults_and_normalisation():
    data = provincial_data(code=" 1.004616 ", agency="000.00.19.h56")
    del data["supplement_rule"], data["full_online_eligible"]
    data["time_limit"] = {"amount": 3, "unit": "working_days", "after_cutoff": True}
    data["receiving_points"] = ["H56.101", "H56.40", "h56.40"]
    spec = spec_from_dict(data)
    assert spec.code == "1.004616"
    assert spec.agency == "H56.19"
    assert spec.supplement_rule == "exclude_wait"
    assert spec.time_limit.cutoff == DEFAULT_CUTOFF
    assert spec.receiving_points == ("H56.101", "H56.40")


def test_commune_agency_with_the_agency_rule_means_the_applicants_commune():
    spec = spec_from_dict(procedure_data(resolving_unit="agency"))
    assert spec.agency == "commune"
    assert spec.resolving_unit == "applicant_commune"


@pytest.mark.parametrize(
    ("changes", "code", "path"),
    [
        ({"name": ""}, "required", "name"),
        ({"code": "1 004616"}, "procedure_code_invalid", "code"),
        ({"time_limit": {"amount": 0, "unit": "working_days"}}, "time_limit_not_positive", "time_limit.amount"),
        ({"time_limit": {"amount": -2, "unit": "working_hours"}}, "time_limit_not_positive", "time_limit.amount"),
        ({"time_limit": {"amount": 1.5, "unit": "working_days"}}, "time_limit_not_whole_days", "time_limit.amount"),
        ({"time_limit": {"amount": "5", "unit": "working_days"}}, "not_number", "time_limit.amount"),
        ({"time_limit": {"amount": 5, "unit": "weeks"}}, "not_in_choices", "time_limit.unit"),
        ({"time_limit": {"amount": 2, "unit": "same_day"}}, "same_day_amount", "time_limit.amount"),
        ({"time_limit": {"amount": 2, "unit": "working_days", "after_cutoff": True, "cutoff": "25:00"}}, "not_time", "time_limit.cutoff"),
        ({"fees": [{"name": "Lệ phí", "amount": -1000}]}, "fee_negative", "fees[0].amount"),
        ({"fees": [{"name": "Lệ phí", "amount": 10.5}]}, "not_integer", "fees[0].amount"),
        ({"fees": [{"amount": 1000}]}, "required", "fees[0].name"),
        ({"fees": [{"name": "Lệ phí", "amount": True}]}, "not_integer", "fees[0].amount"),
        ({"components": [{"name": "Tờ khai", "copies": -1}]}, "too_small", "components[0].copies"),
        ({"components": [{"name": "Tờ khai", "document_type": "HO_CHIEU_X"}]}, "not_in_choices", "components[0].document_type"),
        ({"components": [{"name": "Tờ khai", "template_url": "ftp://x"}]}, "not_url", "components[0].template_url"),
        ({"components": "Tờ khai"}, "not_list", "components"),
        ({"level": "district"}, "not_in_choices", "level"),
        ({"level": "province"}, "commune_agency_level", "agency"),
        ({"agency": "Sở Tư pháp"}, "org_code_charset", "agency"),
        ({"applicant_types": []}, "required", "applicant_types"),
        ({"applicant_types": ["farmer"]}, "not_in_choices", "applicant_types"),
        ({"result_name": ""}, "required", "result_name"),
        ({"full_online_eligible": False}, "full_online_not_eligible", "full_online_eligible"),
        ({"sector": {"code": "hộ tịch"}}, "sector_code_invalid", "sector.code"),
        ({"sector": None}, "required", "sector"),
        ({"publication": {"decision_date": "2025-07-15", "published_on": "2025-07-01"}}, "published_before_decision", "publication.published_on"),
        ({"publication": {"decision_date": "15/07/2025"}}, "not_date", "publication.decision_date"),
        ({"reviews": [{"reviewed_by": "Sở Tư pháp"}]}, "required", "reviews[0].reviewed_on"),
        ({"receiving_points": ["XYZ"]}, "org_code_root", "receiving_points[0]"),
    ],
)  # fmt: skip
def test_bad_values_are_reported_with_their_path(changes, code, path):
    result = parse_procedure(procedure_data(**changes))
    assert result.spec is None
    assert (code, path) in {(p.code, p.path) for p in result.problems}, result.problems
    assert all(p.message for p in result.problems)


@pytest.mark.parametrize(
    ("process", "code", "path"),
    [
        ({"steps": [{"code": "TN", "name": "A", "budget": {"amount": 1, "unit": "working_days"}},
                    {"code": "tn", "name": "B", "budget": {"amount": 1, "unit": "working_days"}}]},
         "step_code_duplicate", "process.steps[1].code"),
        ({"steps": [{"code": "END", "name": "A", "budget": {"amount": 1, "unit": "working_days"}}]},
         "step_code_invalid", "process.steps[0].code"),
        ({"steps": [{"code": "TN", "name": "A", "role": "janitor", "budget": {"amount": 1, "unit": "working_days"}}]},
         "role_invalid", "process.steps[0].role"),
        ({"steps": [{"code": "TN", "name": "A", "budget": {"amount": -1, "unit": "working_days"}}]},
         "budget_negative", "process.steps[0].budget.amount"),
        ({"steps": [{"code": "TN", "name": "A", "budget": {"amount": 1, "unit": "months"}}]},
         "not_in_choices", "process.steps[0].budget.unit"),
        ({"steps": [{"code": "TN", "name": "A", "unit": "H56..19", "budget": {"amount": 1, "unit": "working_days"}}]},
         "org_code_group", "process.steps[0].unit"),
        ({"steps": [{"code": "TN", "name": "A", "budget": {"amount": 1, "unit": "working_days"}}],
          "actions": [{"from": "TN", "to": "XL", "name": "Chuyển", "roles": ["specialist"]}]},
         "action_unknown_step", "process.actions[0].to"),
        ({"steps": [{"code": "TN", "name": "A", "budget": {"amount": 1, "unit": "working_days"}}],
          "actions": [{"from": "TN", "to": "END", "name": "Xong", "roles": ["specialist"], "conditions": ["payok"]}]},
         "condition_unknown", "process.actions[0].conditions"),
    ],
)  # fmt: skip
def test_bad_processes_are_reported(process, code, path):
    result = parse_procedure(procedure_data(process=process))
    assert (code, path) in {(p.code, p.path) for p in result.problems}, result.problems


def test_every_problem_is_reported_not_only_the_first():
    found = codes(
        procedure_data(
            name="", time_limit={"amount": 0, "unit": "working_days"}, fees=[{"name": "x", "amount": -5}]
        )
    )
    assert {"required", "time_limit_not_positive", "fee_negative"} <= found


def test_unknown_keys_are_warnings_not_errors():
    result = parse_procedure(procedure_data(keyword=["typo"]))
    assert result.spec is not None
    assert [(w.path, w.code) for w in result.warnings] == [("keyword", "unknown_key")]


def test_not_an_object():
    result = parse_procedure(["not", "an", "object"], path="procedures[0]")
    assert result.spec is None and result.problems[0].path == "procedures[0]"
    with pytest.raises(SpecError) as excinfo:
        spec_from_dict("x")
    assert excinfo.value.problems


def test_missing_parts_lists_the_constituent_parts_that_are_absent():
    assert missing_parts(spec_from_dict(procedure_data())) == []
    bare = spec_from_dict(procedure_data(components=[], legal_basis=[], process=None))
    assert missing_parts(bare) == ["Trình tự thực hiện", "Thành phần, số lượng hồ sơ", "Căn cứ pháp lý"]
