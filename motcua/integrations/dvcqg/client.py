"""The portal over HTTP+JSON, behind an X-Road-like gateway (LGSP/NGSP), and the choice of backend.

Every request carries ``Authorization: Bearer <token>``, ``X-Road-Client`` (this system) and ``X-Road-Id``
(a fresh request id); a status update also carries ``Idempotency-Key``. The three calls:

* ``POST <url>/trang-thai`` — one status update. 200 ``{"TrangThaiNhan": "accepted" | "duplicate",
  "MaBienNhan"}`` (409 is read as a duplicate too) → delivered; 400/404/410/422 → ``PortalRejected``
  (for good); 401/403/408/429, 5xx, a timeout, no connection or a body that is not the agreed JSON →
  ``PortalUnavailable`` (sent again later with the same key).
* ``GET <url>/ho-so-moi?gioi_han=N`` — the submissions not yet acknowledged: 200 ``{"ThongDiep": [envelope…]}``.
* ``POST <url>/ho-so-moi/<message id>/xac-nhan`` — what became of one: ``{"KetQua", "MaHoSo", "MaLyDo", "LyDo"}``.

The transport is a function (``..http``), so tests can send through the Django test client, a live server,
or straight to the in-process fake (``fake.FakeTransport``).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from ..http import HttpAnswer, HttpRequest, Transport, urllib_transport
from . import conf
from .errors import PortalError, PortalNotConfigured, PortalRejected, PortalUnavailable


@dataclass(frozen=True)
class PushReceipt:
    duplicate: bool
    receipt: str = ""


#: Answers that refuse an update for good (its content); any other 4xx is a problem of ours or of the link.
REJECTING = frozenset({400, 404, 410, 422})


def _error_of(answer: HttpAnswer) -> tuple[str, str]:
    try:
        payload = json.loads(answer.body.decode("utf-8"))
        error = payload.get("error") or {}
        return str(error.get("code") or ""), str(error.get("message") or "")
    except (UnicodeDecodeError, ValueError, AttributeError):
        return "", answer.body[:200].decode("utf-8", "replace")


class PortalClient:
    """The three calls of the protocol over a ``Transport``."""

    def __init__(self, *, url: str, token: str, client_id: str, timeout: float, transport: Transport) -> None:
        if not url:
            raise PortalNotConfigured()
        self.url = url.rstrip("/")
        self.token = token
        self.client_id = client_id
        self.timeout = timeout
        self.transport = transport

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {
            "Accept": "application/json",
            "Authorization": f"Bearer {self.token}",
            "X-Road-Client": quote(self.client_id, safe=" :/@.-_"),
            "X-Road-Id": uuid.uuid4().hex,
        }
        return {**headers, **(extra or {})}

    def _send(
        self, method: str, path: str, body: Any = None, extra: dict[str, str] | None = None
    ) -> HttpAnswer:
        data = None
        headers = self._headers(extra)
        if body is not None:
            data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            headers["Content-Type"] = "application/json; charset=utf-8"
        request = HttpRequest(method, f"{self.url}/{path}", headers, data, self.timeout)
        try:
            return self.transport(request)
        except TimeoutError as exc:
            raise PortalUnavailable(code="dvcqg_timeout") from exc
        except OSError as exc:
            raise PortalUnavailable(code="dvcqg_unreachable") from exc

    @staticmethod
    def _json(answer: HttpAnswer) -> dict[str, Any]:
        try:
            payload = json.loads(answer.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise PortalError(code="dvcqg_malformed_answer") from exc
        if not isinstance(payload, dict):
            raise PortalError(code="dvcqg_malformed_answer")
        return payload

    def _raise_for(self, answer: HttpAnswer) -> None:
        if 200 <= answer.status < 300:
            return
        code, message = _error_of(answer)
        detail = f"HTTP {answer.status} {code}: {message}".strip()
        if answer.status in REJECTING:
            raise PortalRejected(detail, code=f"dvcqg_rejected_{code}" if code else "dvcqg_rejected")
        if answer.status in (401, 403):
            raise PortalUnavailable(detail, code="dvcqg_unauthorised")
        if answer.status == 504:
            raise PortalUnavailable(detail, code="dvcqg_timeout")
        raise PortalUnavailable(detail, code="dvcqg_unavailable")

    def push(self, *, key: str, body: dict[str, Any]) -> PushReceipt:
        """Send one status update under its idempotency key."""
        answer = self._send("POST", "trang-thai", body, {"Idempotency-Key": key})
        if answer.status == 409:
            return PushReceipt(duplicate=True)
        self._raise_for(answer)
        payload = self._json(answer)
        state = payload.get("TrangThaiNhan")
        if state not in ("accepted", "duplicate"):
            raise PortalError(code="dvcqg_malformed_answer")
        return PushReceipt(duplicate=state == "duplicate", receipt=str(payload.get("MaBienNhan") or "")[:100])

    def pull(self, *, limit: int) -> list[Any]:
        """The envelopes of the submissions the portal has not had an acknowledgement for."""
        answer = self._send("GET", f"ho-so-moi?{urlencode({'gioi_han': limit})}")
        self._raise_for(answer)
        messages = self._json(answer).get("ThongDiep")
        if not isinstance(messages, list):
            raise PortalError(code="dvcqg_malformed_answer")
        return messages

    def acknowledge(
        self,
        *,
        message_id: str,
        outcome: str,
        dossier_code: str = "",
        reason_code: str = "",
        reason: str = "",
    ) -> None:
        body = {"KetQua": outcome, "MaHoSo": dossier_code, "MaLyDo": reason_code, "LyDo": reason[:500]}
        answer = self._send("POST", f"ho-so-moi/{quote(message_id, safe='')}/xac-nhan", body)
        self._raise_for(answer)


#: Tests may replace the http backend's transport (e.g. one that calls the Django test client).
_transport_override: dict[str, Transport | None] = {"value": None}


def portal_client() -> PortalClient:
    """The client for the configured backend: the in-process fake or the portal over HTTP."""
    backend = conf.backend()
    token = str(conf.setting("token") or "")
    client_id = str(conf.setting("client_id"))
    timeout = float(conf.setting("timeout"))
    if backend == "fake":
        from .fake import SANDBOX, FakeTransport

        return PortalClient(
            url=FakeTransport.BASE, token=token, client_id=client_id, timeout=timeout,
            transport=FakeTransport(SANDBOX),
        )  # fmt: skip
    if backend == "http":
        return PortalClient(
            url=str(conf.setting("url") or ""), token=token, client_id=client_id, timeout=timeout,
            transport=_transport_override["value"] or urllib_transport,
        )  # fmt: skip
    raise PortalNotConfigured()
