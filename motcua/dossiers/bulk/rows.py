"""Rows of a dossier written in bulk (the simulation, the history import): plain rows with the models' attribute
names (model instances cost too much per row), and the ``Story`` of one dossier that holds them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from motcua.dossiers.status import DossierStatus as S


@dataclass(slots=True)
class DossierRow:
    """A ``Dossier`` row, with the same attribute names as the model (fields not named here get the
    model's default when written)."""

    procedure_version_id: int
    channel: str
    applicant_kind: str
    applicant_name: str
    applicant_personal_id: str
    applicant_tax_code: str
    applicant_phone: str
    applicant_email: str
    applicant_address: str
    applicant_commune_id: int | None
    receiving_point_id: int
    resolving_unit_id: int
    form_data: dict[str, Any]
    fee_status: str
    created_at: dt.datetime
    status: str = S.DRAFT.value
    code: str | None = None
    applicant_id: int | None = None
    submitted_at: dt.datetime | None = None
    received_at: dt.datetime | None = None
    deemed_received_at: dt.datetime | None = None
    due_at: dt.datetime | None = None
    original_due_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    returned_at: dt.datetime | None = None
    decision: str = ""
    decision_note: str = ""
    return_method: str = ""
    outcome: str = ""
    paused_from: str = ""
    supplement_count: int = 0
    apology_count: int = 0
    closing_reason: str = ""
    lock_version: int = 0
    search_text: str = ""
    imported_from: str = ""
    fact_state: dict[str, Any] = field(default_factory=dict)
    id: int = 0


@dataclass(slots=True)
class StepRow:
    """A ``DossierStep`` row (plain values: model instances cost too much per row)."""

    seq: int
    step_code: str
    name: str
    role: str
    unit_id: int
    inter_agency: bool
    handover_mode: str
    handed_over_by_id: int | None
    budget_amount: Decimal
    budget_unit: str
    started_at: dt.datetime
    due_at: dt.datetime | None
    finished_at: dt.datetime | None = None
    finished_by_id: int | None = None
    assignee_id: int | None = None
    outcome: str = ""
    note: str = ""
    dossier_id: int = 0


@dataclass(slots=True)
class PauseRow:
    kind: str
    started_at: dt.datetime
    reason: str
    items: list[str]
    ended_at: dt.datetime | None = None
    dossier_id: int = 0


@dataclass(slots=True)
class ComponentRow:
    position: int
    name: str
    required: bool
    document_type: str
    originals: int
    copies: int
    origin: str
    digitised: bool
    page_count: int
    checked: bool = False
    digitised_at: dt.datetime | None = None  # a scan made at the counter (``dossier_component_attach``)
    file: str = ""  # not stored: simulated components have no file
    original_name: str = ""
    sha256: str = ""
    size: int = 0
    dossier_id: int = 0


@dataclass(slots=True)
class EventRow:
    """A ``DossierEvent`` row; ``events._digest`` reads the same attributes as on the model."""

    seq: int
    occurred_at: dt.datetime
    actor_id: int | None
    actor_label: str
    action: str
    from_status: str
    to_status: str
    from_step: str
    to_step: str
    unit_code: str
    note: str
    data: dict[str, Any]
    prev_hash: str = ""
    hash: str = ""
    dossier_id: int = 0


@dataclass
class Story:
    """What one dossier's story writes: the dossier row and its children (ids set when stored)."""

    dossier: DossierRow
    steps: list[StepRow]
    pauses: list[PauseRow]
    components: list[ComponentRow]
    events: list[EventRow]
