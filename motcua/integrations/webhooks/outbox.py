"""Sending the webhook outbox: each delivery until the receiver says 2xx, signed, retried, logged.

``delivery_send`` makes one attempt at one delivery, in three steps (like the portal outbox and the
notification outbox):

1. *claim* — in a short transaction, lock the row (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL;
   SQLite serialises writers), check it is still due, its endpoint active **and no earlier event of its
   dossier still waiting for the same endpoint**, count the attempt, push ``next_attempt_at`` a lease
   ahead (no other worker takes it meanwhile) and open its ``WebhookAttempt`` row (``in_flight``);
2. *send* — outside any transaction: POST the JSON body, signed at this moment;
3. *record* — on the row and on the attempt: 2xx → ``delivered``; 410 → ``gave_up`` and the endpoint is
   disabled; any other 4xx but 408/429 → ``gave_up`` (the receiver refuses the content: sending it again
   changes nothing); 3xx, 408, 429, 5xx, a timeout or no connection → ``failed`` with the next attempt
   after the back-off of ``conf.backoff`` (1 min, 5, 30, 2 h, 6 h, 24 h, with jitter; a 429's
   ``Retry-After`` is honoured up to the longest wait), or ``gave_up`` after the last one.

Exactly once, as far as a receiver is concerned: every attempt at a delivery carries the same
``X-Motcua-Delivery``, and the state lives only in the database. A worker that dies between 1 and 3
leaves the row claimed until its lease ends, then any worker sends it again under the same id; the
receiver, which keeps the ids it has processed, answers 2xx without doing the work twice.

Order: a later event of a dossier waits while an earlier one is pending or being retried for the same
endpoint, so a receiver sees each dossier's events in order, unless one was given up (it no longer holds
the others back). Within a pass, an endpoint that failed transiently is left alone until the next pass:
one request per pass to a receiver that is down, not one per waiting event.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import time
from dataclasses import dataclass, field
from typing import Literal

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from ..http import HttpAnswer, HttpRequest, Transport
from . import conf
from .events import PING
from .models import AttemptOutcome, DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from .sealing import unseal
from .signing import signature_header
from .transport import default_transport

logger = logging.getLogger("motcua.integrations.webhooks")

Outcome = Literal["delivered", "retry", "gave_up", "skipped"]
RETRYABLE = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)
USER_AGENT = "motcua-webhooks/1"
#: 4xx answers that mean "later", not "never".
TRANSIENT_4XX = frozenset({408, 429})
ERROR_LENGTH = 300


@dataclass
class DeliverySummary:
    delivered: int = 0
    retrying: int = 0
    gave_up: int = 0
    #: Endpoints that failed transiently in this pass (their other deliveries wait for the next pass).
    endpoints_down: set[int] = field(default_factory=set)

    def add(self, outcome: Outcome) -> None:
        if outcome == "delivered":
            self.delivered += 1
        elif outcome == "retry":
            self.retrying += 1
        elif outcome == "gave_up":
            self.gave_up += 1

    def line(self) -> str:
        text = f"webhooks: {self.delivered} delivered, {self.retrying} to retry, {self.gave_up} given up"
        if self.endpoints_down:
            text += f" ({len(self.endpoints_down)} endpoint(s) not answering)"
        return text


# -- what is due ------------------------------------------------------------------------------------------


def _earlier_waiting() -> Exists:
    return Exists(
        WebhookDelivery.objects.filter(
            endpoint_id=OuterRef("endpoint_id"),
            dossier_id=OuterRef("dossier_id"),
            event_seq__lt=OuterRef("event_seq"),
            status__in=RETRYABLE,
        )
    )


def due(now: dt.datetime) -> QuerySet[WebhookDelivery]:
    """Deliveries that may be sent now: waiting, due, to an active endpoint (a test event goes to an
    inactive one too: checking a receiver before switching it on is its point), first in line for their
    dossier at that endpoint."""
    return (
        WebhookDelivery.objects.filter(status__in=RETRYABLE, next_attempt_at__lte=now)
        .filter(Q(endpoint__active=True) | Q(event_type=PING))
        .exclude(_earlier_waiting())
    )


def _locked(queryset: QuerySet[WebhookDelivery]) -> QuerySet[WebhookDelivery]:
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True, of=("self",))
    return queryset  # SQLite: IMMEDIATE transactions already serialise writers


@dataclass(frozen=True)
class Claim:
    delivery: WebhookDelivery
    attempt: WebhookAttempt


def claim(delivery_id: int, now: dt.datetime) -> Claim | None:
    """Take one due delivery for sending (None: not due any more, or another worker holds it)."""
    with transaction.atomic():
        delivery = _locked(due(now).filter(pk=delivery_id).select_related("endpoint")).first()
        if delivery is None:
            return None
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.next_attempt_at = now + conf.lease()
        delivery.save(update_fields=["attempts", "last_attempt_at", "next_attempt_at"])
        attempt = WebhookAttempt.objects.create(delivery=delivery, number=delivery.attempts, started_at=now)
    return Claim(delivery, attempt)


# -- the request ------------------------------------------------------------------------------------------


def body_of(delivery: WebhookDelivery) -> bytes:
    """The JSON body, the same bytes on every attempt (keys sorted, no spaces, UTF-8)."""
    return json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def signing_secrets(endpoint: WebhookEndpoint, now: dt.datetime) -> list[str]:
    """The current secret, and the one before a rotation while its overlap lasts (``ValueError`` if the
    current one cannot be unsealed)."""
    found = [unseal(endpoint.secret_sealed)]
    until = endpoint.previous_secret_until
    if endpoint.previous_secret_sealed and until is not None and now < until:
        with contextlib.suppress(ValueError):  # the old one is a courtesy: never block the new
            found.append(unseal(endpoint.previous_secret_sealed))
    return found


def build_request(delivery: WebhookDelivery, now: dt.datetime) -> HttpRequest:
    body = body_of(delivery)
    timestamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Motcua-Event": delivery.event_type,
        "X-Motcua-Delivery": str(delivery.uid),
        "X-Motcua-Signature": signature_header(signing_secrets(delivery.endpoint, now), timestamp, body),
    }
    return HttpRequest(
        method="POST", url=delivery.endpoint.url, headers=headers, body=body, timeout=conf.timeout()
    )


# -- the answer -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome  # delivered, retry or gave_up (before the attempt limit is applied)
    status_code: int | None = None
    error: str = ""
    retry_after: dt.timedelta | None = None
    disable_endpoint: bool = False


def _snippet(body: bytes) -> str:
    text = body[:200].decode("utf-8", "replace")
    return " ".join(text.split())


def _retry_after(answer: HttpAnswer) -> dt.timedelta | None:
    headers = {k.lower(): v for k, v in answer.headers.items()}
    value = str(headers.get("retry-after", "")).strip()
    return dt.timedelta(seconds=int(value)) if value.isdigit() else None


def judge(answer: HttpAnswer) -> Verdict:
    """What an answer means for the delivery."""
    code = answer.status
    if 200 <= code < 300:
        return Verdict("delivered", code)
    detail = f"HTTP {code}" + (f": {_snippet(answer.body)}" if answer.body else "")
    if code == 410:
        return Verdict("gave_up", code, detail, disable_endpoint=True)
    if 400 <= code < 500 and code not in TRANSIENT_4XX:
        return Verdict("gave_up", code, detail)
    if 300 <= code < 400:
        location = answer.headers.get("Location") or answer.headers.get("location") or ""
        detail = f"HTTP {code}: redirect not followed" + (f" (Location: {location})" if location else "")
    return Verdict("retry", code, detail, retry_after=_retry_after(answer) if code == 429 else None)


# -- one attempt ------------------------------------------------------------------------------------------


def _record(claimed: Claim, verdict: Verdict, duration_ms: int | None, now: dt.datetime) -> Outcome:
    delivery = claimed.delivery
    outcome: Outcome = verdict.outcome
    next_at: dt.datetime | None = None
    if outcome == "retry":
        if delivery.event_type == PING or delivery.attempts >= conf.max_attempts():
            outcome = "gave_up"  # a test event is tried once; a delivery after its last attempt
        else:
            wait = conf.backoff(delivery.attempts)
            if verdict.retry_after is not None:
                wait = max(wait, min(verdict.retry_after, dt.timedelta(seconds=max(conf.schedule()))))
            next_at = now + wait
    status = {
        "delivered": DeliveryStatus.DELIVERED,
        "retry": DeliveryStatus.FAILED,
        "gave_up": DeliveryStatus.GAVE_UP,
    }[outcome]
    error = verdict.error[:ERROR_LENGTH]
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts).update(
            status=status,
            next_attempt_at=next_at,
            last_status_code=verdict.status_code,
            last_error=error,
            last_duration_ms=duration_ms,
            delivered_at=now if outcome == "delivered" else None,
        )
        WebhookAttempt.objects.filter(pk=claimed.attempt.pk).update(
            outcome={
                "delivered": AttemptOutcome.DELIVERED,
                "retry": AttemptOutcome.RETRY,
                "gave_up": AttemptOutcome.GAVE_UP,
            }[outcome],
            status_code=verdict.status_code,
            error=error,
            duration_ms=duration_ms,
        )
        if verdict.disable_endpoint:
            reason = f"HTTP 410 Gone ({now.isoformat(timespec='seconds')}, delivery {delivery.uid})"
            WebhookEndpoint.objects.filter(pk=delivery.endpoint_id, active=True).update(
                active=False, disabled_reason=reason[:300]
            )
    if outcome == "delivered":
        logger.info(
            "Webhook %s (%s) delivered on attempt %s", delivery.uid, delivery.event_type, delivery.attempts
        )
    else:
        then = f"next attempt at {next_at.isoformat(timespec='seconds')}" if next_at else "given up"
        logger.warning(
            "Webhook %s (%s) to endpoint %s failed on attempt %s/%s: %s — %s%s",
            delivery.uid, delivery.event_type, delivery.endpoint_id, delivery.attempts, conf.max_attempts(),
            error, then, "; endpoint disabled (410)" if verdict.disable_endpoint else "",
        )  # fmt: skip
    return outcome


def delivery_send(
    *, delivery_id: int, transport: Transport | None = None, now: dt.datetime | None = None
) -> Outcome:
    """One attempt at one delivery, if it is due. A receiver's failure is recorded, not raised.

    ``now`` fixes the clock for the whole attempt (tests); otherwise the claim and the record each read it.
    """
    claimed = claim(delivery_id, now or timezone.now())
    if claimed is None:
        return "skipped"
    send = transport or default_transport()
    moment = now or timezone.now()
    started = time.perf_counter()
    try:
        request = build_request(claimed.delivery, moment)
    except ValueError as exc:
        return _record(claimed, Verdict("retry", None, f"secret: {exc}"), None, moment)
    try:
        answer = send(request)
    except TimeoutError:
        verdict = Verdict("retry", None, f"timeout after {request.timeout:g} s")
    except OSError as exc:
        verdict = Verdict("retry", None, f"connection failed: {exc}"[:ERROR_LENGTH])
    except Exception as exc:  # anything else (a URL urllib refuses…): recorded, never left claimed
        logger.exception("Webhook %s: the transport failed", claimed.delivery.uid)
        verdict = Verdict("retry", None, f"{exc.__class__.__name__}: {exc}"[:ERROR_LENGTH])
    else:
        verdict = judge(answer)
    duration_ms = max(0, round((time.perf_counter() - started) * 1000))
    return _record(claimed, verdict, duration_ms, now or timezone.now())


def deliveries_send_due(
    *, transport: Transport | None = None, now: dt.datetime | None = None, batch: int = 100
) -> DeliverySummary:
    """Send what is due, at most ``batch`` attempts, dossier by dossier in order; an endpoint that fails
    transiently is skipped for the rest of the pass."""
    summary = DeliverySummary()
    attempts = 0
    while attempts < batch:
        queryset = due(now or timezone.now()).exclude(endpoint_id__in=summary.endpoints_down)
        rows = list(
            queryset.order_by("next_attempt_at", "id").values_list("id", "endpoint_id")[
                : min(100, batch - attempts)
            ]
        )
        if not rows:
            break
        progressed = False
        for delivery_id, endpoint_id in rows:
            if endpoint_id in summary.endpoints_down:
                continue
            outcome = delivery_send(delivery_id=delivery_id, transport=transport, now=now)
            summary.add(outcome)
            if outcome == "skipped":
                continue
            progressed = True
            attempts += 1
            if outcome == "retry":
                summary.endpoints_down.add(endpoint_id)
            if attempts >= batch:
                break
        if not progressed:
            break  # everything due is held by another worker
    return summary


def deliveries_prune(*, older_than: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Delete settled deliveries (delivered or given up) created more than ``older_than`` ago, with their
    attempts; waiting ones are kept whatever their age. Returns how many deliveries went."""
    cutoff = (now or timezone.now()) - older_than
    settled = WebhookDelivery.objects.filter(
        status__in=(DeliveryStatus.DELIVERED, DeliveryStatus.GAVE_UP), created_at__lt=cutoff
    )
    _count, per_model = settled.delete()
    return int(per_model.get(WebhookDelivery._meta.label, 0))
