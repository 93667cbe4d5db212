"""Backends that fail on purpose, importable by dotted path from the settings."""

from django.core.mail.backends.base import BaseEmailBackend

from motcua.notifications.channels.base import ChannelError
from motcua.notifications.channels.sms import SmsBackend

CALLS: list[dict] = []


class FailingSmsBackend(SmsBackend):
    """A gateway that refuses everything — and, carelessly, echoes the phone number in its error."""

    def send(self, *, phone: str, message: str, reference: str) -> str:
        CALLS.append({"phone": phone, "message": message, "reference": reference})
        raise ChannelError(f"gateway refused {phone} (0{phone[3:]}): quota exceeded")


class ExplodingSmsBackend(SmsBackend):
    """A backend with a bug: an unexpected exception type."""

    def send(self, *, phone: str, message: str, reference: str) -> str:
        raise RuntimeError(f"boom while sending to {phone}")


class FailingEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        addresses = ", ".join(a for m in email_messages for a in m.to)
        raise ConnectionRefusedError(f"SMTP server refused recipients {addresses}")
