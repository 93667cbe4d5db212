"""Sign-in services: failures and lockout, the authenticator app (TOTP), recovery codes, one-time codes.

Every failed factor — password, authenticator code, recovery code, one-time code — goes through
``login_failure_record``, so ``MOTCUA_LOGIN_MAX_FAILURES`` consecutive failures of any kind lock the
account. The count is reset only when a sign-in completes (``login_success_reset``, on Django's
``user_logged_in``), never after the password alone: otherwise a known password would reset the counter
before every batch of guessed codes.

One-time codes reach citizens through the SMS adapter configured for the notifications
(``MOTCUA_SMS_BACKEND``, a dotted path like Django's ``EMAIL_BACKEND``) or by email, synchronously: a code
is useless after five minutes, and going through the notification outbox would store it in clear.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import unicodedata
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from motcua.core.audit import audit_record
from motcua.core.validators import normalize_phone

from . import totp
from .models import LoginThrottle, OneTimeCode, OtpChannel, RecoveryCode, TotpDevice, User
from .selectors import phone_variants, totp_device_confirmed

logger = logging.getLogger("motcua.accounts")

TotpOutcome = Literal["totp", "recovery", "wrong", "replayed"]
SendStatus = Literal["sent", "too_soon", "too_many", "no_destination", "failed"]


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def now_timestamp() -> float:
    """Unix time from Django's clock (so tests that move the clock move TOTP and timeouts too)."""
    return timezone.now().timestamp()


# --- failures, lockout ------------------------------------------------------------------------------


def login_failure_record(
    *, user: User, action: str = "auth.login_failed", data: dict[str, Any] | None = None
) -> bool:
    """Count one failed factor; lock the account at ``MOTCUA_LOGIN_MAX_FAILURES``. Returns True if now locked.

    One audit row: ``action`` (with the running count), or ``auth.account_locked`` (with the cause) when this
    failure locks the account.
    """
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_login_count=F("failed_login_count") + 1)
        user.refresh_from_db(fields=["failed_login_count"])
        row: dict[str, Any] = {**(data or {}), "failures": user.failed_login_count}
        if user.failed_login_count >= settings.MOTCUA_LOGIN_MAX_FAILURES:
            until = timezone.now() + dt.timedelta(minutes=settings.MOTCUA_LOGIN_LOCK_MINUTES)
            User.objects.filter(pk=user.pk).update(locked_until=until, failed_login_count=0)
            user.locked_until, user.failed_login_count = until, 0
            row["locked_until"] = until.isoformat()
            if action != "auth.login_failed":
                row["cause"] = action
            audit_record(action="auth.account_locked", obj=user, data=row)
            return True
        audit_record(action=action, obj=user, data=row)
        return False


def login_success_reset(*, user: User) -> None:
    """A completed sign-in clears the failure count and any expired lock (one query, nothing when clean)."""
    User.objects.filter(pk=user.pk).filter(
        Q(failed_login_count__gt=0) | Q(locked_until__isnull=False)
    ).update(failed_login_count=0, locked_until=None)


def _identifier_key(identifier: str) -> str:
    value = identifier.strip().casefold()
    variants = phone_variants(value)
    if variants:
        value = normalize_phone(value)
    return totp.keyed_hash("login-throttle", value)


def unknown_identifier_failure_record(*, identifier: str) -> None:
    """Count a failure against an identifier that names no account, locking it like a real account would."""
    now = timezone.now()
    key = _identifier_key(identifier)
    with transaction.atomic():
        LoginThrottle.objects.filter(updated_at__lt=now - dt.timedelta(days=1)).delete()
        row, _created = LoginThrottle.objects.select_for_update().get_or_create(key=key)
        row.failures += 1
        if row.failures >= settings.MOTCUA_LOGIN_MAX_FAILURES:
            row.locked_until = now + dt.timedelta(minutes=settings.MOTCUA_LOGIN_LOCK_MINUTES)
            row.failures = 0
        row.save()


def unknown_identifier_is_locked(*, identifier: str) -> bool:
    return LoginThrottle.objects.filter(
        key=_identifier_key(identifier), locked_until__gt=timezone.now()
    ).exists()


# --- authenticator app (TOTP) -----------------------------------------------------------------------


def totp_device_start(*, user: User) -> TotpDevice:
    """The user's unconfirmed device, created with a fresh secret if there is none.

    Reloading the enrolment page keeps the same secret (the app may already have scanned it); a confirmed
    device is returned as is and its secret is never shown again.
    """
    device = TotpDevice.objects.filter(user=user).first()
    if device is None:
        device = TotpDevice.objects.create(user=user, secret_sealed=totp.seal(totp.new_secret()))
    return device


def totp_secret(*, device: TotpDevice) -> str:
    return totp.unseal(device.secret_sealed)


