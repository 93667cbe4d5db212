"""Notification services: write to the outbox inside the caller's transaction, deliver after commit.

``notify`` renders and stores a ``Notification`` and its ``Delivery`` rows in the caller's transaction, so
they are part of the state change and vanish with it on rollback. Sending is scheduled with
``transaction.on_commit``: one ``motcua.notifications.tasks.deliver`` task per email/SMS delivery. In-app
deliveries are the stored rows themselves and are marked sent at once.

``delivery_send`` does one attempt at one delivery and never raises for a channel failure:

1. *claim* — in a short transaction, lock the row (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL;
   SQLite serialises writers with IMMEDIATE transactions), check it is still due, count the attempt and
   push ``next_attempt_at`` a lease ahead, so no other worker picks it up meanwhile;
2. *send* — outside any transaction (no lock is held during a slow gateway call);
3. *record* — ``sent`` with the provider's message id, or ``failed`` with the error and an exponential
   backoff, or ``gave_up`` after ``MOTCUA_NOTIFY_MAX_ATTEMPTS`` attempts.

A worker that dies between 1 and 3 leaves the row due again when the lease ends (at-least-once delivery).
``deliveries_send_due`` (the ``deliver_notifications`` command, run by a scheduler) retries whatever is due;
running it twice, or alongside the task workers, never sends a delivery twice within a lease.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.core.validators import normalize_phone

from . import conf
from .channels import ChannelError
from .channels import send as channel_send
from .errors import InvalidContext, MissingContext, UnknownChannel, UnknownTopic
from .models import Channel, ChannelPreference, Delivery, DeliveryStatus, Notification
from .render import overrides_for, render
from .text import mask_phone, scrub_phone
from .topics import RETURN_CHANNELS, TOPICS, Topic

logger = logging.getLogger("motcua.notifications")

RETRYABLE = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)
Outcome = Literal["sent", "failed", "gave_up", "skipped"]


@dataclass(frozen=True)
class Recipient:
    """Someone to notify who may have no account (e.g. an applicant at a counter). ``user`` is optional."""

    name: str = ""
    email: str = ""
    phone: str = ""
    user: User | None = None


@dataclass(frozen=True)
class SendSummary:
    sent: int = 0
    failed: int = 0
    gave_up: int = 0
    skipped: int = 0

    @property
    def total(self) -> int:
        return self.sent + self.failed + self.gave_up + self.skipped


# --- notify ---------------------------------------------------------------------------------------------


def notify(
    *,
    topic: str,
    recipient: User | Recipient,
    context: Mapping[str, Any],
    related: models.Model | None = None,
    channels: Iterable[str] | None = None,
) -> Notification:
    """Store a notification about ``topic`` for ``recipient`` and schedule its delivery after commit.

    ``context`` is plain data (see ``motcua.notifications.topics`` for the keys of each topic; moments are
    aware datetimes or dates). ``channels`` defaults to every channel of the topic the recipient can be
    reached on: email if they have an address, SMS if they have a valid phone number, in-app if they have
    an account. A recipient with an account gets email and SMS only for the topic groups they accept
    (``ChannelPreference``), in their chosen language; the in-app inbox always receives. Raises a
    ``NotificationError`` (and stores nothing) for an unknown topic or channel, a missing context key or a
    naive datetime.
    """
    spec = TOPICS.get(topic)
    if spec is None:
        raise UnknownTopic(topic=topic)
    _check_context(spec, context)
    who = _as_recipient(recipient)
    preference = _preference(who)
    wanted = _accepted(spec, preference, _channels(spec, who, channels))
    language = preference.language if preference is not None else "vi"
    rendered = render(
        spec, context, recipient_name=who.name, language=language, overrides=overrides_for(spec, language)
    )
    now = timezone.now()
    status_url = context.get("status_url")
    with transaction.atomic():
        notification = Notification.objects.create(
            recipient=who.user,
            recipient_name=who.name[:200],
            recipient_email=who.email if Channel.EMAIL in wanted else "",
            recipient_phone=who.phone if Channel.SMS in wanted else "",
            topic=spec.key,
            subject=rendered.subject,
            body=rendered.body,
            summary=rendered.summary,
            sms_text=rendered.sms_text if Channel.SMS in wanted else "",
            url=str(status_url)[:500] if status_url else "",
            related_type=f"{related._meta.app_label}.{related._meta.model_name}"
            if related is not None
            else "",
            related_id=str(related.pk) if related is not None else "",
            created_at=now,
        )
        to_send: list[int] = []
        for channel in wanted:
            if channel == Channel.INAPP:
                Delivery.objects.create(
                    notification=notification,
                    channel=channel,
                    status=DeliveryStatus.SENT,
                    attempts=1,
                    sent_at=now,
                    created_at=now,
                )
            else:
                delivery = Delivery.objects.create(
                    notification=notification, channel=channel, next_attempt_at=now, created_at=now
                )
                to_send.append(delivery.pk)
        if to_send:
            transaction.on_commit(functools.partial(_enqueue, to_send), robust=True)
    return notification


def _check_context(spec: Topic, context: Mapping[str, Any]) -> None:
    missing = [key for key in spec.required if context.get(key) in (None, "", [], ())]
    if missing:
        raise MissingContext(topic=spec.key, keys=", ".join(missing))
    for key in spec.moments:
        value = context.get(key)
        if value is None or value == "":
            continue
        if not isinstance(value, dt.date):
            raise InvalidContext(topic=spec.key, key=key, problem=_("cần datetime hoặc date"))
        if isinstance(value, dt.datetime) and timezone.is_naive(value):
            raise InvalidContext(topic=spec.key, key=key, problem=_("datetime không có múi giờ"))
    channel = context.get("return_channel")
    if channel and channel not in RETURN_CHANNELS:
        raise InvalidContext(topic=spec.key, key="return_channel", problem=", ".join(RETURN_CHANNELS))


def _as_recipient(recipient: User | Recipient) -> Recipient:
    if isinstance(recipient, Recipient):
        user = recipient.user
        name = recipient.name or (user.full_name if user else "")
        email = recipient.email or (user.email if user else "")
        phone = recipient.phone or (user.phone if user else "")
    else:
        user, name, email, phone = recipient, recipient.full_name, recipient.email, recipient.phone
    return Recipient(
        name=(name or (user.get_username() if user else "")).strip(),
        email=(email or "").strip(),
        phone=_phone(phone),
        user=user,
    )


def _phone(raw: str) -> str:
    if not raw:
        return ""
    try:
        return normalize_phone(raw)
    except ValidationError:
        logger.warning("Notification: phone number %s is not valid; no SMS", mask_phone(raw))
        return ""


def _channels(spec: Topic, who: Recipient, channels: Iterable[str] | None) -> list[Channel]:
    requested: list[Channel] = []
    for raw in spec.channels if channels is None else channels:
        if raw not in Channel.values:
            raise UnknownChannel(channel=raw)
        channel = Channel(raw)
        if channel not in requested:
            requested.append(channel)
    reachable = {
        Channel.EMAIL: bool(who.email),
        Channel.SMS: bool(who.phone),
        Channel.INAPP: who.user is not None and who.user.pk is not None,
    }
    return [channel for channel in requested if reachable[channel]]


def _preference(who: Recipient) -> ChannelPreference | None:
    if who.user is None or who.user.pk is None:
        return None
    return ChannelPreference.objects.filter(user_id=who.user.pk).first()


def _accepted(spec: Topic, preference: ChannelPreference | None, wanted: list[Channel]) -> list[Channel]:
    """``wanted`` without the channels the user declined for the topic's group (never the inbox)."""
    if preference is None or spec.group not in (preference.accepted or {}):
        return wanted
    accepted = set(preference.accepted.get(spec.group) or [])
    return [channel for channel in wanted if channel == Channel.INAPP or channel in accepted]


