"""What the applicant is told at each step: stored in the notification outbox inside the transaction,
delivered after commit (``motcua.notifications``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from motcua.notifications.services import Recipient, notify

from .models import Dossier
from .procedure import procedure_spec


def status_url(dossier: Dossier) -> str:
    base = getattr(settings, "MOTCUA_PUBLIC_URL", "").rstrip("/")
    return f"{base}{reverse('dossier_status_lookup')}?ma={dossier.code}" if dossier.code else ""


def announce(dossier: Dossier, topic: str, **context: Any) -> None:
    """Notify the applicant of ``dossier`` (their account if any, else the contact details they gave)."""
    recipient: Any = dossier.applicant
    if recipient is None:
        if not (dossier.applicant_email or dossier.applicant_phone):
            return
        recipient = Recipient(
            name=dossier.applicant_name, email=dossier.applicant_email, phone=dossier.applicant_phone
        )
    notify(
        topic=topic,
        recipient=recipient,
        context={
            "code": dossier.code,
            "procedure_name": procedure_spec(dossier.procedure_version).name,
            "status_url": status_url(dossier),
            "place": dossier.receiving_point.name,
            **context,
        },
        related=dossier,
    )
