"""Sending the outbox to the portal: each update exactly once, in order per dossier, surviving restarts.

``update_send`` makes one attempt at one update, in three steps (like the notification outbox):

1. *claim* — in a short transaction, lock the row (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL;
   SQLite serialises writers), check it is still due **and is the earliest unsettled update of its
   dossier**, count the attempt and push ``next_attempt_at`` a lease ahead, so no other worker takes it;
2. *send* — outside any transaction, with the row's idempotency key;
3. *record* — ``delivered`` (also when the portal answers that it already had the key), or back to
   ``pending`` with an exponential back-off after a transient failure, or ``failed`` after
   ``max_attempts`` attempts or at once when the portal rejects the content (4xx).

Order: an update is due only when every earlier update of its dossier is delivered or skipped, so a
later status never overtakes an earlier one — not across retries, nor between two workers. A failed update
holds its dossier's later ones back until an administrator sends it again or skips it (monitoring page).

Exactly once: the state is only in the database. A worker that dies between 1 and 3 leaves the row
claimed until its lease ends; the next run sends it again under the same key and the portal, which keeps
each key once, answers "duplicate". Nothing here runs inside a web request.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any, Literal

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from motcua.accounts.models import User
from motcua.core.audit import audit_record

from . import conf
from .client import PortalClient
from .errors import PortalError
from .models import PortalDossier, PortalUpdate, UpdateState

logger = logging.getLogger("motcua.integrations.dvcqg")

Outcome = Literal["delivered", "duplicate", "retry", "failed", "skipped"]
SETTLED = (UpdateState.DELIVERED, UpdateState.SKIPPED)


@dataclass
class PushSummary:
    delivered: int = 0
    duplicates: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0
    #: The pass stopped at a transient failure (the portal looks down): the rest waits for the next pass.
    stopped: bool = False

    def add(self, outcome: Outcome) -> None:
        if outcome == "delivered":
            self.delivered += 1
        elif outcome == "duplicate":
            self.delivered += 1
            self.duplicates += 1
        elif outcome == "retry":
            self.retrying += 1
        elif outcome == "failed":
            self.failed += 1
        else:
            self.skipped += 1


def _earlier_unsettled() -> Exists:
    return Exists(
        PortalUpdate.objects.filter(
            dossier_id=OuterRef("dossier_id"), event_seq__lt=OuterRef("event_seq")
        ).exclude(state__in=SETTLED)
    )


def due(now: dt.datetime) -> QuerySet[PortalUpdate]:
    """The updates that may be sent now: pending, due, and first in line for their dossier."""
    return PortalUpdate.objects.filter(state=UpdateState.PENDING, next_attempt_at__lte=now).exclude(
        _earlier_unsettled()
    )


def due_ids(*, now: dt.datetime | None = None, limit: int = 100) -> list[int]:
    moment = now or timezone.now()
    return list(due(moment).order_by("next_attempt_at", "id").values_list("id", flat=True)[:limit])


def _locked(queryset: QuerySet[PortalUpdate]) -> QuerySet[PortalUpdate]:
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True)
    return queryset  # SQLite: IMMEDIATE transactions already serialise writers


def claim(update_id: int, now: dt.datetime) -> PortalUpdate | None:
    """Take one due update for sending (None: not due any more, or another worker holds it)."""
    with transaction.atomic():
        update = _locked(due(now).filter(pk=update_id)).first()
        if update is None:
            return None
        update.attempts += 1
        update.last_attempt_at = now
        update.next_attempt_at = now + conf.lease()
        update.save(update_fields=["attempts", "last_attempt_at", "next_attempt_at"])
    return update


def body_of(update: PortalUpdate) -> dict[str, Any]:
    """What is sent: the body written with the event, with the applicant's personal ID (kept encrypted in its
    own column), plus the national code of a dossier that came from the portal (the same on every attempt, so
    a resend matches the first send)."""
    body = dict(update.payload)
    if isinstance(body.get("ChuHoSo"), dict):
        body["ChuHoSo"] = {**body["ChuHoSo"], "SoDinhDanh": update.applicant_personal_id}
    national = PortalDossier.objects.filter(dossier_id=update.dossier_id).values_list(
        "national_code", flat=True
    )
    body["MaHoSoDVCQG"] = national.first() or ""
    return body


def _record_success(update: PortalUpdate, *, duplicate: bool, receipt: str, now: dt.datetime) -> Outcome:
    with transaction.atomic():
        PortalUpdate.objects.filter(pk=update.pk, attempts=update.attempts).update(
            state=UpdateState.DELIVERED,
            delivered_at=now,
            next_attempt_at=None,
            duplicate=duplicate,
            receipt=receipt,
            last_error="",
            last_error_code="",
        )
    logger.info(
        "DVCQG update %s delivered on attempt %s%s", update.idempotency_key, update.attempts,
        " (the portal already had it)" if duplicate else "",
    )  # fmt: skip
    return "duplicate" if duplicate else "delivered"


def _record_failure(update: PortalUpdate, exc: PortalError, now: dt.datetime) -> Outcome:
    limit = conf.max_attempts()
    give_up = not exc.transient or update.attempts >= limit
    next_at = None if give_up else now + conf.backoff(update.attempts)
    with transaction.atomic():
        PortalUpdate.objects.filter(pk=update.pk, attempts=update.attempts).update(
            state=UpdateState.FAILED if give_up else UpdateState.PENDING,
            next_attempt_at=next_at,
            last_error_code=exc.code[:60],
            last_error=str(exc)[:2000],
        )
    then = f"next attempt at {next_at.isoformat(timespec='seconds')}" if next_at is not None else "given up"
    logger.warning(
        "DVCQG update %s failed on attempt %s/%s: %s %s — %s",
        update.idempotency_key, update.attempts, limit, exc.code, exc, then,
    )  # fmt: skip
    return "failed" if give_up else "retry"


def update_send(*, update_id: int, client: PortalClient, now: dt.datetime | None = None) -> Outcome:
    """One attempt at one update, if it is due. A portal failure is recorded, not raised."""
    moment = now or timezone.now()
    claimed = claim(update_id, moment)
    if claimed is None:
        return "skipped"
    try:
        receipt = client.push(key=claimed.idempotency_key, body=body_of(claimed))
    except PortalError as exc:
        return _record_failure(claimed, exc, now or timezone.now())
    return _record_success(
        claimed, duplicate=receipt.duplicate, receipt=receipt.receipt, now=now or timezone.now()
    )


def updates_send_due(
    *, client: PortalClient, now: dt.datetime | None = None, limit: int = 500
) -> PushSummary:
    """Send what is due, dossier by dossier in order, until nothing is due, ``limit`` attempts were made, or
    the portal fails transiently (then the pass stops: the other updates keep their attempts for later)."""
    summary = PushSummary()
    attempts = 0
    while attempts < limit:
        ids = due_ids(now=now, limit=min(100, limit - attempts))
        if not ids:
            break
        progressed = False
        for update_id in ids:
            outcome = update_send(update_id=update_id, client=client, now=now)
            attempts += outcome != "skipped"
            summary.add(outcome)
            progressed |= outcome != "skipped"
            if outcome == "retry":
                summary.stopped = True
                return summary
            if attempts >= limit:
                break
        if not progressed:
            break  # everything due is held by another worker
    return summary


# -- administration (the monitoring page) -----------------------------------------------------------------


def update_retry(*, actor: User, update_id: int) -> bool:
    """Send a failed update again (due now, attempts counted afresh); its dossier's later updates follow."""
    with transaction.atomic():
        update = (
            PortalUpdate.objects.select_for_update().filter(pk=update_id, state=UpdateState.FAILED).first()
        )
        if update is None:
            return False
        previous = (update.attempts, update.last_error_code)
        update.state = UpdateState.PENDING
        update.attempts = 0
        update.next_attempt_at = timezone.now()
        update.save(update_fields=["state", "attempts", "next_attempt_at"])
        audit_record(
            action="dvcqg.update_retry", actor=actor, obj=update,
            data={"key": update.idempotency_key, "attempts": previous[0], "error": previous[1]},
        )  # fmt: skip
    return True


def update_skip(*, actor: User, update_id: int) -> bool:
    """Give up a failed update for good, so the dossier's later updates can go (the portal then never has
    this one: the dossier does not count as synchronised for indicator 1.4)."""
    with transaction.atomic():
        update = (
            PortalUpdate.objects.select_for_update().filter(pk=update_id, state=UpdateState.FAILED).first()
        )
        if update is None:
            return False
        update.state = UpdateState.SKIPPED
        update.next_attempt_at = None
        update.save(update_fields=["state", "next_attempt_at"])
        audit_record(
            action="dvcqg.update_skip", actor=actor, obj=update,
            data={"key": update.idempotency_key, "error": update.last_error_code},
        )  # fmt: skip
    return True
