"""The publish lint of an internal process: a pure function from a process to its problems.

Checks (docs/formats/procedures.md, "Processes and the publish lint"):

1. there is at least one step; the first step in the list is the start;
2. every action links known steps (or ``END``) and names at least one role;
3. every step is reachable from the first step; ``END`` is reachable from every step;
4. every step is owned: a role and a unit (``receiving``, ``resolving`` or an org-unit code);
5. an inter-agency step names an org-unit code, and every named code is a current unit;
6. every budget is > 0 and the budgets along the **longest path** from the first step to ``END`` add up to
   no more than the legal time limit.

Budget choice: the longest path, not the total of all steps, because branches are alternatives (a
dossier takes one of them) while loops are returns for rework. Loops are cut by ignoring back edges — an
action to a step already on the depth-first path from the start — so rework is not counted twice. The
path is computed by dynamic programming over the resulting acyclic graph: linear in steps and actions.
"""

from __future__ import annotations

from collections.abc import Callable, Set
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from .choices import END, HOURS_PER_WORKING_DAY, BudgetUnit, StepUnitKind, TimeUnit
from .spec import COMMUNE_AGENCY, BudgetSpec, ProcedureSpec, ProcessSpec, StepSpec, TimeLimitSpec


@dataclass(frozen=True)
class LintProblem:
    """One reason a process cannot be published; ``step`` is the code of the step it concerns."""

    code: str
    message: str
    step: str | None = None

    def __str__(self) -> str:
        return self.message


def budget_hours(budget: BudgetSpec) -> Decimal:
    if budget.unit == BudgetUnit.WORKING_DAYS:
        return budget.amount * HOURS_PER_WORKING_DAY
    return budget.amount


