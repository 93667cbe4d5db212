"""Read-only queries for the in-app inbox and the delivery log."""

from __future__ import annotations

from django.db.models import QuerySet

from motcua.accounts.models import User

from .models import Channel, Delivery, DeliveryStatus


def inbox_list(*, user: User) -> QuerySet[Delivery]:
    """The user's in-app notifications, newest first (each row is the in-app delivery, with its notification)."""
    return (
        Delivery.objects.filter(
            channel=Channel.INAPP, status=DeliveryStatus.SENT, notification__recipient=user
        )
        .select_related("notification")
        .order_by("-notification__created_at", "-id")
    )


def inbox_unread_count(*, user: User) -> int:
    """How many in-app notifications the user has not read (for the header badge)."""
    if not user.is_authenticated:
        return 0
    return Delivery.objects.filter(
        channel=Channel.INAPP,
        status=DeliveryStatus.SENT,
        notification__recipient=user,
        read_at__isnull=True,
    ).count()
