"""Typed errors of the dossier services. Each has a stable ``code`` (for the API) and a Vietnamese message."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from motcua.core.errors import RuleError


class DossierError(RuleError):
    """A rule refused the action; nothing was changed. ``message`` is the filled-in Vietnamese text."""

    code = "dossier_error"
    http_status = 400


class DossierNotFound(DossierError):
    """Unknown dossier, or one the user may not see: the two look the same."""

    code = "dossier_not_found"
    http_status = 404


class ActionNotAllowed(DossierError):
    """The user may see the dossier but not take this action now (role, unit or state)."""

    code = "action_not_allowed"
    http_status = 403


class InvalidTransition(DossierError):
    code = "invalid_transition"
    http_status = 409


class ConcurrentChange(DossierError):
    code = "dossier_changed"
    http_status = 409


class InvalidDossierInput(DossierError):
    code = "invalid_input"
    http_status = 422


class DossierStorageUnavailable(DossierError):
    """The file store could not write the upload (``motcua.core.blobs.StorageUnavailable``): nothing changed."""

    code = "storage_unavailable"
    http_status = 503


class StatusLookupLimited(DossierError):
    """Too many attempts at the public status from one address or for one code
    (``portal_selectors.public_status_attempt``): nothing was looked up. ``retry_after``: seconds to wait."""

    code = "rate_limited"
    http_status = 429

    def __init__(self, *, retry_after: int) -> None:
        super().__init__(
            _("Bạn đã tra cứu quá nhiều lần. Vì an toàn, vui lòng thử lại sau %(minutes)s phút."),
            minutes=max(1, retry_after // 60),
        )
        self.retry_after = retry_after
