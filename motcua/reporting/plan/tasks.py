"""The plan tasks of the key units: listed by unit with their latest reports, and the units they may be
assigned to."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from motcua.org.models import OrgUnit, OrgUnitKind

from ..plan_models import PlanTask, PlanTaskReport, PlanTaskStatus
from .selectors import plan_target_get
from .units import key_unit_rows


@dataclass
class UnitTasks:
    unit: OrgUnit
    tasks: list[PlanTask]

    @property
    def done(self) -> int:
        return sum(1 for t in self.tasks if t.status == PlanTaskStatus.DONE)

    @property
    def overdue(self) -> int:
        return sum(1 for t in self.tasks if t.status != PlanTaskStatus.DONE and t.is_overdue())

    @property
    def progress(self) -> int:
        return round(sum(t.progress for t in self.tasks) / len(self.tasks)) if self.tasks else 0


def plan_task_list(*, unit_code: str = "", status: str = "") -> list[UnitTasks]:
    """Plan tasks grouped by their unit (key units first, by code), with their latest reports."""
    tasks = PlanTask.objects.select_related("unit", "target").prefetch_related(
        Prefetch("reports", queryset=PlanTaskReport.objects.order_by("-reported_on", "-pk"))
    )
    if unit_code:
        tasks = tasks.filter(unit__code=unit_code)
    today = timezone.localdate()
    if status == "overdue":
        tasks = tasks.exclude(status=PlanTaskStatus.DONE).filter(deadline__lt=today)
    elif status in PlanTaskStatus.values:
        tasks = tasks.filter(status=status)
    groups: dict[int, UnitTasks] = {}
    for task in tasks.order_by("unit__code", "deadline", "pk"):
        groups.setdefault(task.unit_id, UnitTasks(task.unit, [])).tasks.append(task)
    return list(groups.values())


def plan_task_get(pk: int) -> PlanTask | None:
    return (
        PlanTask.objects.select_related("unit", "target", "created_by")
        .prefetch_related(Prefetch("reports", queryset=PlanTaskReport.objects.select_related("reported_by")))
        .filter(pk=pk)
        .first()
    )


def plan_task_report_get(pk: int) -> PlanTaskReport | None:
    return PlanTaskReport.objects.select_related("task").filter(pk=pk).first()


def plan_key_units(*, on: dt.date | None = None) -> list[OrgUnit]:
    """The units tasks may be assigned to: the T14 key units as shown for this year (successors of the
    abolished ones), then the other current agencies."""
    today = on or timezone.localdate()
    target = plan_target_get("T14")
    codes = list(target.scope.get("units") or []) if target else []
    shown = [r.unit for r in key_unit_rows(codes, today.year, today=today) if r.unit is not None]
    seen = {u.pk for u in shown}
    others = [
        u
        for u in OrgUnit.objects.valid_on(today).filter(
            kind__in=[OrgUnitKind.AGENCY, OrgUnitKind.VERTICAL_AGENCY, OrgUnitKind.PROVINCE]
        )
        if u.pk not in seen
    ]
    return sorted(shown, key=lambda u: u.code) + others
