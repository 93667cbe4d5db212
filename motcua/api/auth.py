"""Who is calling the API: a signed-in browser session or a client system's API key.

``api_auth(operation)`` is what every router/operation passes as ``auth=``: the authenticators ninja tries in
turn. A key (``Authorization: Bearer mc_…`` or ``X-API-Key: mc_…``) is tried first: when one is sent it
decides alone — a bad key is refused even if a session cookie came along. Without a key, the session
(``django_auth``, CSRF required for unsafe methods) acts as its user with that user's rights.

A key acts as the account it belongs to (``request.user`` and ``request.auth`` are the owner, so existing
views work unchanged; ``request.api_key`` is the key), narrowed to:
- its operations: an operation outside them answers 403 ``api_key_scope``;
- its units, when it has any: a dossier outside their subtrees is "not found" (404), like one the owner may
  not see. Views that reach dossiers call ``key_dossiers`` on lists and ``key_dossier_check`` on one dossier.
Each key has a per-minute limit (fixed one-minute windows counted in Django's cache): over it, 429
``rate_limited`` with ``Retry-After``. Every request that presents a key — accepted or not — leaves one row in
the usage log (``motcua.api.key_usage``); refusals also a warning log line, never with the key's secret.

Operations: ``motcua.accounts.models_apikeys.API_OPERATIONS`` (stable names, used in key scopes and documented
with what each opens in docs/api/authentication.md).
"""

from __future__ import annotations

import logging
import math
from functools import cache
from typing import Any, NoReturn

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import APIKeyHeader, django_auth

from motcua.accounts.models import AccountKind, ApiKey, User
from motcua.accounts.models_apikeys import API_OPERATIONS
from motcua.accounts.services_apikeys import apikey_check
from motcua.core.ratelimit import count_attempt
from motcua.dossiers.access import StaffScope, dossier_linked_to_units, dossiers_linked_to_units, staff_scope
from motcua.dossiers.errors import ActionNotAllowed, DossierNotFound
from motcua.dossiers.models import Dossier
from motcua.org.models import OrgUnit
from motcua.org.selectors import orgunit_subtrees_ids

from .errors import WWW_AUTHENTICATE, CodedHttpError
from .key_usage import PendingUse, pending_use_start

logger = logging.getLogger("motcua.api")

OPERATIONS = API_OPERATIONS
RATE_WINDOW_SECONDS = 60


class ApiKeyRefused(CodedHttpError):
    """A presented key is not accepted for this request: answered as ``{code, message}`` with its headers by
    the API's ``HttpError`` handler (``motcua.api.errors``), like every other refusal. Neither a key nor a
    session is ninja's own ``AuthenticationError``, answered there too (401 ``not_authenticated``)."""

    def __init__(self, status: int, code: str, message: str, *, retry_after: int | None = None) -> None:
        headers = {}
        if status == 401:
            headers["WWW-Authenticate"] = f'{WWW_AUTHENTICATE}, error="invalid_token"'
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
        super().__init__(status, code, message, headers=headers)


# --- the per-key rate limit -------------------------------------------------------------------------------


