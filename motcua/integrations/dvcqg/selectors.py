"""Read-only figures of the synchronisation: the monitoring page and indicator 1.4 of Decision 766."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from motcua.dossiers.models import Dossier
from motcua.org.models import OrgUnit
from motcua.reporting.periods import Period

from . import conf
from .models import PortalMessage, PortalUpdate, UpdateState


def _scoped(queryset: QuerySet[PortalUpdate], unit_ids: set[int] | None) -> QuerySet[PortalUpdate]:
    """Updates of dossiers received or resolved in ``unit_ids`` (None: every unit)."""
    if unit_ids is None:
        return queryset
    return queryset.filter(
        Q(dossier__resolving_unit_id__in=unit_ids) | Q(dossier__receiving_point_id__in=unit_ids)
    )


@dataclass(frozen=True)
class QueueFigures:
    pending: int
    retrying: int
    failed: int
    blocked: int  # pending behind a failed update of the same dossier
    delivered_today: int
    oldest_pending_at: dt.datetime | None
    last_delivered_at: dt.datetime | None
    now: dt.datetime

    @property
    def lag(self) -> dt.timedelta | None:
        """How long the oldest update still waiting has waited (the synchronisation's lag)."""
        return self.now - self.oldest_pending_at if self.oldest_pending_at else None

    @property
    def lag_minutes(self) -> int | None:
        lag = self.lag
        return int(lag.total_seconds() // 60) if lag is not None else None

    @property
    def lag_late(self) -> bool:
        minutes = self.lag_minutes
        return minutes is not None and minutes >= int(conf.setting("lag_warning_minutes"))


def queue_figures(*, unit_ids: set[int] | None = None, now: dt.datetime | None = None) -> QueueFigures:
    moment = now or timezone.now()
    midnight = timezone.localtime(moment).replace(hour=0, minute=0, second=0, microsecond=0)
    updates = _scoped(PortalUpdate.objects.all(), unit_ids)
    earlier_failed = Exists(
        PortalUpdate.objects.filter(
            dossier_id=OuterRef("dossier_id"), event_seq__lt=OuterRef("event_seq"), state=UpdateState.FAILED
        )
    )
    pending = UpdateState.PENDING
    figures: dict[str, Any] = updates.aggregate(
        pending=Count("pk", filter=Q(state=pending)),
        retrying=Count("pk", filter=Q(state=pending, attempts__gt=0) & ~Q(last_error_code="")),
        failed=Count("pk", filter=Q(state=UpdateState.FAILED)),
        delivered_today=Count("pk", filter=Q(state=UpdateState.DELIVERED, delivered_at__gte=midnight)),
        oldest_pending_at=Min("occurred_at", filter=Q(state=pending)),
        last_delivered_at=Max("delivered_at"),
    )
    blocked = updates.filter(state=pending).filter(earlier_failed).count()
    return QueueFigures(now=moment, blocked=blocked, **figures)


def failures(*, unit_ids: set[int] | None = None, limit: int = 50) -> list[PortalUpdate]:
    """Updates given up (the most recent attempt first), then those being retried after an error."""
    base = _scoped(PortalUpdate.objects.all(), unit_ids).select_related("dossier", "dossier__resolving_unit")
    failed = list(base.filter(state=UpdateState.FAILED).order_by("-last_attempt_at", "-id")[:limit])
    retrying = base.filter(state=UpdateState.PENDING).exclude(last_error_code="")
    return failed + list(retrying.order_by("-last_attempt_at", "-id")[: max(0, limit - len(failed))])


def portal_update_get(*, update_id: int, unit_ids: set[int] | None = None) -> PortalUpdate | None:
    """One update of the dossiers received or resolved in ``unit_ids`` (None: every unit)."""
    rows = _scoped(PortalUpdate.objects.select_related("dossier", "dossier__resolving_unit"), unit_ids)
    return rows.filter(pk=update_id).first()


def recent_messages(*, limit: int = 20) -> list[PortalMessage]:
    return list(PortalMessage.objects.select_related("dossier").order_by("-last_seen_at", "-id")[:limit])


def message_counts(*, since: dt.datetime) -> dict[str, int]:
    rows = PortalMessage.objects.filter(last_seen_at__gte=since).values("outcome").annotate(n=Count("pk"))
    return {row["outcome"]: row["n"] for row in rows}


# -- indicator 1.4 ---------------------------------------------------------------------------------------


def sync_figures(period: Period) -> dict[int, tuple[int, int]]:
    """Per resolving unit: (dossiers synchronised, dossiers to report), of those received in ``period``.

    To report: received in the period (the receipt moment, as the scorecard counts "received"), not
    imported from an earlier system. Synchronised: at least one update delivered and none still pending,
    failed or skipped — the portal has every status and the result as of now.
    """
    start, end = period.moments()
    delivered = PortalUpdate.objects.filter(dossier_id=OuterRef("pk"), state=UpdateState.DELIVERED)
    unsettled = PortalUpdate.objects.filter(dossier_id=OuterRef("pk")).exclude(state=UpdateState.DELIVERED)
    rows = (
        Dossier.objects.filter(received_at__gte=start, received_at__lt=end, imported_from="")
        .annotate(synced=Exists(delivered) & ~Exists(unsettled))
        .order_by()
        .values("resolving_unit_id")
        .annotate(received=Count("pk"), done=Count("pk", filter=Q(synced=True)))
    )
    return {row["resolving_unit_id"]: (row["done"], row["received"]) for row in rows}


def portal_sync_figures(period: Period) -> dict[int, tuple[int, int]] | None:
    """The provider of indicator 1.4 (``motcua.reporting.providers``): None while the province is not
    connected to the portal (backend ``off``), so the indicator stays "không áp dụng"."""
    if not conf.enabled():
        return None
    return sync_figures(period)


@dataclass(frozen=True)
class UnitShare:
    unit: OrgUnit
    synced: int
    received: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.synced / self.received, 1) if self.received else None


def unit_shares(period: Period, *, unit_ids: set[int] | None = None) -> list[UnitShare]:
    figures = sync_figures(period)
    if unit_ids is not None:
        figures = {k: v for k, v in figures.items() if k in unit_ids}
    units = OrgUnit.objects.in_bulk(list(figures))
    rows = [UnitShare(units[k], synced, received) for k, (synced, received) in figures.items() if k in units]
    return sorted(rows, key=lambda r: (r.unit.code.count("."), r.unit.name))
