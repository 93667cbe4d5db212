"""Typed errors of the results services: a stable ``code`` and a Vietnamese message."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise

from motcua.core.errors import CodedError


class ResultError(CodedError):
    code = "result_error"
    http_status = 400

    def __init__(self, message: str | Promise, *, code: str | None = None, **params: Any) -> None:
        super().__init__(message, code=code, **params)
        self.message = super().__str__()

    def __str__(self) -> str:
        return str(self.message)


class ResultNotFound(ResultError):
    code = "result_not_found"
    http_status = 404


class ResultNotAllowed(ResultError):
    code = "result_not_allowed"
    http_status = 403


class SigningUnavailable(ResultError):
    """No signing credential for the agency (production without MOTCUA_SIGNERS, a broken file)."""

    code = "signing_unavailable"
    http_status = 503
