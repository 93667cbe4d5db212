"""What the feedback services share: text checks, the clock, the contact checks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.validators import normalize_phone

from ..errors import InvalidFeedbackInput


def now() -> dt.datetime:
    return timezone.now()


def clean_text(value: str | None, *, field: str, max_length: int, required: bool, label: Any) -> str:
    """Stripped plain text (kept as typed: HTML is stored as text and shown escaped), bounded."""
    text = (value or "").replace("\x00", "").strip()
    if required and not text:
        raise InvalidFeedbackInput(_("Vui lòng nhập %(field)s."), code=f"{field}_required", field=str(label))
    if len(text) > max_length:
        raise InvalidFeedbackInput(
            _("%(field)s dài quá %(max)s ký tự (hiện có %(n)s)."),
            code=f"{field}_too_long",
            field=str(label),
            max=max_length,
            n=len(text),
        )
    return text


def clean_contact(*, phone: str, email: str) -> tuple[str, str]:
    """(E.164 phone or "", lower-cased email or ""); at least one; each valid."""
    phone = (phone or "").strip()
    email = (email or "").strip().lower()
    if not phone and not email:
        raise InvalidFeedbackInput(
            _("Vui lòng cho biết số điện thoại hoặc email để nhận trả lời."), code="contact_required"
        )
    if phone:
        try:
            phone = normalize_phone(phone)
        except ValidationError as exc:
            raise InvalidFeedbackInput(exc.messages[0], code="phone_invalid") from exc
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise InvalidFeedbackInput(
                _("Địa chỉ email “%(value)s” không hợp lệ."), code="email_invalid", value=email[:60]
            ) from exc
    return phone, email


def contact_matches(*, phone: str, email: str, given: str) -> bool:
    """Whether ``given`` (a phone number or an email typed by the sender) is one of the stored contacts."""
    given = (given or "").strip()
    if not given:
        return False
    if "@" in given:
        return bool(email) and given.lower() == email
    try:
        return bool(phone) and normalize_phone(given) == phone
    except ValidationError:
        return False
