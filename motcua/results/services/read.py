"""A staff member reads an issued result's file: the holder sees it in their access ledger."""

from __future__ import annotations

from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.wallet.models import AccessKind
from motcua.wallet.services import ledger_record

from ..models import IssuedResult


def result_file_read_record(*, result: IssuedResult, reader: User) -> None:
    """Log that ``reader`` (staff, through the back office or the API) downloaded ``result``'s file: one
    ledger row and one audit row, before the file is sent."""
    ledger_record(
        subject_kind=result.holder_kind,
        subject_key=result.holder_key,
        kind=AccessKind.DOCUMENT_READ,
        actor=reader,
        purpose=_("Tải kết quả đã cấp %(code)s") % {"code": result.code},
        unit=result.signer_unit,
        dossier_code=result.dossier.code or "",
        source=result.code,
    )
