"""Reminders and escalation, sent once each, and the registry of deadline scanners.

The apps that own deadlines (dossier steps, appointments, PAKN) register a *scanner* when Django starts
(``register_deadline_scanner`` in their ``AppConfig.ready``) — this app sits below them and never imports
them. ``motcua scan_deadlines`` runs every scanner; a scanner finds what is due or overdue at ``now`` and
calls ``remind_once`` for each reminder it owes.

``remind_once`` inserts a ``Reminder`` row with a unique key (kind, object, stage, the due moment it is
about) and writes the notifications (``notify``) in the same transaction. The key makes it idempotent: a
second scan finds the row and sends nothing; two scans at once both try the insert, the database's unique
index lets one through and the other gets an ``IntegrityError`` (on PostgreSQL the second insert waits for
the first transaction and then fails; SQLite serialises writers) and sends nothing. If a due moment moves
(a pause, an apology), the key changes and the reminder is owed again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from motcua.accounts.models import User
from motcua.calendar.selectors import calendar_snapshot_memo

from .models import Reminder
from .services import Recipient, notify

logger = logging.getLogger("motcua.notifications.reminders")


class DeadlineScanner(Protocol):
    def __call__(self, *, now: dt.datetime, dry_run: bool) -> int: ...


_scanners: dict[str, Callable[..., int]] = {}


def register_deadline_scanner(name: str, scanner: Callable[..., int]) -> None:
    """Register ``scanner(*, now, dry_run) -> reminders sent`` under ``name`` (again: replaced).

    Scanners run in the order they were registered (register the first level of an escalation first)."""
    _scanners[name] = scanner


def registered_deadline_scanners() -> dict[str, Callable[..., int]]:
    return dict(_scanners)


def reminder_key(*, kind: str, obj: models.Model, stage: str, due_at: dt.datetime | None) -> str:
    """``kind|app.model:pk|stage|due moment (UTC, seconds)`` — one reminder per distinct due moment."""
    moment = due_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ") if due_at is not None else "-"
    return f"{kind}|{obj._meta.label_lower}:{obj.pk}|{stage}|{moment}"[:255]


def reminders_already_sent(keys: Iterable[str]) -> set[str]:
    """The keys among ``keys`` that have been sent (one query; lets a scanner skip work)."""
    wanted = list(dict.fromkeys(keys))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        found |= set(
            Reminder.objects.filter(key__in=wanted[start : start + 500]).values_list("key", flat=True)
        )
    return found


def _unique(recipients: Iterable[User | Recipient]) -> list[User | Recipient]:
    seen: set[Any] = set()
    out: list[User | Recipient] = []
    for r in recipients:
        user = r if isinstance(r, User) else r.user
        marker = ("user", user.pk) if user is not None else ("contact", r.email, r.phone)
        if marker not in seen:
            seen.add(marker)
            out.append(r)
    return out


def _describe(r: User | Recipient) -> dict[str, Any]:
    user = r if isinstance(r, User) else r.user
    name = r.full_name if isinstance(r, User) else (r.name or (user.full_name if user else ""))
    return {"user": user.pk if user is not None else None, "name": name}


def remind_once(
    *,
    key: str,
    topic: str,
    recipients: Iterable[User | Recipient],
    context: Mapping[str, Any],
    related: models.Model | None = None,
    kind: str = "",
    stage: str = "",
    due_at: dt.datetime | None = None,
    dry_run: bool = False,
) -> Reminder | None:
    """Send the reminder ``key`` to ``recipients`` unless it was sent before; the reminder row, or None.

    With nobody to tell, nothing is recorded (the next scan tries again, e.g. once someone holds the role).
    ``dry_run``: the unsaved row that would be written, and nothing written.
    """
    people = _unique(recipients)
    if not people:
        logger.info("Reminder %s: nobody to notify; will try again on the next scan", key)
        return None
    if Reminder.objects.filter(key=key).exists():
        return None
    reminder = Reminder(
        key=key[:255],
        kind=(kind or key.split("|", 1)[0])[:64],
        stage=stage[:32],
        topic=topic,
        related_type=f"{related._meta.app_label}.{related._meta.model_name}" if related is not None else "",
        related_id=str(related.pk) if related is not None else "",
        due_at=due_at,
        recipients=[_describe(r) for r in people],
        sent_at=timezone.now(),
    )
    if dry_run:
        return reminder
    try:
        with transaction.atomic():
            reminder.save(force_insert=True)
            for person in people:
                notify(topic=topic, recipient=person, context=context, related=related)
    except IntegrityError:
        # Another scan sent it meanwhile (the unique key): nothing was written here.
        logger.info("Reminder %s was sent by a concurrent scan", key)
        return None
    return reminder


@dataclass(frozen=True)
class ScanResult:
    name: str
    sent: int
    error: str = ""


def scan_deadlines(
    *, now: dt.datetime | None = None, dry_run: bool = False, only: Iterable[str] | None = None
) -> list[ScanResult]:
    """Run every registered scanner (or those named in ``only``) at ``now``. A failing scanner is logged
    and reported; the others still run. Safe to run repeatedly and concurrently."""
    moment = now or timezone.now()
    names = list(only) if only else list(_scanners)  # registration order: escalation order
    results: list[ScanResult] = []
    with calendar_snapshot_memo():
        for name in names:
            scanner = _scanners.get(name)
            if scanner is None:
                results.append(ScanResult(name=name, sent=0, error="unknown scanner"))
                continue
            try:
                sent = int(scanner(now=moment, dry_run=dry_run))
            except Exception as exc:
                logger.exception("Deadline scanner %s failed", name)
                results.append(ScanResult(name=name, sent=0, error=f"{exc.__class__.__name__}: {exc}"))
                continue
            results.append(ScanResult(name=name, sent=sent))
    return results
