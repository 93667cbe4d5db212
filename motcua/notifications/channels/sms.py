"""The SMS adapter and its backends.

``MOTCUA_SMS_BACKEND`` names the class (dotted path):

- ``FileSmsBackend`` (default; dev, demo, tests): appends one JSON line per message to
  ``MOTCUA_SMS_FILE_DIR/sms-YYYY-MM-DD.jsonl`` — the local fake of the gateway, readable by people and tests.
- ``LocmemSmsBackend``: keeps messages in ``motcua.notifications.channels.sms.outbox`` (like Django's
  locmem email backend), for other apps' tests.
- ``ConsoleSmsBackend``: logs the message; the phone number is masked (all but the last three digits).
- ``HttpSmsBackend``: a brandname-SMS gateway. POSTs ``{"phone": "+84…", "message": "…", "brandname": "…",
  "reference": "…"}`` as JSON to ``MOTCUA_SMS_HTTP_URL`` (``Authorization: Bearer MOTCUA_SMS_HTTP_TOKEN`` when
  set), waits at most ``MOTCUA_SMS_HTTP_TIMEOUT`` seconds, and expects a 2xx answer whose JSON body carries
  the gateway's message id as ``id`` or ``message_id``. Anything else is a failure, retried later.

Every backend raises ``ChannelError`` on failure, with a text free of the phone number.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import import_string

from ..conf import setting
from ..text import mask_phone
from .base import ChannelError

logger = logging.getLogger("motcua.notifications.sms")


class SmsBackend:
    """One SMS out. ``send`` returns the gateway's message id or raises ``ChannelError``."""

    def send(self, *, phone: str, message: str, reference: str) -> str:
        raise NotImplementedError


outbox: list[dict[str, str]] = []


class LocmemSmsBackend(SmsBackend):
    def send(self, *, phone: str, message: str, reference: str) -> str:
        message_id = f"locmem-{len(outbox) + 1}"
        outbox.append({"id": message_id, "phone": phone, "message": message, "reference": reference})
        return message_id


class ConsoleSmsBackend(SmsBackend):
    def send(self, *, phone: str, message: str, reference: str) -> str:
        message_id = f"console-{uuid.uuid4().hex[:16]}"
        logger.info("SMS %s to %s (%s): %s", message_id, mask_phone(phone), reference, message)
        return message_id


class FileSmsBackend(SmsBackend):
    _lock = threading.Lock()

    def __init__(self, directory: str | Path | None = None) -> None:
        raw = Path(directory or setting("MOTCUA_SMS_FILE_DIR"))
        self.directory = raw if raw.is_absolute() else Path(settings.BASE_DIR) / raw

    def path_for_today(self) -> Path:
        return self.directory / f"sms-{timezone.localdate().isoformat()}.jsonl"

    def send(self, *, phone: str, message: str, reference: str) -> str:
        message_id = f"file-{uuid.uuid4().hex[:16]}"
        line = {
            "id": message_id,
            "at": timezone.now().isoformat(timespec="seconds"),
            "phone": phone,
            "message": message,
            "brandname": setting("MOTCUA_SMS_BRANDNAME"),
            "reference": reference,
        }
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            with self._lock, self.path_for_today().open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(line, ensure_ascii=False) + "\n")
        except OSError as exc:
            raise ChannelError(
                f"cannot write the SMS file: {exc.strerror or exc.__class__.__name__}"
            ) from exc
        logger.info("SMS %s to %s written to %s", message_id, mask_phone(phone), self.directory)
        return message_id


class HttpSmsBackend(SmsBackend):
    def __init__(
        self,
        url: str | None = None,
        *,
        token: str | None = None,
        timeout: float | None = None,
        brandname: str | None = None,
    ) -> None:
        self.url = url if url is not None else str(setting("MOTCUA_SMS_HTTP_URL"))
        self.token = token if token is not None else str(setting("MOTCUA_SMS_HTTP_TOKEN"))
        self.timeout = float(timeout if timeout is not None else setting("MOTCUA_SMS_HTTP_TIMEOUT"))
        self.brandname = brandname if brandname is not None else str(setting("MOTCUA_SMS_BRANDNAME"))
        if not self.url.startswith(("http://", "https://")):
            raise ImproperlyConfigured("MOTCUA_SMS_HTTP_URL must be an http:// or https:// URL.")

    def send(self, *, phone: str, message: str, reference: str) -> str:
        payload = {"phone": phone, "message": message, "brandname": self.brandname, "reference": reference}
        headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __init__
            self.url, data=json.dumps(payload).encode("utf-8"), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                status = response.status
                raw = response.read(64 * 1024)
        except urllib.error.HTTPError as exc:
            raise ChannelError(f"SMS gateway answered HTTP {exc.code}") from None
        except TimeoutError:
            raise ChannelError(f"SMS gateway did not answer within {self.timeout:g} s") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError):
                raise ChannelError(f"SMS gateway did not answer within {self.timeout:g} s") from None
            raise ChannelError(f"SMS gateway unreachable: {reason.__class__.__name__}") from None
        if not 200 <= status < 300:
            raise ChannelError(f"SMS gateway answered HTTP {status}")
        message_id = _message_id(raw)
        logger.info("SMS %s to %s accepted by the gateway", message_id, mask_phone(phone))
        return message_id


def _message_id(raw: bytes) -> str:
    try:
        data: Any = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ChannelError("SMS gateway answered with something that is not JSON") from None
    if not isinstance(data, dict):
        raise ChannelError("SMS gateway answered with unexpected JSON")
    if data.get("error") or data.get("status") in ("error", "failed"):
        raise ChannelError(
            f"SMS gateway refused the message: {str(data.get('error') or data.get('status'))[:100]}"
        )
    message_id = data.get("id") or data.get("message_id")
    if not message_id:
        raise ChannelError("SMS gateway answer has no message id")
    return str(message_id)[:200]


def get_sms_backend() -> SmsBackend:
    path = str(setting("MOTCUA_SMS_BACKEND"))
    try:
        backend_class = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"MOTCUA_SMS_BACKEND {path!r} cannot be imported") from exc
    backend = backend_class()
    if not isinstance(backend, SmsBackend):
        raise ImproperlyConfigured(f"MOTCUA_SMS_BACKEND {path!r} is not an SmsBackend")
    return backend
