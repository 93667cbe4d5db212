"""What the routers of the portal and back-office capabilities share (issue #10): the ``{code, message}``
error answers, the caller, file responses in the OpenAPI document, and a page hook. Request bodies derive
from ``motcua.api.schemas.ApiIn`` (unknown fields refused), re-exported here.

Every refusal answers ``ErrorOut`` (``{code, message}``): ``code`` is stable (clients branch on it), the
message is in the request's language (``Accept-Language: vi|en``). Domain errors (``RuleError`` and
``CodedError`` subclasses) already carry both; ``error`` is for the few decisions the edge makes itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.responses import Status

from motcua.accounts.models import AccountKind, User
from motcua.core.errors import CodedError, RuleError
from motcua.core.uploads import CONTENT_TYPES as UPLOAD_CONTENT_TYPES

from .schemas import ApiIn, ErrorOut

__all__ = [
    "PDF_RESPONSE",
    "ApiIn",
    "ErrorOut",
    "PageHook",
    "client_ip",
    "coded_error",
    "error",
    "file_response",
    "rule_error",
    "staff_only",
    "user_of",
]


#: ``openapi_extra`` of an operation answering a PDF file (a streamed ``FileResponse``) on success.
PDF_RESPONSE: dict[str, Any] = {
    "responses": {
        "200": {
            "description": "PDF",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


def file_response(*content_types: str) -> dict[str, Any]:
    """``openapi_extra`` of an operation answering a file of one of ``content_types`` on success; by
    default the kinds an upload is checked to be (``motcua.core.uploads``: PDF, JPEG, PNG), since a stored
    file is answered with its real type, never a generic ``application/octet-stream``."""
    types = content_types or tuple(UPLOAD_CONTENT_TYPES.values())
    return {
        "responses": {
            "200": {
                "description": ", ".join(types),
                "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in types},
            }
        }
    }


def error(status: int, code: str, message: Any) -> Status[object]:
    return Status(status, {"code": code, "message": str(message)})


def rule_error(exc: RuleError) -> Status[object]:
    """A service refused: its status, stable code and (already translated) message."""
    return error(exc.http_status, exc.code, exc.message)


def coded_error(exc: CodedError, status: int = 422) -> Status[object]:
    """A ``CodedError`` without an HTTP status of its own (calendar, notifications): filled-in message."""
    return error(status, exc.code, str(exc))


def user_of(request: HttpRequest) -> User:
    """The caller of an authenticated operation (a session or an API key acts as an account)."""
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)  # noqa: S101 - every authenticator of api_auth answers a User
    return user


def staff_only(user: User) -> Status[object] | None:
    """403 ``staff_only`` for an account that is not staff; None for staff."""
    if user.kind == AccountKind.STAFF:
        return None
    return error(403, "staff_only", _("Chức năng này chỉ dành cho cán bộ, công chức."))


def client_ip(request: HttpRequest) -> str:
    """The address the request came from (the reverse proxy must set REMOTE_ADDR to the real client)."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


T = TypeVar("T")


class PageHook(Generic[T]):
    """A queryset for ``PageNumberPagination`` whose page, once sliced, goes through ``decorate`` (one
    batch of reads for the page's rows, never one per row). ``count`` is the queryset's."""

    def __init__(self, queryset: QuerySet[Any], decorate: Callable[[list[Any]], Sequence[T]]) -> None:
        self.queryset = queryset
        self.decorate = decorate

    def all(self) -> PageHook[T]:
        return self

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, page: slice) -> Sequence[T]:
        return self.decorate(list(self.queryset[page]))

    def __iter__(self) -> Iterator[T]:
        return iter(self.decorate(list(self.queryset)))

    def __len__(self) -> int:
        return self.count()
