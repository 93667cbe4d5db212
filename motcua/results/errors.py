"""Typed errors of the results services: a stable ``code`` and a Vietnamese message."""

from __future__ import annotations

from motcua.core.errors import RuleError


class ResultError(RuleError):
    code = "result_error"
    http_status = 400


class ResultNotFound(ResultError):
    code = "result_not_found"
    http_status = 404


class ResultNotAllowed(ResultError):
    code = "result_not_allowed"
    http_status = 403


class ResultStorageUnavailable(ResultError):
    """The file store could not write the signed copy (``motcua.core.blobs.StorageUnavailable``)."""

    code = "storage_unavailable"
    http_status = 503


class SigningUnavailable(ResultError):
    """No signing credential for the agency (production without MOTCUA_SIGNERS, a broken file)."""

    code = "signing_unavailable"
    http_status = 503
