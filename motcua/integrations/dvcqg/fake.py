"""The fake national portal (dev, demo and tests only): the protocol of ``client.py``, in memory.

One ``FakePortal`` answers requests as ``(method, path, headers, body)``. It is used in process (the
``fake`` backend, through ``FakeTransport``) and over HTTP (``/sandbox/dvcqg/``, ``sandbox.py``); both use
the module's ``SANDBOX`` instance, so a test drives the same fake whichever way the client reaches it.

What it does, like the real portal is expected to:

* keeps each status update once per ``Idempotency-Key`` (a resend is answered ``duplicate``; the same key
  with another body is refused), and records each dossier's status codes in the order they arrived — with
  any update that arrived after a later one of the same dossier (``out_of_order``);
* offers the submissions filed on it (``submit``) until they are acknowledged, signing each envelope
  when it serves it (HMAC-SHA256 with ``MOTCUA_DVCQG["secret"]``);
* requires ``Authorization: Bearer …`` (the configured token, when one is set), ``X-Road-Client`` and
  ``X-Road-Id``.

Failures on demand — ``plan(endpoint, *behaviours)`` queues what the next requests to ``trang-thai``,
``ho-so-moi`` or ``xac-nhan`` meet, one behaviour per request, then normal service again:

==============  =============================================================================
behaviour       answer
==============  =============================================================================
ok              normal service
server_error    503, nothing recorded (the portal is down)
timeout         no answer (in process: ``TimeoutError`` at once; over HTTP the sandbox waits
                ``MOTCUA_DVCQG_SANDBOX_DELAY`` seconds, default 10, then answers 504); nothing recorded
lost_answer     the update *is* recorded, then no answer (the resend will be a duplicate)
reject          422 ``{"error": {"code": "invalid_update"}}``
malformed       200 with a body that is not JSON
==============  =============================================================================

``reject_dossier(code)`` refuses every update of one dossier (422 ``dossier_unknown``);
``submit(content, copies=2)`` files the same dossier under two message ids; ``submit(…, tamper=
"unsigned" | "bad_signature" | "stale")`` serves it without a signature, with a wrong one, or signed an hour
ago; ``redeliver(message_id)`` offers an acknowledged message again. Over HTTP the same controls are
``POST /sandbox/dvcqg/_dieu-khien`` with ``{"lenh": …}`` (see ``control``), and ``GET`` shows the state.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from collections import Counter, OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.utils import timezone

from ..http import HttpAnswer, HttpRequest
from . import conf
from .codes import PortalStatus
from .signing import sign

ENDPOINTS = ("trang-thai", "ho-so-moi", "xac-nhan")
BEHAVIOURS = ("ok", "server_error", "timeout", "lost_answer", "reject", "malformed")
TAMPERING = ("unsigned", "bad_signature", "stale")


@dataclass
class FakeAnswer:
    status: int
    body: bytes
    #: No answer within the client's timeout (the request may or may not have been recorded).
    timeout: bool = False

    @classmethod
    def json(cls, status: int, payload: Any) -> FakeAnswer:
        return cls(status, json.dumps(payload, ensure_ascii=False).encode("utf-8"))


def _error(status: int, code: str, message: str) -> FakeAnswer:
    return FakeAnswer.json(status, {"error": {"code": code, "message": message}})


@dataclass
class FakeMessage:
    message_id: str
    content: str
    tamper: str | None = None


@dataclass
class FakeState:
    updates: dict[str, dict[str, Any]] = field(default_factory=dict)  # key → body, each key once
    arrivals: list[str] = field(default_factory=list)  # keys in the order they were recorded
    timeline: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # MaHoSo → [(ThuTu, code)]
    out_of_order: list[str] = field(default_factory=list)
    push_requests: Counter[str] = field(default_factory=Counter)  # key → requests that reached the portal
    plans: dict[str, deque[str]] = field(default_factory=lambda: {e: deque() for e in ENDPOINTS})
    rejected_dossiers: set[str] = field(default_factory=set)
    inbox: OrderedDict[str, FakeMessage] = field(default_factory=OrderedDict)
    served: dict[str, FakeMessage] = field(default_factory=dict)
    acks: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[tuple[str, str, str]] = field(default_factory=list)  # (endpoint, behaviour, key/id)


class FakePortal:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.state = FakeState()

    # -- controls (in process) ---------------------------------------------------------------------------

    def reset(self) -> None:
        with self._lock:
            self.state = FakeState()

    def plan(self, endpoint: str, *behaviours: str) -> None:
        if endpoint not in ENDPOINTS or any(b not in BEHAVIOURS for b in behaviours):
            raise ValueError(f"unknown endpoint or behaviour: {endpoint} {behaviours}")
        with self._lock:
            self.state.plans[endpoint].extend(behaviours)

    def reject_dossier(self, code: str) -> None:
        with self._lock:
            self.state.rejected_dossiers.add(code)

    def submit(
        self, content: dict[str, Any] | str, *, copies: int = 1, tamper: str | None = None
    ) -> list[str]:
        """File a dossier on the portal: ``copies`` messages with the same content (a duplicate)."""
        if tamper is not None and tamper not in TAMPERING:
            raise ValueError(f"unknown tampering {tamper}")
        text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
        ids = []
        with self._lock:
            for _i in range(max(1, copies)):
                message_id = uuid.uuid4().hex
                self.state.inbox[message_id] = FakeMessage(message_id, text, tamper)
                ids.append(message_id)
        return ids

    def redeliver(self, message_id: str) -> None:
        with self._lock:
            message = self.state.served[message_id]
            self.state.inbox[message_id] = message

    # -- what it holds (for tests and the control endpoint) ------------------------------------------------

    def statuses(self, dossier_code: str) -> list[int]:
        with self._lock:
            return [code for _seq, code in self.state.timeline.get(dossier_code, [])]

    def sequence(self, dossier_code: str) -> list[int]:
        with self._lock:
            return [seq for seq, _code in self.state.timeline.get(dossier_code, [])]

    def delivered_keys(self) -> list[str]:
        with self._lock:
            return list(self.state.arrivals)

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            s = self.state
            return {
                "cap_nhat": len(s.updates),
                "thu_tu_nhan": list(s.arrivals),
                "trang_thai": {k: [c for _q, c in v] for k, v in s.timeline.items()},
                "sai_thu_tu": list(s.out_of_order),
                "so_lan_gui": dict(s.push_requests),
                "cho_nhan": list(s.inbox),
                "xac_nhan": dict(s.acks),
            }

    # -- the protocol ----------------------------------------------------------------------------------------

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes | None) -> FakeAnswer:
        """Answer one request; ``path`` is relative to the portal's base (``trang-thai``, ``ho-so-moi?…``)."""
        parts = urlsplit(path)
        route = parts.path.strip("/")
        if route == "_dieu-khien":
            return self._control_request(method, body)
        lower = {k.lower(): v for k, v in headers.items()}
        if not lower.get("authorization", "").startswith("Bearer "):
            return _error(401, "unauthorised", "Thiếu thông tin xác thực.")
        token = str(conf.setting("token") or "")
        if token and lower["authorization"][len("Bearer ") :] != token:
            return _error(401, "unauthorised", "Thông tin xác thực không đúng.")
        if not lower.get("x-road-client") or not lower.get("x-road-id"):
            return _error(400, "missing_xroad_headers", "Thiếu tiêu đề X-Road-Client hoặc X-Road-Id.")
        if route == "trang-thai" and method == "POST":
            return self._push(lower.get("idempotency-key", ""), body)
        if route == "ho-so-moi" and method == "GET":
            limit = parse_qs(parts.query).get("gioi_han", ["50"])[0]
            return self._pull(int(limit) if limit.isdigit() else 50)
        segments = route.split("/")
        if (
            len(segments) == 3
            and segments[0] == "ho-so-moi"
            and segments[2] == "xac-nhan"
            and method == "POST"
        ):
            return self._ack(unquote(segments[1]), body)
        return _error(404, "not_found", "Không có dịch vụ này.")

    def _next(self, endpoint: str, key: str) -> str:
        plan = self.state.plans[endpoint]
        behaviour = plan.popleft() if plan else "ok"
        self.state.requests.append((endpoint, behaviour, key))
        return behaviour

    @staticmethod
    def _failure(behaviour: str) -> FakeAnswer | None:
        if behaviour == "server_error":
            return _error(503, "unavailable", "Hệ thống đang bảo trì.")
        if behaviour == "timeout":
            return FakeAnswer(504, b"", timeout=True)
        if behaviour == "reject":
            return _error(422, "invalid_update", "Cập nhật không hợp lệ.")
        if behaviour == "malformed":
            return FakeAnswer(200, b"<html>Service Unavailable</html>")
        return None

    def _push(self, key: str, body: bytes | None) -> FakeAnswer:
        with self._lock:
            behaviour = self._next("trang-thai", key)
            failure = self._failure(behaviour)
            if failure is not None:
                return failure
            if not key:
                return _error(400, "idempotency_key_required", "Thiếu tiêu đề Idempotency-Key.")
            try:
                update = json.loads((body or b"").decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                return _error(400, "malformed_json", "Nội dung không phải JSON.")
            problem = _check_update(update)
            if problem:
                return _error(422, "invalid_update", problem)
            self.state.push_requests[key] += 1
            if update["MaHoSo"] in self.state.rejected_dossiers:
                return _error(422, "dossier_unknown", "Cổng không nhận cập nhật của hồ sơ này.")
            known = self.state.updates.get(key)
            if known is not None:
                if known != update:
                    return _error(422, "idempotency_key_reused", "Khóa đồng bộ đã dùng cho nội dung khác.")
                answer = FakeAnswer.json(200, {"TrangThaiNhan": "duplicate", "MaDongBo": key})
            else:
                self.state.updates[key] = update
                self.state.arrivals.append(key)
                timeline = self.state.timeline.setdefault(update["MaHoSo"], [])
                if timeline and timeline[-1][0] > update["ThuTu"]:
                    self.state.out_of_order.append(key)
                timeline.append((update["ThuTu"], update["TrangThaiHoSo"]))
                receipt = f"BN-{len(self.state.arrivals):06d}"
                answer = FakeAnswer.json(
                    200, {"TrangThaiNhan": "accepted", "MaDongBo": key, "MaBienNhan": receipt}
                )
            if behaviour == "lost_answer":
                return FakeAnswer(504, b"", timeout=True)
            return answer

    def _pull(self, limit: int) -> FakeAnswer:
        with self._lock:
            behaviour = self._next("ho-so-moi", "")
            failure = self._failure(behaviour if behaviour != "lost_answer" else "timeout")
            if failure is not None:
                return failure
            secret = conf.secret()
            envelopes = []
            for message in list(self.state.inbox.values())[: max(1, limit)]:
                signed_at = timezone.now() - (
                    dt.timedelta(hours=1) if message.tamper == "stale" else dt.timedelta()
                )
                timestamp = timezone.localtime(signed_at).isoformat(timespec="seconds")
                envelope: dict[str, Any] = {
                    "MaThongDiep": message.message_id,
                    "ThoiDiemKy": timestamp,
                    "NoiDung": message.content,
                }
                if message.tamper != "unsigned":
                    key = "not-the-shared-secret" if message.tamper == "bad_signature" else secret
                    envelope["ChuKy"] = sign(key, message.message_id, timestamp, message.content)
                envelopes.append(envelope)
                self.state.served[message.message_id] = message
            return FakeAnswer.json(200, {"ThongDiep": envelopes})

    def _ack(self, message_id: str, body: bytes | None) -> FakeAnswer:
        with self._lock:
            behaviour = self._next("xac-nhan", message_id)
            failure = self._failure(behaviour)
            if failure is not None:
                return failure
            if message_id not in self.state.served:
                return _error(404, "message_unknown", "Không có thông điệp này.")
            try:
                result = json.loads((body or b"").decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                return _error(400, "malformed_json", "Nội dung không phải JSON.")
            self.state.acks[message_id] = result
            self.state.inbox.pop(message_id, None)
            if behaviour == "lost_answer":
                return FakeAnswer(504, b"", timeout=True)
            return FakeAnswer.json(200, {"ok": True})

    # -- the control endpoint (sandbox only) ---------------------------------------------------------------

    def _control_request(self, method: str, body: bytes | None) -> FakeAnswer:
        if method == "GET":
            return FakeAnswer.json(200, self.snapshot())
        try:
            command = json.loads((body or b"").decode("utf-8"))
            return FakeAnswer.json(200, self.control(command))
        except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
            return _error(400, "bad_command", str(exc))

    def control(self, command: dict[str, Any]) -> dict[str, Any]:
        """``{"lenh": "reset" | "plan" | "reject_dossier" | "submit" | "redeliver", …}``."""
        verb = command["lenh"]
        if verb == "reset":
            self.reset()
            return {"ok": True}
        if verb == "plan":
            self.plan(command["dau_moi"], *command["hanh_vi"])
            return {"ok": True}
        if verb == "reject_dossier":
            self.reject_dossier(command["ma_ho_so"])
            return {"ok": True}
        if verb == "submit":
            ids = self.submit(
                command["noi_dung"], copies=int(command.get("ban_sao", 1)), tamper=command.get("gia_mao")
            )
            return {"ma_thong_diep": ids}
        if verb == "redeliver":
            self.redeliver(command["ma_thong_diep"])
            return {"ok": True}
        raise ValueError(f"unknown command {verb!r}")


def _check_update(update: Any) -> str:
    """What is wrong with a status update's body ("" when nothing)."""
    if not isinstance(update, dict):
        return "Nội dung phải là một đối tượng JSON."
    for name in ("MaHoSo", "MaTTHC", "ThoiDiem", "LoaiCapNhat"):
        if not isinstance(update.get(name), str) or not update[name]:
            return f"Thiếu trường {name}."
    for name in ("TrangThaiHoSo", "ThuTu", "KenhThucHien"):
        if isinstance(update.get(name), bool) or not isinstance(update.get(name), int):
            return f"Trường {name} phải là số nguyên."
    if update["TrangThaiHoSo"] not in {s.value for s in PortalStatus}:
        return "Mã trạng thái không có trong bảng mã."
    return ""


class FakeTransport:
    """The in-process backend: hands each request to a ``FakePortal`` (a missing answer is a timeout)."""

    BASE = "fake://dvcqg"

    def __init__(self, portal: FakePortal) -> None:
        self.portal = portal

    def __call__(self, request: HttpRequest) -> HttpAnswer:
        path = (
            request.url[len(self.BASE) :] if request.url.startswith(self.BASE) else urlsplit(request.url).path
        )
        answer = self.portal.handle(request.method, path, request.headers, request.body)
        if answer.timeout:
            raise TimeoutError("the fake portal did not answer in time")
        return HttpAnswer(answer.status, answer.body, {"Content-Type": "application/json"})


#: The fake every backend and the sandbox share (one per process).
SANDBOX = FakePortal()
