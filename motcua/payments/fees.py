"""What a dossier owes: the fee items of its pinned procedure version, priced for this dossier.

Rules (docs/architecture/payments.md):

- every fee item of ``procedure_spec(dossier.procedure_version).fees`` with a positive amount is due;
- quantity: ``form_data["so_luong"]`` when the procedure's form asks for it (a whole number 1–1000: copies,
  certificates…), else 1; it multiplies every item;
- exemption: an item whose procedure declares an exemption (``FeeSpec.exemption`` not empty) is waived when
  ``form_data["mien_giam_phi"]`` is true (the applicant declares being in the exempted group — the officer
  checks it at intake) or when the officer recorded it on the dossier under the same key; an item without
  a declared exemption cannot be waived by the applicant;
- the stage of an item is its ``due`` (at submission, before processing, before the result).

One online order covers every item due (all stages), so a paid order means the dossier's fees are paid.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from motcua.catalogue.choices import FeeDue
from motcua.dossiers.models import Dossier
from motcua.dossiers.procedure import procedure_spec

from .models import Stage

QUANTITY_KEY = "so_luong"
EXEMPTION_KEY = "mien_giam_phi"
MAX_QUANTITY = 1000
STAGE_OF_DUE: dict[str, str] = {
    FeeDue.AT_SUBMISSION: Stage.AT_SUBMISSION,
    FeeDue.BEFORE_PROCESSING: Stage.BEFORE_PROCESSING,
    FeeDue.BEFORE_RETURN: Stage.BEFORE_RESULT,
}
STAGE_ORDER = [Stage.AT_SUBMISSION, Stage.BEFORE_PROCESSING, Stage.BEFORE_RESULT]


@dataclass(frozen=True)
class FeeItem:
    name: str
    kind: str
    unit_amount: int
    quantity: int
    amount: int
    stage: str
    exempted: bool = False

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _quantity(form_data: dict[str, Any]) -> int:
    raw = form_data.get(QUANTITY_KEY)
    if raw is None or raw == "" or isinstance(raw, bool) or not isinstance(raw, int | str):
        return 1
    try:
        value = int(raw)
    except ValueError:
        return 1
    return min(max(value, 1), MAX_QUANTITY)


def _exempted(form_data: dict[str, Any]) -> bool:
    value = form_data.get(EXEMPTION_KEY)
    return value is True or (isinstance(value, str) and value.strip().lower() in {"1", "true", "co", "có"})


def fee_items(dossier: Dossier) -> list[FeeItem]:
    """Every fee item of the dossier's procedure, priced (waived items keep amount 0 and ``exempted``)."""
    form_data = dossier.form_data if isinstance(dossier.form_data, dict) else {}
    quantity = _quantity(form_data)
    claims_exemption = _exempted(form_data)
    items = []
    for fee in procedure_spec(dossier.procedure_version).fees:
        if fee.amount <= 0:
            continue
        exempted = claims_exemption and bool(fee.exemption.strip())
        items.append(
            FeeItem(
                name=fee.name,
                kind=fee.kind,
                unit_amount=fee.amount,
                quantity=quantity,
                amount=0 if exempted else fee.amount * quantity,
                stage=STAGE_OF_DUE.get(fee.due, Stage.AT_SUBMISSION),
                exempted=exempted,
            )
        )
    return items


def fees_by_stage(dossier: Dossier) -> dict[str, list[FeeItem]]:
    grouped: dict[str, list[FeeItem]] = {}
    for item in fee_items(dossier):
        grouped.setdefault(item.stage, []).append(item)
    return {stage: grouped[stage] for stage in STAGE_ORDER if stage in grouped}


def total_due(dossier: Dossier) -> int:
    return sum(item.amount for item in fee_items(dossier))


def first_stage(items: list[FeeItem]) -> str:
    stages = {item.stage for item in items if item.amount > 0}
    return next((stage for stage in STAGE_ORDER if stage in stages), Stage.AT_SUBMISSION)
