"""Record that a dossier's fees were paid (online through a gateway, or at the counter).

Called by the payments app in the transaction that credits the payment order, so the order, the receipt and
the dossier's ``fee_paid`` event commit together or not at all. The status does not change.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from motcua.accounts.models import User

from ..models import Dossier, FeeStatus
from ..status import DossierAction
from .common import begin, commit_change


def dossier_fee_paid(
    *,
    dossier: Dossier,
    order_ref: str,
    amount: int,
    channel: str,
    online: bool,
    at: dt.datetime | None = None,
    actor: User | None = None,
) -> Dossier:
    """Mark the dossier's fees paid and append the ``fee_paid`` event (``{amount, channel, online}``).

    ``order_ref`` names the payment order (or receipt) in the event's note. ``actor`` is None for a
    gateway's server-to-server confirmation; the caller has already checked that the payment is genuine.
    """
    with transaction.atomic():
        # The payment is a system fact: the access rules of a person do not apply (actor checked by caller).
        locked = begin(dossier, actor=None, action=DossierAction.FEE_PAID)
        locked.fee_status = FeeStatus.PAID
        return commit_change(
            locked,
            actor=actor,
            action=DossierAction.FEE_PAID,
            note=order_ref,
            data={"amount": int(amount), "channel": channel, "online": bool(online)},
            at=at,
            fields=["fee_status"],
        )
