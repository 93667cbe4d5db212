"""The registries over HTTP: JSON through an X-Road-like security server.

Every request carries the X-Road headers: ``X-Road-Client`` (this system, ``MOTCUA_REGISTRY_CLIENT_ID``),
``X-Road-UserId`` (the officer's username or ``citizen:<personal id>``), ``X-Road-Issue`` (the dossier code,
empty before the dossier has one), ``X-Road-Purpose`` (the stated purpose) and ``X-Road-Id`` (a request id).
Header values are percent-encoded UTF-8 (HTTP headers are Latin-1; purposes are Vietnamese).

``GET <url>/<key>`` → 200 ``{"request_id", "data"}`` | 404 not found | 5xx or no answer within the timeout →
``RegistryUnavailable`` | anything else, or a body that is not the agreed JSON → ``RegistryError``.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from ..http import HttpRequest, Transport, urllib_transport
from .codec import business_from_json, data_of, person_from_json
from .errors import RegistryError, RegistryNotFound, RegistryUnavailable
from .types import BusinessRecord, LookupContext, PersonRecord


def xroad_headers(*, client_id: str, context: LookupContext, request_id: str) -> dict[str, str]:
    def enc(value: str) -> str:
        return quote(value, safe=" :/@.-_")

    return {
        "Accept": "application/json",
        "X-Road-Client": enc(client_id),
        "X-Road-UserId": enc(context.user_id()),
        "X-Road-Issue": enc(context.dossier_code or ""),
        "X-Road-Purpose": enc(context.purpose),
        "X-Road-Id": enc(request_id),
    }


class HttpRegistry:
    name = "http"

    def __init__(
        self, *, url: str, timeout: float, client_id: str, transport: Transport | None = None
    ) -> None:
        if not url:
            raise RegistryUnavailable(code="registry_not_configured")
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.client_id = client_id
        self.transport = transport or urllib_transport

    def fetch(self, key: str, *, context: LookupContext, request_id: str) -> dict[str, Any]:
        headers = xroad_headers(client_id=self.client_id, context=context, request_id=request_id)
        try:
            answer = self.transport(
                HttpRequest("GET", f"{self.url}/{quote(key, safe='')}", headers, None, self.timeout)
            )
        except TimeoutError as exc:
            raise RegistryUnavailable(code="registry_timeout") from exc
        except OSError as exc:
            raise RegistryUnavailable() from exc
        if answer.status == 404:
            raise RegistryNotFound()
        if answer.status == 504:
            raise RegistryUnavailable(code="registry_timeout")
        if answer.status >= 500:
            raise RegistryUnavailable()
        if answer.status != 200:
            raise RegistryError(code="registry_refused")
        try:
            payload = json.loads(answer.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise RegistryError(code="registry_malformed") from exc
        return data_of(payload)


class HttpPopulationRegistry(HttpRegistry):
    def lookup(self, personal_id: str, *, context: LookupContext, request_id: str) -> PersonRecord:
        record = person_from_json(self.fetch(personal_id, context=context, request_id=request_id))
        if record.personal_id != personal_id:
            raise RegistryError(code="registry_malformed")
        return record


class HttpBusinessRegistry(HttpRegistry):
    def lookup(self, tax_code: str, *, context: LookupContext, request_id: str) -> BusinessRecord:
        record = business_from_json(self.fetch(tax_code, context=context, request_id=request_id))
        if record.tax_code != tax_code:
            raise RegistryError(code="registry_malformed")
        return record
