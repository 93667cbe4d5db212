"""Bad input gets a clear answer and changes nothing: every error of the API is JSON ``{code, message}``.

The message is in the request's language (``Accept-Language``: Vietnamese by default, English with ``en``);
the code is stable, for client code to branch on. What each kind of bad request answers:

- a body that is not JSON (syntax, encoding, ``NaN``): 400 ``json_invalid``; a broken multipart body (no
  boundary, cut short): 400 ``multipart_invalid``;
- a body in a media type the operation does not take (JSON operations take ``application/json``, uploads
  ``multipart/form-data``): 415 ``media_type_unsupported``;
- wrong types, missing or unknown fields (``motcua.api.schemas.ApiIn``): 422 ``request_invalid`` with the
  field-level ``errors``;
- a body over the limit: 413 ``body_too_large`` (``motcua.api.middleware`` refuses most of them from
  ``Content-Length`` before reading anything; Django's ``RequestDataTooBig`` is caught here for the rest);
- an ``HttpError`` of ninja or of a view: its status, with a code from the status (401 ``not_authenticated``,
  403 ``csrf_failed`` / ``forbidden``, 429 ``too_many_requests``…) unless the exception carries a ``code``
  (``CodedHttpError``: a refused API key's ``api_key_*`` / ``rate_limited``, with its headers); every 401
  carries the ``WWW-Authenticate`` challenge;
- ``Http404``: 404 ``not_found``; a domain error (``CodedError``) a view let through: its status and code;
- anything else: 500 ``server_error``, logged with its traceback, which never reaches the client.

A refusal happens before the view runs or inside the service's transaction, so nothing is changed.
``motcua.api.middleware`` logs every refused request (method, path, status, code; never the body) and
turns Django's own HTML error pages under ``/api/`` (unknown path, method not allowed) into the same shape.

``MotcuaAPI`` is the ``NinjaAPI`` with all of this wired in, and an OpenAPI document that declares these
answers on every operation they can happen to (see ``document_errors``), so a client generated from the
document knows them and the contract tests hold the server to them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, NoReturn

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template.defaultfilters import filesizeformat
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.parser import Parser

from motcua.core.errors import CodedError

from .schemas import ErrorOut, ValidationErrorOut

logger = logging.getLogger("motcua.api")

#: The challenge of every 401 (RFC 9110 §11.6.1): a session or a bearer API key (``motcua.api.auth``).
WWW_AUTHENTICATE = 'Bearer realm="motcua"'

JSON = "application/json"
MULTIPART = "multipart/form-data"
FORM_TYPES = (MULTIPART, "application/x-www-form-urlencoded")


class UnsupportedMediaType(Exception):
    """The body is not in a media type the operation takes."""

    def __init__(self, received: str, expected: str) -> None:
        super().__init__(received)
        self.received, self.expected = received, expected


class CodedHttpError(HttpError):
    """An ``HttpError`` the edge raises with its own stable ``code`` and response ``headers`` (for instance a
    refused API key: ``Retry-After``, the 401 challenge); answered by ``install``'s ``HttpError`` handler."""

    def __init__(
        self, status: int, code: str, message: str, *, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(status, message)
        self.code = code
        self.headers = headers or {}


class JsonConstantRefused(ValueError):
    """``NaN``/``Infinity`` are not JSON (RFC 8259) and would not survive a round trip to a client."""


def _refuse_constant(name: str) -> NoReturn:
    raise JsonConstantRefused(name)


def is_json(media_type: str) -> bool:
    return media_type == JSON or (media_type.startswith("application/") and media_type.endswith("+json"))


class ApiParser(Parser):
    """ninja's JSON parser, strict about what it is given: JSON operations read ``application/json`` (or
    ``application/*+json``) only, form and upload operations ``multipart/form-data`` or a urlencoded form.
    ninja wraps a parse error of the body into ``HttpError(400)``; the cause tells the handler which one."""

    def parse_body(self, request: HttpRequest) -> Any:
        media_type = (request.content_type or "").lower()
        if not is_json(media_type):
            raise UnsupportedMediaType(media_type, JSON)
        return json.loads(request.body, parse_constant=_refuse_constant)

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        # The same method reads the query string (always fine) and the form / files of a form operation.
        if data is not request.GET and request.method not in ("GET", "HEAD"):
            media_type = (request.content_type or "").lower()
            if media_type not in FORM_TYPES:
                raise UnsupportedMediaType(media_type, MULTIPART)
        return super().parse_querydict(data, list_fields, request)


#: The code of an ``HttpError`` that carries none, by status.
STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "body_too_large",
    415: "media_type_unsupported",
    422: "request_invalid",
    429: "too_many_requests",
    500: "server_error",
    503: "service_unavailable",
}


