"""Channels are adapters: each takes one rendered message and hands it to the outside world.

``send(delivery)`` picks the adapter for the delivery's channel and returns the provider's message id, or
raises ``ChannelError`` (whose text never contains the recipient's phone number or address).
"""

from __future__ import annotations

from ..models import Channel, Delivery
from .base import ChannelError
from .email import send_email
from .sms import get_sms_backend

__all__ = ["ChannelError", "send"]


def send(delivery: Delivery) -> str:
    notification = delivery.notification
    if delivery.channel == Channel.EMAIL:
        if not notification.recipient_email:
            raise ChannelError("no email address")
        return send_email(
            to=notification.recipient_email,
            subject=notification.subject,
            body=notification.body,
            reference=f"notification-{notification.pk}",
        )
    if delivery.channel == Channel.SMS:
        if not notification.recipient_phone:
            raise ChannelError("no phone number")
        return get_sms_backend().send(
            phone=notification.recipient_phone,
            message=notification.sms_text,
            reference=f"delivery-{delivery.pk}",
        )
    if delivery.channel == Channel.INAPP:
        # The stored row is the in-app message: nothing to hand over.
        return ""
    raise ChannelError(f"unknown channel {delivery.channel!r}")
