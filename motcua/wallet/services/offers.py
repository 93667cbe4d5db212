"""Show the documents of the applicant's store each component of a dossier may reuse: to the applicant on
their own dossier, and to the one-stop officer at intake — whose look is written in the applicant's access
ledger ("Ai đã xem dữ liệu của tôi"). The back office's counter page and the API both show them this way."""

from __future__ import annotations

from django.utils.translation import gettext as _

from motcua.accounts.models import AccountKind, User
from motcua.dossiers.access import dossier_can
from motcua.dossiers.models import Dossier
from motcua.dossiers.status import DossierAction, DossierStatus

from ..models import AccessKind, StoredDocument
from ..owners import owner_of_dossier
from ..selectors import wallet_offers_for_dossier
from .ledger import ledger_record

#: The states in which staff digitise or reuse components for the applicant (the attach service's rule).
AT_INTAKE = (DossierStatus.AWAITING_INTAKE, DossierStatus.RECEIVED)


def wallet_offers_visible(user: User, dossier: Dossier) -> bool:
    """May ``user`` see the applicant's offers for ``dossier`` now? The applicant on their own dossier;
    staff at intake (awaiting intake, received) with the right to receive or route it."""
    if user.kind != AccountKind.STAFF:
        return dossier.applicant_id == user.pk
    return dossier.status in AT_INTAKE and (
        dossier_can(user, dossier, DossierAction.RECEIVE) or dossier_can(user, dossier, DossierAction.ROUTE)
    )


def wallet_offers_show(*, dossier: Dossier, viewer: User) -> dict[int, list[StoredDocument]] | None:
    """Component id → the applicant's documents it may reuse (only components that have offers); None when
    ``viewer`` may not see them now (``wallet_offers_visible``). A staff member shown any is logged in the
    applicant's access ledger, with the dossier as the purpose."""
    if not wallet_offers_visible(viewer, dossier):
        return None
    offers = wallet_offers_for_dossier(dossier=dossier)
    owner = owner_of_dossier(dossier)
    if offers and owner is not None and viewer.kind == AccountKind.STAFF:
        ledger_record(
            subject_kind=owner.kind,
            subject_key=owner.key,
            kind=AccessKind.STORE_READ,
            actor=viewer,
            purpose=_("Tiếp nhận hồ sơ %(code)s: đề xuất dùng lại giấy tờ đã có")
            % {"code": dossier.code or ""},
            unit=dossier.receiving_point,
            dossier_code=dossier.code or "",
            source="kho-du-lieu",
        )
    return offers