def status_message(status: int) -> str:
    """The generic message of a status, in the request's language."""
    messages = {
        400: _("Yêu cầu không hợp lệ."),
        401: _("Cần đăng nhập hoặc gửi khóa API để dùng chức năng này."),
        403: _("Bạn không có quyền thực hiện thao tác này."),
        404: _("Không có địa chỉ API này."),
        405: _("Địa chỉ API này không nhận phương thức HTTP đã dùng."),
        409: _("Yêu cầu xung đột với trạng thái hiện tại của dữ liệu."),
        413: _("Nội dung gửi lên quá lớn."),
        415: _("Kiểu nội dung gửi lên không được hỗ trợ."),
        422: _("Dữ liệu gửi lên không hợp lệ."),
        429: _("Có quá nhiều yêu cầu. Vui lòng thử lại sau."),
        500: _("Đã có lỗi hệ thống. Sự cố đã được ghi lại, vui lòng thử lại sau."),
        503: _("Dịch vụ tạm thời không sẵn sàng. Vui lòng thử lại sau."),
    }
    return str(messages.get(status, _("Yêu cầu không thực hiện được.")))


def error_body(code: str, message: Any, **extra: Any) -> dict[str, Any]:
    return {"code": code, "message": str(message), **extra}


def error_response(status: int, code: str, message: Any) -> JsonResponse:
    """An error answered outside ninja (``motcua.api.middleware``), in the same shape and encoding."""
    return JsonResponse(error_body(code, message), status=status, json_dumps_params={"ensure_ascii": False})


def json_invalid_message() -> str:
    return _("Nội dung gửi lên không phải JSON hợp lệ.")


def media_type_message(received: str, expected: str) -> str:
    return _("Kiểu nội dung “%(received)s” không được hỗ trợ: hãy gửi %(expected)s.") % {
        "received": received or "—",
        "expected": expected,
    }


def body_too_large_message(limit: int | None) -> str:
    if not limit:
        return status_message(413)
    return _("Nội dung gửi lên quá lớn: tối đa %(max)s.") % {"max": filesizeformat(limit)}


def _clean_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """ninja's validation details, minus anything that is not plain JSON (an exception in ``ctx``)."""
    cleaned = []
    for error in errors:
        item = {k: error[k] for k in ("type", "loc", "msg") if k in error}
        if "ctx" in error:
            item["ctx"] = {
                k: v if isinstance(v, str | int | float | bool) or v is None else str(v)
                for k, v in dict(error["ctx"]).items()
            }
        cleaned.append(item)
    return cleaned


