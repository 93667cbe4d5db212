"""Schemas every router shares: the strict input base and the shape of every error answer.

``ApiIn`` is the base of request bodies. Pydantic ignores unknown fields by default, so a misspelt field
(``reson`` for ``reason``) would pass for an absent one and the call would do something else than asked;
forbidding them turns that into 422 ``request_invalid`` naming the field. Query-string filters keep the
default on purpose: clients and proxies add parameters of their own (cache busters, tracking tags) to GET
URLs, and refusing a read over them would break links without protecting anything.

``ErrorOut`` is what every refusal answers (``{code, message}``; see ``motcua.api.errors`` and
docs/api/errors.md); ``ValidationErrorOut`` adds the field-level details of a 422 ``request_invalid``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination as NinjaPageNumberPagination
from pydantic import ConfigDict, WithJsonSchema


class ApiIn(Schema):
    """A request body: an unknown field is refused (422 ``request_invalid``), never silently dropped."""

    model_config = ConfigDict(extra="forbid")


class ErrorOut(Schema):
    code: str = Field(description="Mã lỗi ổn định (máy đọc), ví dụ `dossier_changed`")
    message: str = Field(description="Thông báo cho người dùng, theo ngôn ngữ của yêu cầu (Accept-Language)")


class ValidationErrorOut(ErrorOut):
    errors: list[dict[str, Any]] = Field(
        default_factory=list,
        description='Từng lỗi: `loc` (vị trí trường, ví dụ ["body", "payload", "reason"]), `type`, `msg`',
    )


#: A wall-clock time of the province (Asia/Ho_Chi_Minh): ``"07:30"`` or ``"07:30:00"``. Pydantic documents a
#: plain ``dt.time`` as JSON Schema ``format: time``, which is RFC 3339's full-time and requires an offset
#: (``07:30:00+07:00``); the value it writes has none, so the document contradicted every answer.
LocalTime = Annotated[
    dt.time,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
            "description": "Giờ địa phương (Asia/Ho_Chi_Minh), HH:MM hoặc HH:MM:SS",
            "examples": ["07:30:00"],
        }
    ),
]


#: A row id in a path or a body: a positive 64-bit integer. A larger one cannot name a row, yet SQLite's
#: driver raises ``OverflowError`` on it instead of finding nothing (a 500); it is refused as 422 instead.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]

MAX_PAGE = 100_000


class PageNumberPagination(NinjaPageNumberPagination):
    """ninja's page-number pagination with a ceiling on ``page``. ninja's own has none: a page number past
    64 bits (``?page=706580179183680012620398592``) reached the database as an OFFSET it cannot hold
    (SQLite: "datatype mismatch", PostgreSQL: bigint out of range) — a 500 instead of a 422."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1)