def _enqueue(delivery_ids: list[int]) -> None:
    """After commit: one background task per delivery. If the queue is down, the scheduler catches up."""
    from .tasks import deliver

    for delivery_id in delivery_ids:
        try:
            deliver.enqueue(delivery_id)
        except Exception:
            logger.exception(
                "Notification delivery %s could not be enqueued; the scheduler will retry", delivery_id
            )


# --- delivery -------------------------------------------------------------------------------------------


def delivery_send(*, delivery_id: int, now: dt.datetime | None = None) -> Outcome:
    """One attempt at one delivery, if it is due. Never raises for a channel failure."""
    claimed = _claim(delivery_id, now or timezone.now())
    if claimed is None:
        return "skipped"
    try:
        message_id = channel_send(claimed)
    except Exception as exc:
        return _record_failure(claimed, exc, now or timezone.now())
    return _record_success(claimed, message_id, now or timezone.now())


def deliveries_due(*, now: dt.datetime | None = None, limit: int = 100) -> list[int]:
    """Ids of the deliveries whose (next) attempt is due, oldest first."""
    moment = now or timezone.now()
    return list(
        Delivery.objects.filter(status__in=RETRYABLE, next_attempt_at__lte=moment)
        .exclude(channel=Channel.INAPP)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )


def deliveries_send_due(*, now: dt.datetime | None = None, limit: int = 100) -> SendSummary:
    """Attempt every due delivery (at most ``limit``). Safe to run repeatedly and concurrently."""
    counts: dict[Outcome, int] = {"sent": 0, "failed": 0, "gave_up": 0, "skipped": 0}
    for delivery_id in deliveries_due(now=now, limit=limit):
        counts[delivery_send(delivery_id=delivery_id, now=now)] += 1
    return SendSummary(
        sent=counts["sent"], failed=counts["failed"], gave_up=counts["gave_up"], skipped=counts["skipped"]
    )