def totp_device_confirm(*, user: User, code: str) -> list[str] | None:
    """Confirm the unconfirmed device with a first code; returns the new recovery codes, or None.

    A wrong code counts as a failed sign-in (``auth.totp_failed``). The confirming code's time step is
    recorded, so the same code cannot then be replayed to sign in.
    """
    device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=True).first()
    step = None
    if device is not None:
        step = totp.matching_step(totp.secret_bytes(totp_secret(device=device)), code, at=now_timestamp())
    if device is None or step is None:
        login_failure_record(user=user, action="auth.totp_failed", data={"stage": "enrol"})
        return None
    with transaction.atomic():
        updated = TotpDevice.objects.filter(pk=device.pk, confirmed_at__isnull=True).update(
            confirmed_at=timezone.now(), last_used_step=step
        )
        if not updated:
            return None
        codes = _recovery_codes_replace(user=user)
        audit_record(action="auth.totp_enrolled", actor=user, obj=user, data={"recovery_codes": len(codes)})
    return codes


def totp_check(*, user: User, code: str) -> TotpOutcome:
    """Check a sign-in code: a 6-digit authenticator code, or one of the user's recovery codes.

    Success writes ``auth.totp_succeeded`` or ``auth.recovery_code_used``; a wrong or replayed code counts
    as a failed sign-in (``auth.totp_failed``, reason ``wrong`` or ``replayed``).
    """
    device = totp_device_confirmed(user=user)
    cleaned = code.strip()
    outcome: TotpOutcome = "wrong"
    if device is not None and totp.looks_like_recovery_code(cleaned):
        if _recovery_code_use(user=user, code=cleaned):
            remaining = recovery_codes_remaining(user=user)
            audit_record(
                action="auth.recovery_code_used", actor=user, obj=user, data={"remaining": remaining}
            )
            return "recovery"
    elif device is not None:
        step = totp.matching_step(totp.secret_bytes(totp_secret(device=device)), cleaned, at=now_timestamp())
        if step is not None:
            # Atomic compare-and-set: of two requests with the same code, only one moves the step forward.
            accepted = TotpDevice.objects.filter(pk=device.pk, last_used_step__lt=step).update(
                last_used_step=step
            )
            if accepted:
                audit_record(action="auth.totp_succeeded", actor=user, obj=user, data={})
                return "totp"
            outcome = "replayed"
    login_failure_record(user=user, action="auth.totp_failed", data={"reason": outcome})
    return outcome


def totp_device_remove(*, user: User, actor: User | None) -> bool:
    """Remove the authenticator and recovery codes (lost phone, or opting out); True if there was one."""
    with transaction.atomic():
        deleted, _rows = TotpDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        if deleted:
            audit_record(action="auth.totp_removed", actor=actor, obj=user, data={"by_self": actor == user})
    return bool(deleted)


def recovery_codes_regenerate(*, user: User) -> list[str]:
    """Ten new recovery codes, replacing the old ones (used or not)."""
    with transaction.atomic():
        codes = _recovery_codes_replace(user=user)
        audit_record(
            action="auth.recovery_codes_regenerated", actor=user, obj=user, data={"count": len(codes)}
        )
    return codes


def recovery_codes_remaining(*, user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def _recovery_codes_replace(*, user: User) -> list[str]:
    codes = [totp.new_recovery_code() for _ in range(totp.RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=_recovery_hash(user=user, code=code)) for code in codes
    )
    return codes


def _recovery_hash(*, user: User, code: str) -> str:
    return totp.keyed_hash("recovery", f"{user.pk}:{totp.normalize_recovery_code(code)}")


def _recovery_code_use(*, user: User, code: str) -> bool:
    hashes = totp.keyed_hashes("recovery", f"{user.pk}:{totp.normalize_recovery_code(code)}")
    row = RecoveryCode.objects.filter(user=user, used_at__isnull=True, code_hash__in=hashes).first()
    if row is None:
        return False
    return bool(RecoveryCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=timezone.now()))


# --- one-time codes for citizens --------------------------------------------------------------------


@dataclass(frozen=True)
class OtpSendResult:
    status: SendStatus
    channel: str = ""
    destination: str = ""  # masked: safe to show and store
    code: str = ""  # the code itself, for the demo notice only (dev and demo)
    wait_seconds: int = 0


def otp_ttl() -> dt.timedelta:
    return dt.timedelta(seconds=_setting("MOTCUA_OTP_TTL_SECONDS", 300))


