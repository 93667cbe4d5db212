"""Inviting the applicant to rate a returned dossier (issue 9, item 1).

A dossier event hook (registered in ``apps.py``): when the ``return_result`` event is written, it issues a
signed evaluation link (``services.evaluation_link_issue``, audited) and writes an ``evaluation.invite``
notification through ``notify`` — all in the transaction of the return; the email / SMS go out after
commit. The applicant's account gets it in the inbox too; an applicant at the counter without an account
gets it by the email or phone they gave. Sent once: a dossier is returned once, and a second call finds the
invitation already written.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.urls import reverse

from motcua.dossiers.announce import status_url
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.procedure import procedure_spec
from motcua.dossiers.status import DossierAction
from motcua.notifications.models import Notification
from motcua.notifications.services import Recipient, notify

from .errors import EvaluationNotAllowed
from .models import EvaluationChannel
from .services import evaluation_link_issue

logger = logging.getLogger("motcua.feedback")

TOPIC = "evaluation.invite"


def evaluation_url(token: str) -> str:
    base = getattr(settings, "MOTCUA_PUBLIC_URL", "").rstrip("/")
    return f"{base}{reverse('evaluation_link', args=[token])}"


def _recipient(dossier: Dossier) -> Any:
    if dossier.applicant is not None:
        return Recipient(
            user=dossier.applicant,
            email=dossier.applicant.email or dossier.applicant_email,
            phone=dossier.applicant.phone or dossier.applicant_phone,
        )
    if dossier.applicant_email or dossier.applicant_phone:
        return Recipient(
            name=dossier.applicant_name, email=dossier.applicant_email, phone=dossier.applicant_phone
        )
    return None


def already_invited(dossier: Dossier) -> bool:
    return Notification.objects.filter(
        topic=TOPIC, related_type="dossiers.dossier", related_id=str(dossier.pk)
    ).exists()


def invite_on_return(dossier: Dossier, event: DossierEvent) -> set[str]:
    """The event hook: on ``return_result``, invite the applicant (once). Changes no dossier field."""
    if event.action != DossierAction.RETURN_RESULT:
        return set()
    recipient = _recipient(dossier)
    if recipient is None or already_invited(dossier):
        return set()
    try:
        token = evaluation_link_issue(dossier=dossier, channel=EvaluationChannel.LINK)
    except EvaluationNotAllowed as exc:  # already evaluated: nothing to invite to
        logger.info("Dossier %s: no evaluation invitation (%s)", dossier.code, exc.code)
        return set()
    notify(
        topic=TOPIC,
        recipient=recipient,
        context={
            "code": dossier.code,
            "procedure_name": procedure_spec(dossier.procedure_version).name,
            "evaluation_url": evaluation_url(token),
            "status_url": status_url(dossier),
            "returned_at": dossier.returned_at,
        },
        related=dossier,
    )
    return set()