def delivery_retry(*, delivery_id: int) -> bool:
    """Make a failed or given-up delivery due now (one more attempt); the send runs after commit."""
    with transaction.atomic():
        updated = (
            Delivery.objects.filter(
                pk=delivery_id, status__in=[DeliveryStatus.FAILED, DeliveryStatus.GAVE_UP]
            )
            .exclude(channel=Channel.INAPP)
            .update(status=DeliveryStatus.PENDING, next_attempt_at=timezone.now(), updated_at=timezone.now())
        )
        if updated:
            transaction.on_commit(functools.partial(_enqueue, [delivery_id]), robust=True)
    return bool(updated)


def _locked(queryset: QuerySet[Delivery]) -> QuerySet[Delivery]:
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True, of=("self",))
    return queryset  # SQLite: BEGIN IMMEDIATE already serialises writers


def _claim(delivery_id: int, now: dt.datetime) -> Delivery | None:
    with transaction.atomic():
        delivery = (
            _locked(
                Delivery.objects.select_related("notification").filter(
                    pk=delivery_id, status__in=RETRYABLE, next_attempt_at__lte=now
                )
            )
            .exclude(channel=Channel.INAPP)
            .first()
        )
        if delivery is None:
            return None
        delivery.attempts += 1
        delivery.next_attempt_at = now + conf.lease()
        delivery.save(update_fields=["attempts", "next_attempt_at", "updated_at"])
    return delivery


def _record_success(delivery: Delivery, message_id: str, now: dt.datetime) -> Outcome:
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts).update(
            status=DeliveryStatus.SENT,
            sent_at=now,
            provider_message_id=message_id[:200],
            last_error="",
            next_attempt_at=None,
            updated_at=now,
        )
    logger.info(
        "Notification delivery %s (%s, %s) sent on attempt %s",
        delivery.pk,
        delivery.channel,
        delivery.notification.topic,
        delivery.attempts,
    )
    return "sent"


def _record_failure(delivery: Delivery, exc: Exception, now: dt.datetime) -> Outcome:
    error = describe_error(exc, delivery.notification)
    limit = conf.max_attempts()
    outcome: Outcome
    if delivery.attempts >= limit:
        outcome, status, next_at = "gave_up", DeliveryStatus.GAVE_UP, None
    else:
        outcome, status, next_at = "failed", DeliveryStatus.FAILED, now + conf.backoff(delivery.attempts)
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts).update(
            status=status, last_error=error, next_attempt_at=next_at, updated_at=now
        )
    logger.warning(
        "Notification delivery %s (%s, %s) failed on attempt %s/%s: %s — %s",
        delivery.pk,
        delivery.channel,
        delivery.notification.topic,
        delivery.attempts,
        limit,
        error,
        f"next attempt at {next_at.isoformat(timespec='seconds')}" if next_at else "giving up",
    )
    if next_at is not None:
        _enqueue_later(delivery.pk, next_at)
    return outcome


def _enqueue_later(delivery_id: int, when: dt.datetime) -> None:
    """With a task backend that can defer (django-tasks-db), schedule the retry; otherwise the scheduler will."""
    from django_tasks import default_task_backend

    if not default_task_backend.supports_defer:
        return
    from .tasks import deliver

    try:
        deliver.using(run_after=when).enqueue(delivery_id)
    except Exception:
        logger.exception("Notification delivery %s: the retry could not be enqueued", delivery_id)


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def describe_error(exc: BaseException, notification: Notification) -> str:
    """The error as stored and logged: its class and text, without the recipient's phone or email."""
    text = str(exc) or exc.__class__.__name__
    if not isinstance(exc, ChannelError):
        text = f"{exc.__class__.__name__}: {text}"
    if notification.recipient_phone:
        text = scrub_phone(text, notification.recipient_phone)
    text = _EMAIL.sub(lambda m: _mask_email(m.group(0)), text)
    return text[:1000]


def _mask_email(address: str) -> str:
    local, _sep, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_email(address: str) -> str:
    """``an@example.vn`` → ``a***@example.vn`` (for logs and the delivery log page)."""
    return _mask_email(address) if address else ""


# --- in-app inbox ---------------------------------------------------------------------------------------


def inbox_mark_read(*, user: User, notification_id: int) -> bool:
    """Mark one of ``user``'s in-app notifications read. False if it is not theirs or already read."""
    with transaction.atomic():
        updated = Delivery.objects.filter(
            notification_id=notification_id,
            notification__recipient=user,
            channel=Channel.INAPP,
            read_at__isnull=True,
        ).update(read_at=timezone.now(), updated_at=timezone.now())
    return bool(updated)


def inbox_mark_all_read(*, user: User) -> int:
    with transaction.atomic():
        return Delivery.objects.filter(
            notification__recipient=user, channel=Channel.INAPP, read_at__isnull=True
        ).update(read_at=timezone.now(), updated_at=timezone.now())
