"""API keys: create, rotate, revoke, authenticate, and record a use (docs/api/authentication.md).

A key reads ``mc_live_ab12cd34_<43 characters>``: the prefix (``mc_live_`` and 8 hex digits) is public — it is
shown in lists and logs and finds the row — and the rest is 256 random bits (``secrets.token_urlsafe(32)``).

Why a plain SHA-256 and not a slow or keyed hash: slow hashes (PBKDF2, Argon2) and peppers exist to protect
low-entropy secrets such as passwords or 6-digit codes (hence the keyed hashes of ``totp.keyed_hash``).
A 256-bit random secret cannot be guessed from its SHA-256, so a copy of the database gives nothing; and
a key checked on every API call should cost one hash, not 100 ms. Keying the hash with ``SECRET_KEY``
would add nothing against guessing and would tie every client system's key to ``SECRET_KEY``: rotating it
after a leak would break all integrations at once. The hash covers the whole key, prefix included.

Only administrators (``user_is_administrator``) create, rotate and revoke keys; a key acting as a superuser
or a province administrator only by a superuser or a province administrator, so an agency administrator
cannot mint a key with more reach than their own. Each change writes its audit row in its transaction;
the key itself is returned once and never stored or logged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.audit import audit_record
from motcua.core.errors import RuleError
from motcua.org.models import OrgUnit

from .models import Role, User
from .models_apikeys import (
    MAX_RATE_PER_MINUTE,
    ApiKey,
    ApiKeyUse,
    default_rate_per_minute,
    validate_operations,
)
from .selectors import user_is_administrator, user_roles

KEY_PATTERN = re.compile(r"^(mc_[a-z]{2,12}_[0-9a-f]{8})_([A-Za-z0-9_-]{43})$")
#: The longest grace period of a rotation: long enough to redeploy a client, short enough to matter.
MAX_GRACE_MINUTES = 7 * 24 * 60
#: ``last_used_at`` is written at most this often per key (one UPDATE a minute, not one per request).
LAST_USED_PRECISION = dt.timedelta(minutes=1)
_DUMMY_HASH = "0" * 64

CheckOutcome = Literal["ok", "malformed", "unknown", "revoked", "expired", "owner_inactive"]


class ApiKeyError(RuleError):
    code = "api_key_error"
    http_status = 400


class ApiKeyNotAllowed(ApiKeyError):
    code = "not_administrator"
    http_status = 403


class ApiKeyInvalidInput(ApiKeyError):
    code = "invalid_input"
    http_status = 422


class ApiKeyWrongState(ApiKeyError):
    code = "api_key_state"
    http_status = 409


@dataclass(frozen=True, slots=True)
class ApiKeyCheck:
    """What a presented key is: ``key`` is set when the secret matched a row, whatever its state."""

    outcome: CheckOutcome
    key: ApiKey | None = None
    prefix: str = ""  # the public part, when the key was well-formed

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


# --- the key itself ----------------------------------------------------------------------------------------


def key_hash(raw: str) -> str:
    return hashlib.sha256(b"motcua.apikey:" + raw.encode("utf-8")).hexdigest()


def _label() -> str:
    label = str(getattr(settings, "MOTCUA_API_KEY_LABEL", "mc_live"))
    if not re.fullmatch(r"mc_[a-z]{2,12}", label):
        raise ValueError("MOTCUA_API_KEY_LABEL must look like mc_live or mc_test")
    return label


def _new_secret() -> tuple[str, str]:
    """A fresh (prefix, whole key) whose prefix no key has yet."""
    for _attempt in range(8):
        prefix = f"{_label()}_{secrets.token_hex(4)}"
        if not ApiKey.objects.filter(prefix=prefix).exists():
            return prefix, f"{prefix}_{secrets.token_urlsafe(32)}"
    raise RuntimeError("could not draw an unused API key prefix")  # 2^32 prefixes: not in practice


def parse_key(raw: str | None) -> tuple[str, str] | None:
    """(prefix, secret) of a well-formed key, else None."""
    match = KEY_PATTERN.fullmatch((raw or "").strip())
    return (match.group(1), match.group(2)) if match else None


# --- administration ---------------------------------------------------------------------------------------


def _is_top_administrator(user: User) -> bool:
    return bool(user.is_superuser or Role.PROVINCE_ADMIN in user_roles(user=user))


def _require_administrator(*, by: User, owner: User | None = None) -> None:
    if not user_is_administrator(user=by):
        raise ApiKeyNotAllowed(_("Chỉ quản trị viên được quản lý khóa API."))
    if owner is not None and _is_top_administrator(owner) and not _is_top_administrator(by):
        raise ApiKeyNotAllowed(
            _("Chỉ quản trị cấp tỉnh được quản lý khóa API của tài khoản quản trị cấp tỉnh."),
            code="owner_too_powerful",
        )


def _clean_operations(operations: Sequence[str]) -> list[str]:
    ops = list(operations)
    try:
        validate_operations(ops)
    except ValidationError as exc:
        raise ApiKeyInvalidInput(exc.messages[0], code=exc.code or "operations_invalid") from exc
    return ops


def _clean_rate(rate_per_minute: int | None) -> int:
    rate = default_rate_per_minute() if rate_per_minute is None else int(rate_per_minute)
    if not 1 <= rate <= MAX_RATE_PER_MINUTE:
        raise ApiKeyInvalidInput(
            _("Số yêu cầu mỗi phút phải từ 1 đến %(max)s."), code="rate_invalid", max=MAX_RATE_PER_MINUTE
        )
    return rate


def _summary(key: ApiKey, units: Iterable[OrgUnit]) -> dict[str, object]:
    """What the audit row says about a key: its scope, never its hash."""
    return {
        "prefix": key.prefix,
        "name": key.name,
        "owner": key.owner.get_username(),
        "operations": key.operations,
        "units": sorted(u.code for u in units),
        "rate_per_minute": key.rate_per_minute,
        "expires_at": key.expires_at.isoformat() if key.expires_at else None,
    }


def apikey_validate(
    *,
    owner: User,
    name: str,
    operations: Sequence[str],
    rate_per_minute: int | None,
    expires_at: dt.datetime | None,
    by: User,
) -> tuple[str, list[str], int]:
    """The checks of ``apikey_create``, for forms to show before anything is written: raises
    ``ApiKeyError``; answers the cleaned (name, operations, rate)."""
    _require_administrator(by=by, owner=owner)
    name = (name or "").strip()
    if not name:
        raise ApiKeyInvalidInput(_("Nhập tên khóa API."), code="name_required")
    if not owner.is_active:
        raise ApiKeyInvalidInput(_("Tài khoản sử dụng khóa đang bị khóa."), code="owner_inactive")
    if expires_at is not None and expires_at <= timezone.now():
        raise ApiKeyInvalidInput(_("Thời hạn của khóa phải sau thời điểm hiện tại."), code="expires_in_past")
    return name[:200], _clean_operations(operations), _clean_rate(rate_per_minute)


def apikey_create(
    *,
    owner: User,
    name: str,
    operations: Sequence[str],
    units: Iterable[OrgUnit] = (),
    rate_per_minute: int | None = None,
    expires_at: dt.datetime | None = None,
    by: User,
    rotated_from: ApiKey | None = None,
) -> tuple[ApiKey, str]:
    """A new key and the key text, which is shown once: only its hash is kept."""
    name, ops, rate = apikey_validate(
        owner=owner,
        name=name,
        operations=operations,
        rate_per_minute=rate_per_minute,
        expires_at=expires_at,
        by=by,
    )
    unit_list = list(units)
    with transaction.atomic():
        prefix, raw = _new_secret()
        key = ApiKey.objects.create(
            owner=owner,
            name=name,
            prefix=prefix,
            secret_hash=key_hash(raw),
            operations=ops,
            rate_per_minute=rate,
            created_by=by,
            created_at=timezone.now(),
            expires_at=expires_at,
            rotated_from=rotated_from,
        )
        key.units.set(unit_list)
        data = _summary(key, unit_list)
        if rotated_from is not None:
            data["rotated_from"] = rotated_from.prefix
        audit_record(action="apikey.created", actor=by, obj=key, data=data)
    return key, raw


def apikey_rotate(
    *, key: ApiKey, by: User, grace_minutes: int = 0, expires_at: dt.datetime | None = None
) -> tuple[ApiKey, str]:
    """A new key with the same owner, name, operations, units and rate; the old one stops now, or after
    ``grace_minutes`` so the client can switch without an outage.

    The new key keeps the old one's lifetime (an old key valid for a year gives a new key valid for a year
    from now) unless ``expires_at`` is given. A revoked key, or one already replaced, is not rotated again.
    """
    _require_administrator(by=by, owner=key.owner)
    if not 0 <= int(grace_minutes) <= MAX_GRACE_MINUTES:
        raise ApiKeyInvalidInput(
            _("Thời gian chuyển tiếp phải từ 0 đến %(max)s phút."),
            code="grace_invalid",
            max=MAX_GRACE_MINUTES,
        )
    now = timezone.now()
    with transaction.atomic():
        old = ApiKey.objects.select_for_update().select_related("owner").get(pk=key.pk)
        if old.state(now) == "revoked":
            raise ApiKeyWrongState(_("Khóa API đã bị thu hồi, không thể đổi khóa."), code="api_key_revoked")
        if old.successors.exists():
            raise ApiKeyWrongState(_("Khóa API này đã được đổi sang khóa mới."), code="api_key_rotated")
        if expires_at is None and old.expires_at is not None:
            expires_at = now + (old.expires_at - old.created_at)
        new, raw = apikey_create(
            owner=old.owner,
            name=old.name,
            operations=old.operations,
            units=list(old.units.all()),
            rate_per_minute=old.rate_per_minute,
            expires_at=expires_at,
            by=by,
            rotated_from=old,
        )
        until = now + dt.timedelta(minutes=int(grace_minutes))
        if old.revoked_at is None or old.revoked_at > until:
            old.revoked_at = until
            old.save(update_fields=["revoked_at"])
        audit_record(
            action="apikey.rotated",
            actor=by,
            obj=old,
            data={"prefix": old.prefix, "new_prefix": new.prefix, "revoked_at": until.isoformat()},
        )
    key.revoked_at = old.revoked_at
    return new, raw


def apikey_revoke(*, key: ApiKey, by: User) -> ApiKey:
    """Stop the key now (also cutting short a rotation's grace period). Revoking twice changes nothing."""
    _require_administrator(by=by, owner=key.owner)
    now = timezone.now()
    with transaction.atomic():
        row = ApiKey.objects.select_for_update().get(pk=key.pk)
        if row.revoked_at is not None and row.revoked_at <= now:
            key.revoked_at = row.revoked_at
            return key
        row.revoked_at = now
        row.save(update_fields=["revoked_at"])
        audit_record(
            action="apikey.revoked", actor=by, obj=row, data={"prefix": row.prefix, "name": row.name}
        )
    key.revoked_at = now
    return key


# --- authentication and the usage log ---------------------------------------------------------------------


def apikey_check(raw: str | None, *, now: dt.datetime | None = None) -> ApiKeyCheck:
    """Which key ``raw`` is and whether it may be used now. One indexed read (by prefix, with the owner).

    The secret is compared in constant time, and an unknown prefix is compared against a dummy hash, so the
    time taken does not tell a prober which prefixes exist.
    """
    parsed = parse_key(raw)
    if parsed is None:
        return ApiKeyCheck("malformed")
    prefix = parsed[0]
    presented = key_hash(str(raw).strip())
    key = ApiKey.objects.select_related("owner").filter(prefix=prefix).first()
    matched = hmac.compare_digest(key.secret_hash if key is not None else _DUMMY_HASH, presented)
    if key is None or not matched:
        return ApiKeyCheck("unknown", prefix=prefix)
    state = key.state(now)
    if state != "active":
        return ApiKeyCheck(state, key=key, prefix=prefix)
    if not key.owner.is_active:
        return ApiKeyCheck("owner_inactive", key=key, prefix=prefix)
    return ApiKeyCheck("ok", key=key, prefix=prefix)


def apikey_authenticate(raw: str | None) -> ApiKey | None:
    """The active key ``raw`` is, or None (malformed, unknown, revoked, expired, owner disabled).
    The caller records the attempt (``apikey_use_record``)."""
    check = apikey_check(raw)
    return check.key if check.ok else None


def apikey_use_record(
    *,
    key: ApiKey | None,
    prefix: str,
    method: str,
    path: str,
    operation: str,
    status: int,
    duration_ms: int,
    client_ip: str | None,
    error_code: str = "",
    authenticated: bool = False,
) -> ApiKeyUse:
    """One row of the usage log (no query string: the caller passes ``request.path``). A request the key
    was accepted for also moves ``last_used_at``, at most once a minute."""
    now = timezone.now()
    try:
        ip = str(ipaddress.ip_address(client_ip)) if client_ip else None
    except ValueError:
        ip = None
    use = ApiKeyUse.objects.create(
        key=key,
        prefix=prefix[:32],
        at=now,
        method=method[:10],
        path=path[:500],
        operation=operation[:40],
        status=max(0, min(int(status), 999)),
        error_code=error_code[:40],
        duration_ms=max(0, int(duration_ms)),
        client_ip=ip,
    )
    if key is not None and authenticated:
        last = key.last_used_at
        if last is None or now - last >= LAST_USED_PRECISION:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
            key.last_used_at = now
    return use
