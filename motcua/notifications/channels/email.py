"""Email through Django's configured email backend (SMTP in production, console in dev, locmem in tests)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, make_msgid


def send_email(*, to: str, subject: str, body: str, reference: str) -> str:
    """Send one plain-text email; returns its Message-ID."""
    message_id = make_msgid(idstring=reference, domain=_domain())
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Message-ID": message_id, "Auto-Submitted": "auto-generated"},
    )
    message.send(fail_silently=False)
    return message_id


def _domain() -> str:
    sender = str(settings.DEFAULT_FROM_EMAIL)
    address = sender.rsplit("<", 1)[-1].rstrip(">").strip()
    domain = address.rsplit("@", 1)[-1] if "@" in address else ""
    return domain or "localhost"
