"""The edge of the API that Django, not ninja, answers: sizes, unknown paths, methods, and the refusal log.

Under ``/api/`` only:
- a body announced (``Content-Length``) over the limit is refused with 413 ``body_too_large`` before a byte
  of it is read: ``DATA_UPLOAD_MAX_MEMORY_SIZE`` for JSON and forms, ``MOTCUA_UPLOAD_MAX_BYTES`` plus the
  multipart envelope for uploads (Django would otherwise stream a huge upload to disk first);
- an error answered by Django itself (an unknown path, a method the path does not take, a failure outside
  ninja) is HTML; it becomes the API's JSON ``{code, message}`` (``motcua.api.errors``), keeping headers
  such as ``Allow``;
- every refused request (4xx) is logged as one warning: method, path, status and code — never the body, the
  query string or who asked, so the log holds no personal data. Server errors are logged where they happen,
  with the traceback.

It must come after ``LocaleMiddleware`` (messages in the request's language) and before ``CommonMiddleware``
(so it sees the final answer for a path without its slash).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.translation import gettext as _

from motcua.core.logging import caller_of

from .errors import JSON, MULTIPART, STATUS_CODES, body_too_large_message, error_response, status_message

logger = logging.getLogger("motcua.api")

API_PREFIX = "/api/"
MULTIPART_ENVELOPE = 1024 * 1024  # the other fields and the part headers of an upload


def body_limit(request: HttpRequest) -> int | None:
    """The largest body the request may announce; None for no limit."""
    if (request.content_type or "").lower() == MULTIPART:
        upload_max = getattr(settings, "MOTCUA_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
        return int(upload_max) + MULTIPART_ENVELOPE
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return None if limit is None else int(limit)


def _content_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def _is_json(response: HttpResponseBase) -> bool:
    return str(response.get("Content-Type", "")).startswith(JSON)


def _code_of(response: HttpResponseBase) -> str:
    if response.streaming or not _is_json(response):
        return "-"
    try:
        body = json.loads(response.content)  # type: ignore[attr-defined]
    except ValueError:
        return "-"
    code = body.get("code") if isinstance(body, dict) else None
    return str(code) if code else "-"


class ApiErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        response = self._refuse_too_large(request) or self._refuse_nul(request) or self.get_response(request)
        if response.status_code >= 400 and not response.streaming and not _is_json(response):
            response = self._as_json(response)
        if 400 <= response.status_code < 500:
            logger.warning(
                "API request refused: %s %s -> %s %s [%s]",
                request.method,
                request.path,
                response.status_code,
                _code_of(response),
                caller_of(request),
            )
        return response

    @staticmethod
    def _refuse_too_large(request: HttpRequest) -> HttpResponse | None:
        limit = body_limit(request)
        if limit is None or _content_length(request) <= limit:
            return None
        return error_response(413, "body_too_large", body_too_large_message(limit))

    @staticmethod
    def _refuse_nul(request: HttpRequest) -> HttpResponse | None:
        """A NUL character in the path or a query value: no text column can hold it (PostgreSQL refuses it
        outright), so it is refused here as invalid input instead of failing deep in a query."""
        values = [request.path_info, *(v for _, vs in request.GET.lists() for v in vs)]
        if not any("\x00" in value for value in values):
            return None
        return error_response(422, "request_invalid", _("Dữ liệu gửi lên chứa ký tự không hợp lệ (NUL)."))

    @staticmethod
    def _as_json(response: HttpResponseBase) -> HttpResponse:
        status = response.status_code
        answer = error_response(status, STATUS_CODES.get(status, f"http_{status}"), status_message(status))
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in response:
                answer[header] = response[header]
        return answer
