"""Demo data: the access ledger of the demo citizen, written through the real paths.

At the ward, the one-stop officer looked Lê Thị Hoa up in the population registry (the local fake) to check
her birth-certificate copy application, then opened the dossier; her "Ai đã xem dữ liệu của tôi" page shows
both, as it would after a day at the counter.
"""

from __future__ import annotations

from motcua.accounts.models import User
from motcua.dossiers.models import Dossier
from motcua.wallet.models import AccessEntry

from .access import dossier_read_record, officer_unit_for
from .registries import LookupContext, registry_lookup_person

CITIZEN = "038195001234"
OFFICER = "motcua.hacthanh"


def seed_demo_access() -> int:
    """Once: a registry look-up and a dossier read about the demo citizen; returns the entries written."""
    if AccessEntry.objects.filter(subject_key=CITIZEN).exists():
        return 0
    dossier = (
        Dossier.objects.filter(applicant_personal_id=CITIZEN, form_data__demo=True, channel="online")
        .order_by("pk")
        .last()
    )
    officer = User.objects.filter(username=OFFICER).first()
    if dossier is None or officer is None:
        return 0
    context = LookupContext(
        actor=officer,
        purpose=f"Kiểm tra thông tin người yêu cầu, hồ sơ {dossier.code}",
        unit=officer_unit_for(officer, dossier),
        dossier_code=dossier.code or "",
    )
    registry_lookup_person(personal_id=CITIZEN, context=context)
    dossier_read_record(user=officer, dossier=dossier)
    return AccessEntry.objects.filter(subject_key=CITIZEN).count()
