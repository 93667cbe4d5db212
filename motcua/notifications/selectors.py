"""Read-only queries for the in-app inbox, the delivery log and the administrators' pages."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from motcua.accounts.models import User

from .models import Channel, Delivery, DeliveryStatus, NotificationTemplate, Reminder


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


# --- administrators' pages ------------------------------------------------------------------------------


def delivery_log(*, status: str = "", channel: str = "", topic: str = "") -> QuerySet[Delivery]:
    """The delivery log, newest first, filtered by status, channel and topic (unknown values: ignored)."""
    qs = Delivery.objects.select_related("notification").order_by("-created_at", "-id")
    if status in DeliveryStatus.values:
        qs = qs.filter(status=status)
    if channel in Channel.values:
        qs = qs.filter(channel=channel)
    if topic:
        qs = qs.filter(notification__topic=topic)
    return qs


def delivery_contact(delivery: Delivery) -> str:
    """Where a delivery went, masked: ``********678`` for a phone, ``a***@example.vn`` for an email."""
    from .services import mask_email
    from .text import mask_phone

    n = delivery.notification
    if delivery.channel == Channel.SMS:
        return mask_phone(n.recipient_phone)
    if delivery.channel == Channel.EMAIL:
        return mask_email(n.recipient_email)
    return n.recipient_name


def notification_templates() -> QuerySet[NotificationTemplate]:
    return NotificationTemplate.objects.select_related("updated_by").order_by("topic", "channel", "language")


def notification_template_get(*, topic: str, channel: str, language: str) -> NotificationTemplate | None:
    return NotificationTemplate.objects.filter(topic=topic, channel=channel, language=language).first()


def builtin_template_source(*, topic: str, part: str) -> str:
    """The text of a built-in template file (shown next to the editor as a reference)."""
    from .render import engine
    from .topics import TOPICS

    spec = TOPICS.get(topic)
    if spec is None:
        return ""
    template = engine().get_template(spec.template(part))
    return str(getattr(template, "source", ""))


def preference_users(*, q: str = "", limit: int = 20) -> QuerySet[User]:
    """Accounts matching ``q`` (username, name or email), for the administrators' preference page."""
    qs = User.objects.filter(is_active=True).order_by("username")
    text = q.strip()
    if text:
        qs = qs.filter(Q(username__icontains=text) | Q(full_name__icontains=text) | Q(email__iexact=text))
    return qs[:limit]


def preference_user_get(*, pk: int) -> User | None:
    return User.objects.filter(pk=pk, is_active=True).first()


def reminder_list(*, limit: int = 50) -> QuerySet[Reminder]:
    return Reminder.objects.order_by("-sent_at", "-id")[:limit]
