"""Demo data: fees of the demo dossiers paid at the counter, through the real payment services."""

from __future__ import annotations

from motcua.accounts.models import User
from motcua.dossiers.models import Dossier

from .counter import payment_order_record_offline
from .services import payment_order_for


def pay_demo_dossier_at_counter(dossier: Dossier, officer: User) -> None:
    """Record the dossier's fees as paid in cash at the counter (with a demo receipt number)."""
    order = payment_order_for(dossier, actor=officer)
    if order is None or order.status == "paid":
        return
    payment_order_record_offline(
        order=order,
        actor=officer,
        channel="counter",
        amount=order.amount,
        receipt_number=f"DEMO{dossier.pk:06d}",
    )