def one_time_code_send(*, user: User) -> OtpSendResult:
    """Send a new 6-digit sign-in code by SMS (or email when the account has no usable phone).

    At most one code every ``MOTCUA_OTP_RESEND_SECONDS`` and ``MOTCUA_OTP_MAX_PER_HOUR`` an hour per account;
    a new code replaces the previous one. Only the code's keyed hash is stored.
    """
    channel, address = _otp_destination(user)
    if not channel:
        return OtpSendResult("no_destination")
    masked = mask_destination(channel, address)
    now = timezone.now()
    resend = dt.timedelta(seconds=_setting("MOTCUA_OTP_RESEND_SECONDS", 60))
    hour = dt.timedelta(hours=1)
    code = totp.new_one_time_code()
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one send decision at a time per account
        recent = list(OneTimeCode.objects.filter(user=user, created_at__gt=now - hour).order_by("created_at"))
        if recent and now - recent[-1].created_at < resend:
            wait = resend - (now - recent[-1].created_at)
            return OtpSendResult("too_soon", channel, masked, wait_seconds=max(1, int(wait.total_seconds())))
        if len(recent) >= _setting("MOTCUA_OTP_MAX_PER_HOUR", 5):
            wait = recent[0].created_at + hour - now
            return OtpSendResult("too_many", channel, masked, wait_seconds=max(1, int(wait.total_seconds())))
        OneTimeCode.objects.filter(user=user, created_at__lt=now - dt.timedelta(days=1)).delete()
        row = OneTimeCode.objects.create(
            user=user,
            code_hash=totp.keyed_hash("otp", f"{user.pk}:{code}"),
            channel=channel,
            expires_at=now + otp_ttl(),
        )
    try:
        _deliver(channel=channel, address=address, code=code, reference=f"otp-{row.pk}")
    except Exception as exc:  # any gateway failure: the code is void, the citizen may ask again
        logger.warning("sign-in code %s not delivered by %s: %s", row.pk, channel, exc.__class__.__name__)
        OneTimeCode.objects.filter(pk=row.pk).update(used_at=now)
        audit_record(action="auth.otp_send_failed", obj=user, data={"channel": channel})
        return OtpSendResult("failed", channel, masked)
    audit_record(action="auth.otp_sent", obj=user, data={"channel": channel})
    return OtpSendResult("sent", channel, masked, code=code)


def one_time_code_check(*, user: User, code: str) -> bool:
    """Check a sign-in code against the newest one sent: unexpired, unused, fewer than 5 attempts.

    Success writes ``auth.otp_succeeded``; a wrong, expired or exhausted code counts as a failed sign-in
    (``auth.otp_failed``).
    """
    now = timezone.now()
    candidates = totp.keyed_hashes("otp", f"{user.pk}:{code.strip()}")
    matched = False
    with transaction.atomic():
        row = OneTimeCode.objects.select_for_update().filter(user=user).order_by("-created_at", "-pk").first()
        live = (
            row is not None
            and row.used_at is None
            and row.expires_at > now
            and row.attempts < _setting("MOTCUA_OTP_MAX_ATTEMPTS", 5)
        )
        if row is not None and live:
            row.attempts += 1
            matched = any(hmac.compare_digest(row.code_hash, candidate) for candidate in candidates)
            if matched:
                row.used_at = now
            row.save(update_fields=["attempts", "used_at"])
    if matched:
        audit_record(action="auth.otp_succeeded", actor=user, obj=user, data={})
        return True
    login_failure_record(user=user, action="auth.otp_failed", data={"live": bool(live)})
    return False


def _otp_destination(user: User) -> tuple[str, str]:
    if user.phone:
        try:
            return OtpChannel.SMS, normalize_phone(user.phone)
        except ValidationError:  # an invalid stored number: fall back to email
            logger.info("account %s has an unusable phone number for sign-in codes", user.pk)
    if user.email:
        return OtpChannel.EMAIL, user.email
    return "", ""


def mask_destination(channel: str, address: str) -> str:
    """``•••••••678`` (national form) for a phone, ``l•••@example.vn`` for an email: enough to recognise, not to harvest."""
    if channel == OtpChannel.SMS:
        national = "0" + address[3:] if address.startswith("+84") else address
        return "•" * max(len(national) - 3, 0) + national[-3:]
    local, _at, domain = address.partition("@")
    return f"{local[:1]}•••@{domain}"


def _otp_message(code: str) -> str:
    minutes = max(1, int(otp_ttl().total_seconds() // 60))
    return _(
        "Mã xác thực đăng nhập của bạn là %(code)s, có hiệu lực trong %(minutes)s phút. "
        "Không cung cấp mã này cho bất kỳ ai, kể cả cán bộ."
    ) % {"code": code, "minutes": minutes}


def unaccent(value: str) -> str:
    """Vietnamese without diacritics, for SMS (GSM-7: 160 characters instead of 70)."""
    value = value.replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in unicodedata.normalize("NFD", value) if not unicodedata.combining(ch))


def _deliver(*, channel: str, address: str, code: str, reference: str) -> None:
    message = _otp_message(code)
    if channel == OtpChannel.SMS:
        path = str(getattr(settings, "MOTCUA_SMS_BACKEND", ""))
        try:
            backend = import_string(path)()
        except ImportError as exc:
            raise ImproperlyConfigured(f"MOTCUA_SMS_BACKEND {path!r} cannot be imported") from exc
        backend.send(phone=address, message=unaccent(message), reference=reference)
        return
    send_mail(
        subject=_("Mã xác thực đăng nhập"),
        message=message,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[address],
        fail_silently=False,
    )