def limit_hours(limit: TimeLimitSpec) -> Decimal:
    """The legal time limit in working hours, for comparison with step budgets (see the module doc)."""
    if limit.unit == TimeUnit.WORKING_DAYS:
        return limit.amount * HOURS_PER_WORKING_DAY
    if limit.unit == TimeUnit.WORKING_HOURS:
        return limit.amount
    if limit.unit == TimeUnit.SAME_DAY:
        return Decimal(HOURS_PER_WORKING_DAY)
    whole_days = max(1, int(limit.amount) * 5 // 7)
    return Decimal(whole_days * HOURS_PER_WORKING_DAY)


def hours_words(hours: Decimal) -> str:
    """``Decimal('12')`` → "1,5 ngày làm việc (12 giờ)"; used in lint messages."""
    days = hours / HOURS_PER_WORKING_DAY
    shown_days = f"{days.normalize():f}".replace(".", ",")
    shown_hours = f"{hours.normalize():f}".replace(".", ",")
    return _("%(days)s ngày làm việc (%(hours)s giờ)") % {"days": shown_days, "hours": shown_hours}


def _label(step: StepSpec) -> str:
    return f"“{step.label}”"


def _successors(process: ProcessSpec) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {step.code: [] for step in process.steps}
    for action in process.actions:
        known = action.from_step in out and (action.to_step in out or action.to_step == END)
        if known and action.to_step not in out[action.from_step]:
            out[action.from_step].append(action.to_step)
    return out


def _reachable_from(start: str, successors: dict[str, list[str]]) -> set[str]:
    seen = {start}
    stack = [start]
    while stack:
        node = stack.pop()
        for nxt in successors.get(node, []):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def longest_path(process: ProcessSpec) -> tuple[Decimal, list[str]]:
    """The largest sum of budgets (hours) over paths from the first step to ``END``, and that path.

    Back edges found by a depth-first walk from the first step are ignored (see the module doc). Steps
    that cannot reach ``END`` do not count. Returns (0, []) when no path ends.
    """
    if not process.steps:
        return Decimal(0), []
    successors = _successors(process)
    hours = {step.code: budget_hours(step.budget) for step in process.steps}
    start = process.steps[0].code
    # Iterative DFS computing a post-order and the set of back edges.
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    order: list[str] = []
    back: set[tuple[str, str]] = set()
    stack: list[tuple[str, int]] = [(start, 0)]
    state[start] = 1
    while stack:
        node, index = stack.pop()
        nexts = successors[node]
        if index < len(nexts):
            stack.append((node, index + 1))
            nxt = nexts[index]
            if nxt == END:
                continue
            if state.get(nxt) == 1:
                back.add((node, nxt))
            elif nxt not in state:
                state[nxt] = 1
                stack.append((nxt, 0))
        else:
            state[node] = 2
            order.append(node)
    best: dict[str, tuple[Decimal, list[str]] | None] = {}
    for node in order:  # post-order: successors first
        candidates: list[tuple[Decimal, list[str]]] = []
        for nxt in successors[node]:
            if nxt == END:
                candidates.append((Decimal(0), []))
            elif (node, nxt) not in back:
                sub = best.get(nxt)
                if sub is not None:
                    candidates.append(sub)
        if candidates:
            total, path = max(candidates, key=lambda item: item[0])
            best[node] = (total + hours[node], [node, *path])
        else:
            best[node] = None
    result = best.get(start)
    return result if result is not None else (Decimal(0), [])


def process_lint(
    process: ProcessSpec,
    *,
    time_limit: TimeLimitSpec,
    unit_is_current: Callable[[str], bool] | Set[str],
) -> list[LintProblem]:
    """Every reason ``process`` cannot be published, in Vietnamese, each naming its step.

    ``unit_is_current`` tells whether an org-unit code names a unit that exists and is valid today (a
    set of such codes or a predicate), so the function stays pure.
    """
    is_current: Callable[[str], bool] = (
        unit_is_current.__contains__ if isinstance(unit_is_current, Set) else unit_is_current
    )
    problems: list[LintProblem] = []
    if not process.steps:
        return [LintProblem("process_empty", _("Quy trình nội bộ chưa có bước nào."))]
    steps = {step.code: step for step in process.steps}

    for action in process.actions:
        source = steps.get(action.from_step)
        if source is None:
            problems.append(
                LintProblem(
                    "action_unknown_step",
                    _("Thao tác “%(action)s” đi từ bước “%(code)s” không có trong quy trình.")
                    % {"action": action.name, "code": action.from_step},
                )
            )
            continue
        if action.to_step != END and action.to_step not in steps:
            problems.append(
                LintProblem(
                    "action_unknown_step",
                    _(
                        "Thao tác “%(action)s” của bước %(step)s dẫn tới bước “%(code)s” không có trong quy trình."
                    )
                    % {"action": action.name, "step": _label(source), "code": action.to_step},
                    source.code,
                )
            )
        if not action.roles:
            problems.append(
                LintProblem(
                    "action_no_role",
                    _("Thao tác “%(action)s” của bước %(step)s chưa có vai trò nào được thực hiện.")
                    % {"action": action.name, "step": _label(source)},
                    source.code,
                )
            )

    successors = _successors(process)
    first = process.steps[0]
    reachable = _reachable_from(first.code, successors)
    predecessors: dict[str, list[str]] = {code: [] for code in [*steps, END]}
    for node, nexts in successors.items():
        for nxt in nexts:
            predecessors[nxt].append(node)
    reaches_end = _reachable_from(END, predecessors)

    for step in process.steps:
        label = _label(step)
        if step.code not in reachable:
            problems.append(
                LintProblem(
                    "step_unreachable",
                    _("Bước %(step)s không thể tới được từ bước đầu tiên %(first)s.")
                    % {"step": label, "first": _label(first)},
                    step.code,
                )
            )
        if step.code not in reaches_end:
            problems.append(
                LintProblem(
                    "step_no_end",
                    _("Từ bước %(step)s không có đường tới kết thúc quy trình (END).") % {"step": label},
                    step.code,
                )
            )
        if not step.role:
            problems.append(
                LintProblem(
                    "step_no_role", _("Bước %(step)s chưa có vai trò thực hiện.") % {"step": label}, step.code
                )
            )
        if not step.unit:
            problems.append(
                LintProblem(
                    "step_no_unit",
                    _("Bước %(step)s chưa xác định đơn vị thực hiện.") % {"step": label},
                    step.code,
                )
            )
        if step.inter_agency and step.unit_kind != StepUnitKind.UNIT:
            problems.append(
                LintProblem(
                    "inter_agency_no_unit",
                    _("Bước liên thông %(step)s phải ghi mã đơn vị phối hợp (ví dụ H56.19).")
                    % {"step": label},
                    step.code,
                )
            )
        if step.unit_kind == StepUnitKind.UNIT and not is_current(step.unit):
            problems.append(
                LintProblem(
                    "step_unit_not_current",
                    _("Đơn vị “%(unit)s” của bước %(step)s không tồn tại hoặc đã hết hiệu lực.")
                    % {"unit": step.unit, "step": label},
                    step.code,
                )
            )
        if step.budget.amount <= 0:
            problems.append(
                LintProblem(
                    "step_no_budget",
                    _("Bước %(step)s chưa có thời gian xử lý (phải lớn hơn 0).") % {"step": label},
                    step.code,
                )
            )

    total, path = longest_path(process)
    allowed = limit_hours(time_limit)
    if path and total > allowed:
        longest = max((steps[code] for code in path), key=lambda s: budget_hours(s.budget))
        problems.append(
            LintProblem(
                "budget_over_limit",
                _(
                    "Tổng thời gian các bước trên đường dài nhất (%(path)s) là %(total)s, vượt thời hạn giải "
                    "quyết %(limit)s; bước dài nhất trên đường này là %(step)s."
                )
                % {
                    "path": " → ".join(path),
                    "total": hours_words(total),
                    "limit": hours_words(allowed),
                    "step": _label(longest),
                },
                longest.code,
            )
        )
    return problems


def publish_lint(
    spec: ProcedureSpec, *, unit_is_current: Callable[[str], bool] | Set[str]
) -> list[LintProblem]:
    """Every reason ``spec`` cannot be published: the process lint, plus an agency or receiving point
    that is no longer a current unit."""
    is_current: Callable[[str], bool] = (
        unit_is_current.__contains__ if isinstance(unit_is_current, Set) else unit_is_current
    )
    problems = process_lint(spec.process, time_limit=spec.time_limit, unit_is_current=is_current)
    if spec.agency != COMMUNE_AGENCY and not is_current(spec.agency):
        problems.append(
            LintProblem(
                "agency_not_current",
                _("Cơ quan thực hiện “%(code)s” không tồn tại hoặc đã hết hiệu lực.") % {"code": spec.agency},
            )
        )
    for code in spec.receiving_points:
        if not is_current(code):
            problems.append(
                LintProblem(
                    "receiving_point_not_current",
                    _("Điểm tiếp nhận “%(code)s” không tồn tại hoặc đã hết hiệu lực.") % {"code": code},
                )
            )
    return problems