def rate_limit_wait(key: ApiKey, *, now: float | None = None) -> int | None:
    """Count one request of ``key`` in the current one-minute window: None when within the key's limit,
    else the seconds until the next window (for ``Retry-After``).

    Fixed windows keyed by the minute (``motcua.core.ratelimit``). If the cache is down the request is let through and an error logged: an
    outage of the cache should not stop every client system.
    """
    at = timezone.now().timestamp() if now is None else now
    window = int(at // RATE_WINDOW_SECONDS)
    name = f"motcua:apikey-rate:{key.pk}:{window}"
    try:
        count = count_attempt(name, window=RATE_WINDOW_SECONDS * 2)
    except Exception:
        logger.exception("API key rate limit unavailable (cache error); request allowed")
        return None
    if count <= key.rate_per_minute:
        return None
    return max(1, math.ceil((window + 1) * RATE_WINDOW_SECONDS - at))


# --- the authenticator ------------------------------------------------------------------------------------


class ApiKeyAuth(APIKeyHeader):
    """A client system's key, in ``X-API-Key`` or as ``Authorization: Bearer``; it must be active and hold
    ``operation``. Answers the key's owner (so ``request.auth`` is a ``User``, as with a session)."""

    param_name = "X-API-Key"
    openapi_description = (
        "Khóa API do quản trị viên cấp: gửi `X-API-Key: mc_live_…` hoặc `Authorization: Bearer mc_live_…`. "
        "Xem docs/api/authentication.md."
    )

    def __init__(self, operation: str) -> None:
        if operation not in OPERATIONS:
            raise ValueError(f"unknown API operation {operation!r}")
        self.operation = operation
        super().__init__()

    def _get_key(self, request: HttpRequest) -> str | None:
        value = request.headers.get("X-API-Key")
        if value is not None:
            return value
        scheme, _sep, token = request.headers.get("Authorization", "").strip().partition(" ")
        if scheme.lower() == "bearer":
            return token
        return None

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        if key is None:
            return None  # no key sent: the session authenticator decides
        use = pending_use_start(request, operation=self.operation)
        check = apikey_check(key)
        use.prefix = check.prefix
        use.key = check.key
        if not check.ok:
            expired = check.outcome == "expired"
            self._refuse(
                request,
                use,
                ApiKeyRefused(
                    401,
                    "api_key_expired" if expired else "api_key_invalid",
                    _("Khóa API đã hết hạn.") if expired else _("Khóa API không hợp lệ hoặc đã bị thu hồi."),
                ),
                reason=check.outcome,
            )
        assert check.key is not None  # noqa: S101 - an accepted check has its key
        api_key = check.key
        wait = rate_limit_wait(api_key)
        if wait is not None:
            self._refuse(
                request,
                use,
                ApiKeyRefused(
                    429,
                    "rate_limited",
                    _(
                        "Khóa API đã vượt quá %(limit)s yêu cầu mỗi phút. Vui lòng thử lại sau %(seconds)s giây."
                    )
                    % {"limit": api_key.rate_per_minute, "seconds": wait},
                    retry_after=wait,
                ),
                reason="rate_limited",
            )
        if self.operation not in api_key.operations:
            self._refuse(
                request,
                use,
                ApiKeyRefused(
                    403,
                    "api_key_scope",
                    _("Khóa API không được phép thực hiện thao tác “%(operation)s”.")
                    % {"operation": self.operation},
                ),
                reason="scope",
            )
        use.authenticated = True
        owner = api_key.owner
        request.user = owner
        request.api_key = api_key  # type: ignore[attr-defined]
        units = key_unit_ids(request)
        if units is not None:
            _narrow_staff_scope(owner, units)
        return owner

    @staticmethod
    def _refuse(request: HttpRequest, use: PendingUse, exc: ApiKeyRefused, *, reason: str) -> NoReturn:
        use.error_code = exc.code
        logger.warning(
            "API key refused: %s (%s) prefix=%s %s %s ip=%s",
            exc.code,
            reason,
            use.prefix or "-",
            request.method,
            request.path,
            request.META.get("REMOTE_ADDR") or "-",
        )
        raise exc


@cache
def _authenticators(operation: str) -> tuple[ApiKeyAuth, Any]:
    return ApiKeyAuth(operation), django_auth


def api_auth(operation: str) -> list[Any]:
    """The authenticators for an operation needing ``operation`` (one of ``OPERATIONS``): a key holding it,
    else the session."""
    if operation not in OPERATIONS:
        raise ValueError(f"unknown API operation {operation!r}")
    return list(_authenticators(operation))


# --- narrowing to the key's units -------------------------------------------------------------------------


def key_unit_ids(request: HttpRequest) -> frozenset[int] | None:
    """The units (their subtrees included) the request's key is limited to; None when there is no limit
    (a session, or a key without units). Read once per request."""
    key: ApiKey | None = getattr(request, "api_key", None)
    if key is None:
        return None
    if not hasattr(request, "_motcua_api_key_units"):
        roots = list(key.units.values_list("pk", flat=True))
        request._motcua_api_key_units = frozenset(orgunit_subtrees_ids(roots)) if roots else None  # type: ignore[attr-defined]
    units: frozenset[int] | None = request._motcua_api_key_units  # type: ignore[attr-defined]
    return units


def _narrow_staff_scope(owner: User, units: frozenset[int]) -> None:
    """Defence in depth for routers that forget ``key_dossiers``/``key_dossier_check``: the owner object of
    this request (loaded for it alone) carries a staff scope narrowed to the key's units, which
    ``motcua.dossiers.access.staff_scope`` answers from its per-user memo — so ``dossier_visible_queryset``,
    ``dossier_visible_to`` and ``dossier_can`` see only the key's units (and the roles held there).
    tests/api/test_apikey_auth.py checks that the access rules still honour it."""
    if owner.kind != AccountKind.STAFF:
        return
    full = staff_scope(owner)
    visible = units if full.sees_all else full.visible_units & units
    owner._motcua_staff_scope = StaffScope(  # type: ignore[attr-defined]
        roles_by_unit={unit: roles for unit, roles in full.roles_by_unit.items() if unit in units},
        visible_units=frozenset(visible),
        sees_all=False,
        province_admin=full.province_admin,
    )


def key_dossiers(request: HttpRequest, dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """``dossiers`` (already what the owner may see) narrowed to the key's units: received at, resolved by
    or with a step in one of them — the same three links as the staff visibility rule."""
    units = key_unit_ids(request)
    return dossiers if units is None else dossiers_linked_to_units(dossiers, units)


def key_dossier_check(request: HttpRequest, dossier: Dossier) -> None:
    """Raise ``DossierNotFound`` (404, the same answer as a dossier the owner may not see) for a dossier
    outside the key's units; call it after finding the dossier and before acting on it."""
    units = key_unit_ids(request)
    if units is None or dossier_linked_to_units(dossier, units):
        return
    raise DossierNotFound(_("Không tìm thấy hồ sơ."))


def key_unit_check(request: HttpRequest, unit: OrgUnit | None) -> None:
    """Raise ``ActionNotAllowed`` (403 ``api_key_scope``) when a key limited to units names another unit
    (for instance the receiving point of a new application)."""
    units = key_unit_ids(request)
    if units is None or unit is None or unit.pk in units:
        return
    raise ActionNotAllowed(
        _("Khóa API không được dùng cho đơn vị %(unit_code)s."), code="api_key_scope", unit_code=unit.code
    )
