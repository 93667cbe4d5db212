"""Record that the dossier's result exists as a signed electronic document.

Called by the results app (``motcua.results``) in the transaction that registers the signed result: an
electronic result issued after the decision, or the certified scan of a paper result. The status does not
change; the scorecard counts the dossier as having an electronic result (766 items 4.1 and 4.2).
"""

from __future__ import annotations

from django.db import transaction

from motcua.accounts.models import User

from ..models import Dossier
from ..status import DossierAction
from .common import begin, commit_change

RESULT_KINDS = ("electronic", "digitised_paper")


def dossier_result_issued(*, dossier: Dossier, actor: User | None, result_code: str, kind: str) -> Dossier:
    """Append the ``result_issued`` event (``{"e_result": true, "code", "kind"}``).

    ``actor`` is the officer who decided (electronic result) or digitised (paper result); the caller (the
    results app) has checked their right to do so. Recording the same result code twice is refused.
    """
    if kind not in RESULT_KINDS:
        raise ValueError(f"unknown result kind {kind!r}")
    with transaction.atomic():
        locked = begin(dossier, actor=None, action=DossierAction.RESULT_ISSUED)
        if locked.events.filter(action=DossierAction.RESULT_ISSUED, data__code=result_code).exists():
            return locked
        return commit_change(
            locked,
            actor=actor,
            action=DossierAction.RESULT_ISSUED,
            note=result_code,
            data={"e_result": True, "code": result_code, "kind": kind},
        )