def install(api: NinjaAPI) -> None:
    """Register the error answers on ``api`` (``MotcuaAPI`` does it; kept separate for other APIs)."""

    def answer(request: HttpRequest, status: int, code: str, message: Any, **extra: Any) -> HttpResponse:
        return api.create_response(request, error_body(code, message, **extra), status=status)

    def request_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return answer(request, 422, "request_invalid", status_message(422), errors=_clean_errors(exc.errors))

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        cause = exc.__cause__
        if isinstance(cause, UnsupportedMediaType):
            return answer(
                request, 415, "media_type_unsupported", media_type_message(cause.received, cause.expected)
            )
        if isinstance(cause, RequestDataTooBig):
            return too_large(request, cause)
        if exc.status_code == 400 and cause is not None:  # ninja: "Cannot parse request body"
            return answer(request, 400, "json_invalid", json_invalid_message())
        status = exc.status_code
        code = getattr(exc, "code", None)
        if code:
            response = answer(request, status, code, exc.message)
        elif status == 403 and exc.message == "CSRF check Failed":
            message = _(
                "Thiếu hoặc sai mã chống giả mạo (CSRF): gửi tiêu đề X-CSRFToken bằng giá trị cookie csrftoken."
            )
            response = answer(request, 403, "csrf_failed", message)
        else:  # ninja's own, e.g. AuthenticationError: neither a key nor a session (401 not_authenticated)
            response = answer(
                request, status, STATUS_CODES.get(status, f"http_{status}"), status_message(status)
            )
        for name, value in getattr(exc, "headers", {}).items():
            response[name] = value
        if status == 401 and "WWW-Authenticate" not in response:
            response["WWW-Authenticate"] = WWW_AUTHENTICATE
        return response

    def too_large(request: HttpRequest, exc: Exception) -> HttpResponse:
        from django.conf import settings

        return answer(
            request, 413, "body_too_large", body_too_large_message(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        )

    def unsupported_media_type(request: HttpRequest, exc: UnsupportedMediaType) -> HttpResponse:
        return answer(request, 415, "media_type_unsupported", media_type_message(exc.received, exc.expected))

    def suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        # Too many form fields or files: Django would answer a bare 400 page.
        return answer(request, 400, "bad_request", status_message(400))

    def multipart_invalid(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        # A multipart body without its boundary, cut short, or with a part's headers over 1 KB (a very long
        # file name): the client's fault, not a server error.
        return answer(
            request, 400, "multipart_invalid", _("Nội dung multipart/form-data gửi lên không hợp lệ.")
        )

    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return answer(request, 404, "not_found", _("Không tìm thấy."))

    def coded_error(request: HttpRequest, exc: CodedError) -> HttpResponse:
        status = int(getattr(exc, "http_status", 400))
        return answer(request, status, exc.code, str(exc))

    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.error("API server error: %s %s", request.method, request.path, exc_info=exc)
        return answer(request, 500, "server_error", status_message(500))

    handlers: list[tuple[type[Exception], Callable[..., HttpResponse]]] = [
        (ValidationError, request_invalid),
        (HttpError, http_error),
        (UnsupportedMediaType, unsupported_media_type),
        (RequestDataTooBig, too_large),
        (SuspiciousOperation, suspicious),
        (MultiPartParserError, multipart_invalid),
        (Http404, not_found),
        (CodedError, coded_error),
        (Exception, server_error),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)


# -- the OpenAPI document ------------------------------------------------------------------------------

UNSAFE = ("post", "put", "patch", "delete")


def _described(status: int, codes: str) -> str:
    # The reason phrase and the codes, not a translated text: the document is the same in every language.
    return f"{HTTPStatus(status).phrase}: {codes}"


def document_errors(document: dict[str, Any]) -> dict[str, Any]:
    """Declare the answers ``install`` gives on every operation they can happen to, unless the operation
    declares that status itself: 422 where there is any input, 400/413/415 where there is a body,
    401, 403 and 429 where authentication is required (a session or an API key)."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    ref_template = "#/components/schemas/{model}"
    for model in (ErrorOut, ValidationErrorOut):
        schema = model.model_json_schema(ref_template=ref_template, mode="serialization")
        schemas.setdefault(model.__name__, schema)

    def content(model: type[ErrorOut]) -> dict[str, Any]:
        return {JSON: {"schema": {"$ref": ref_template.format(model=model.__name__)}}}

    for path_item in document.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            has_body = "requestBody" in operation
            extra: dict[int, tuple[str, type[ErrorOut]]] = {}
            if has_body:
                extra[400] = ("json_invalid, multipart_invalid, bad_request", ErrorOut)
                extra[413] = ("body_too_large", ErrorOut)
                extra[415] = ("media_type_unsupported", ErrorOut)
            if has_body or operation.get("parameters"):
                extra[422] = ("request_invalid", ValidationErrorOut)
            if operation.get("security"):
                extra[401] = ("not_authenticated, api_key_invalid, api_key_expired", ErrorOut)
                codes = "api_key_scope"
                if method in UNSAFE:
                    codes = "csrf_failed, " + codes
                extra[403] = (codes, ErrorOut)
                extra[429] = ("rate_limited", ErrorOut)
            for status, (codes, model) in extra.items():
                if status in responses or str(status) in responses:
                    continue
                responses[status] = {"description": _described(status, codes), "content": content(model)}
    return document


class MotcuaAPI(NinjaAPI):
    """The project's ``NinjaAPI``: the strict parser, the error answers of this module, and an OpenAPI
    document that declares them."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("parser", ApiParser())
        super().__init__(**kwargs)
        install(self)

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_errors(document)
        return document
