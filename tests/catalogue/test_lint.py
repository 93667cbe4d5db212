"""The publish lint: each kind of problem, reported in Vietnamese naming the step."""

from dataclasses import replace
from decimal import Decimal

from motcua.catalogue.lint import limit_hours, longest_path, process_lint, publish_lint
from motcua.catalogue.spec import ActionSpec, BudgetSpec, ProcessSpec, StepSpec, TimeLimitSpec, spec_from_dict

from .data import procedure_data

CURRENT = {"H56.19", "H56.02"}
LIMIT = TimeLimitSpec(Decimal(3), "working_days")


def step(code, *, hours=4, role="specialist", unit="resolving", **kw):
    return StepSpec(code, f"Bước {code}", role, unit, BudgetSpec(Decimal(hours), "working_hours"), **kw)


def act(a, b, roles=("specialist",)):
    return ActionSpec(a, b, f"{a}→{b}", tuple(roles))


def lint(process, limit=LIMIT, current=CURRENT):
    return process_lint(process, time_limit=limit, unit_is_current=current)


def kinds(problems):
    return [(p.code, p.step) for p in problems]


LINEAR = ProcessSpec(
    (step("TN", unit="receiving", role="one_stop_officer"), step("XL")), (act("TN", "XL"), act("XL", "END"))
)


def test_a_good_process_has_no_problem():
    assert lint(LINEAR) == []
    spec = spec_from_dict(procedure_data())
    assert publish_lint(spec, unit_is_current=CURRENT) == []


def test_empty_process():
    assert kinds(lint(ProcessSpec())) == [("process_empty", None)]
    assert "chưa có bước nào" in lint(ProcessSpec())[0].message


def test_unreachable_step_is_named():
    process = ProcessSpec((*LINEAR.steps, step("TD")), (*LINEAR.actions, act("TD", "END")))
    problems = lint(process)
    assert kinds(problems) == [("step_unreachable", "TD")]
    assert problems[0].message == "Bước “TD — Bước TD” không thể tới được từ bước đầu tiên “TN — Bước TN”."


def test_step_without_a_way_to_the_end():
    process = ProcessSpec((*LINEAR.steps, step("TD")), (act("TN", "XL"), act("XL", "END"), act("TN", "TD")))
    problems = lint(process)
    assert kinds(problems) == [("step_no_end", "TD")]
    assert "“TD — Bước TD”" in problems[0].message and "kết thúc" in problems[0].message


def test_a_loop_without_exit_never_reaches_the_end():
    process = ProcessSpec((step("TN"), step("XL")), (act("TN", "XL"), act("XL", "TN")))
    assert set(kinds(lint(process))) == {("step_no_end", "TN"), ("step_no_end", "XL")}


def test_unowned_steps():
    process = ProcessSpec((step("TN", role="", unit=""),), (act("TN", "END"),))
    problems = lint(process)
    assert kinds(problems) == [("step_no_role", "TN"), ("step_no_unit", "TN")]
    assert problems[0].message == "Bước “TN — Bước TN” chưa có vai trò thực hiện."
    assert problems[1].message == "Bước “TN — Bước TN” chưa xác định đơn vị thực hiện."


def test_inter_agency_steps_must_name_a_current_unit():
    missing = ProcessSpec((step("LT", inter_agency=True),), (act("LT", "END"),))
    assert kinds(lint(missing)) == [("inter_agency_no_unit", "LT")]
    retired = ProcessSpec((step("LT", unit="H56.17", inter_agency=True),), (act("LT", "END"),))
    problems = lint(retired)
    assert kinds(problems) == [("step_unit_not_current", "LT")]
    assert (
        problems[0].message == "Đơn vị “H56.17” của bước “LT — Bước LT” không tồn tại hoặc đã hết hiệu lực."
    )
    fine = ProcessSpec((step("LT", unit="H56.02", inter_agency=True),), (act("LT", "END"),))
    assert lint(fine) == []
    assert lint(fine, current=lambda code: code == "H56.02") == []


def test_budgets_over_the_legal_limit_along_the_longest_path():
    # TN (4 h) → XL (12 h) → END is 16 h; the limit is 3 working days = 24 h: fine.
    slow = ProcessSpec((step("TN"), step("XL", hours=12)), (act("TN", "XL"), act("XL", "END")))
    assert lint(slow) == []
    # Add an alternative branch TN → TD (30 h) → END: the longest path is 34 h > 24 h.
    branch = ProcessSpec(
        (*slow.steps, step("TD", hours=30)), (*slow.actions, act("TN", "TD"), act("TD", "END"))
    )
    problems = lint(branch)
    assert kinds(problems) == [("budget_over_limit", "TD")]
    message = problems[0].message
    assert (
        "TN → TD" in message
        and "4,25 ngày làm việc (34 giờ)" in message
        and "3 ngày làm việc (24 giờ)" in message
    )
    assert "“TD — Bước TD”" in message


def test_returns_for_rework_are_not_counted_twice():
    process = ProcessSpec(
        (step("TN", hours=8), step("XL", hours=8), step("KY", hours=8)),
        (act("TN", "XL"), act("XL", "KY"), act("KY", "XL"), act("KY", "END")),
    )
    assert longest_path(process) == (Decimal(24), ["TN", "XL", "KY"])
    assert lint(process) == []


def test_zero_budget_and_actions_without_roles():
    process = ProcessSpec((step("TN", hours=0),), (act("TN", "END", roles=()),))
    assert kinds(lint(process)) == [("action_no_role", "TN"), ("step_no_budget", "TN")]


def test_actions_to_unknown_steps():
    process = ProcessSpec((step("TN"),), (act("TN", "XX"), act("YY", "END"), act("TN", "END")))
    assert {p.code for p in lint(process)} == {"action_unknown_step"}


def test_limit_conversions():
    assert limit_hours(TimeLimitSpec(Decimal(5), "working_days")) == 40
    assert limit_hours(TimeLimitSpec(Decimal("4.5"), "working_hours")) == Decimal("4.5")
    assert limit_hours(TimeLimitSpec(Decimal(0), "same_day")) == 8
    assert limit_hours(TimeLimitSpec(Decimal(30), "calendar_days")) == 21 * 8
    assert limit_hours(TimeLimitSpec(Decimal(1), "calendar_days")) == 8


def test_publish_lint_checks_the_agency_and_receiving_points():
    spec = replace(spec_from_dict(procedure_data()), agency="H56.17", receiving_points=("H56.99",))
    found = {p.code for p in publish_lint(spec, unit_is_current=CURRENT)}
    assert found == {"agency_not_current", "receiving_point_not_current"}
