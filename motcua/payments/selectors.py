"""Reading payments (edges call these, never the models directly)."""

from __future__ import annotations

from motcua.dossiers.models import Dossier

from .models import PaymentOrder, PaymentTransaction


def order_latest(dossier: Dossier) -> PaymentOrder | None:
    """The dossier's most recent payment order, with its agency."""
    return (
        PaymentOrder.objects.select_related("agency", "dossier")
        .filter(dossier=dossier)
        .order_by("-created_at", "-pk")
        .first()
    )


def order_paid(dossier: Dossier) -> PaymentOrder | None:
    return (
        PaymentOrder.objects.select_related("agency", "dossier")
        .filter(dossier=dossier, status="paid")
        .first()
    )


def order_transactions(order: PaymentOrder) -> list[PaymentTransaction]:
    return list(PaymentTransaction.objects.filter(order=order).order_by("created_at", "pk"))
