"""The reform-plan scorecard (targets T01–T20 of the province's 2021–2025 plan): the value of each target
per year, its status against the target, its trend; the services that record what comes from outside
(ranks, surveys, registers, yearly assessments), the plan tasks of the key units and the compliance-cost
estimates of procedure reviews.

How each target is computed and judged: ``compute`` (docs/architecture/plan-scorecard.md). The modules,
each importing only modules listed before it: ``values`` (the plan's years, statuses, ``Series``, ``Value``,
``Row``, number formatting), ``errors``, ``access`` (who may do what), ``context`` (what one computation
reads once), ``units`` (T14's key units, T20's assessed units), ``compute`` (each target's value and status),
``selectors``, ``tasks`` (the plan tasks), ``reviews`` (reviews and their costs), ``services`` (what writes).
"""

from .access import plan_can_cost, plan_can_enter, plan_can_report
from .context import Context
from .errors import PlanError, PlanInputError, PlanNotAllowed
from .reviews import (
    plan_review_get,
    plan_review_list,
    plan_sector_options,
    procedure_yearly_dossiers,
    review_cost_of,
)
from .selectors import (
    plan_scorecard,
    plan_status_counts,
    plan_target_detail,
    plan_target_get,
    plan_target_list,
    plan_unit_options,
)
from .services import (
    CostSide,
    measurement_enter,
    plan_file,
    plan_task_create,
    plan_task_report,
    review_cost_save,
)
from .tasks import plan_key_units, plan_task_get, plan_task_list
from .units import assessable_units, key_unit_rows
from .values import (
    BASELINE,
    COMPUTED,
    ENTERED,
    FIRST_YEAR,
    MET,
    NO_DATA,
    NOT_MET,
    ON_TRACK,
    ORIGIN_LABELS,
    PLAN_END_YEAR,
    STATUS_LABELS,
    Row,
    plan_default_year,
    plan_series,
    plan_years,
)

__all__ = [
    "BASELINE",
    "COMPUTED",
    "ENTERED",
    "FIRST_YEAR",
    "MET",
    "NOT_MET",
    "NO_DATA",
    "ON_TRACK",
    "ORIGIN_LABELS",
    "PLAN_END_YEAR",
    "STATUS_LABELS",
    "Context",
    "CostSide",
    "PlanError",
    "PlanInputError",
    "PlanNotAllowed",
    "Row",
    "assessable_units",
    "key_unit_rows",
    "measurement_enter",
    "plan_can_cost",
    "plan_can_enter",
    "plan_can_report",
    "plan_default_year",
    "plan_file",
    "plan_key_units",
    "plan_review_get",
    "plan_review_list",
    "plan_scorecard",
    "plan_sector_options",
    "plan_series",
    "plan_status_counts",
    "plan_target_detail",
    "plan_target_get",
    "plan_target_list",
    "plan_task_create",
    "plan_task_get",
    "plan_task_list",
    "plan_task_report",
    "plan_unit_options",
    "plan_years",
    "procedure_yearly_dossiers",
    "review_cost_of",
    "review_cost_save",
]
