"""One request of the matrix and what it tells: the outcome's category, whether a denial was logged, and
enough of the response to compare "exists but not yours" with "does not exist".

Each request runs in a savepoint that is rolled back, so a POST that goes through changes nothing for the
next one; the client's cookies are put back too (a POST to the sign-out URL must not sign the role out), and
the cache is emptied first (the rate limits would otherwise answer 429 to the thousandth request).
"""

from __future__ import annotations

import copy
import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.contrib.messages import constants as message_levels
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client

LOGIN_PATHS = ("/tai-khoan/dang-nhap/", "/quan-tri/login/")
TITLE = re.compile(r"<title>(.*?)</title>", re.S)
NUMBERS = re.compile(r"\d+")


class _Rollback(Exception):
    pass


#: What a refused request must not write, one count each (read in one query before and after): the audit
#: chain (but its "access denied" rows and the reads of a dossier its viewer is shown), dossier events,
#: component files, the access ledger (a read of someone's data; showing a dossier to who may see it is
#: logged as "dossier_read" and is not a write of the request's doing), stored documents, notifications,
#: results, payment transactions.
WATCHED: dict[str, str] = {
    "audit": "SELECT COUNT(*) FROM core_auditevent "
    "WHERE action NOT IN ('access.denied', 'personal_data.dossier_read')",
    "dossier events": "SELECT COUNT(*) FROM dossiers_dossierevent",
    "component files": "SELECT COUNT(*) FROM dossiers_dossiercomponent WHERE file <> ''",
    "access ledger": "SELECT COUNT(*) FROM wallet_accessentry WHERE kind <> 'dossier_read'",
    "data store": "SELECT COUNT(*) FROM wallet_storeddocument",
    "notifications": "SELECT COUNT(*) FROM notifications_notification",
    "results": "SELECT COUNT(*) FROM results_issuedresult",
    "payments": "SELECT COUNT(*) FROM payments_paymenttransaction",
}
_COUNTS_SQL = "SELECT " + ", ".join(f"({sql})" for sql in WATCHED.values())


def _counts() -> tuple[int, ...]:
    with connection.cursor() as cursor:
        cursor.execute(_COUNTS_SQL)
        return tuple(cursor.fetchone())


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class Probe:
    method: str
    url: str
    status: int
    category: str  # ok | login | denied | refused | invalid | error
    body: str = ""
    title: str = ""
    templates: tuple[str, ...] = ()
    json_shape: tuple[Any, ...] = ()
    location: str = ""
    logged: list[str] = field(default_factory=list)
    error: str = ""
    changed: tuple[str, ...] = ()  # the tables the request wrote to (of ``WATCHED``)

    def shape(self) -> tuple[Any, ...]:
        """What must be equal between a denial on an existing object and on a missing one."""
        where = urlsplit(self.location).path if self.category == "login" else NUMBERS.sub("#", self.location)
        return (self.status, self.title, self.templates, self.json_shape, where)

    def describe(self) -> str:
        text = f"{self.method} {self.url} → {self.status} ({self.category})"
        if self.location:
            text += f" → {self.location}"
        if self.json_shape:
            text += f" {self.json_shape}"
        if self.changed:
            text += f" [wrote: {', '.join(self.changed)}]"
        if self.error:
            text += f" !! {self.error}"
        return text


def _messages(response: Any) -> list[int]:
    storage = getattr(getattr(response, "wsgi_request", None), "_messages", None)
    if storage is None:
        return []
    queued = getattr(storage, "_queued_messages", [])
    return [m.level for m in queued]


def _categorise(method: str, status: int, location: str, levels: list[int]) -> str:
    if status >= 500:
        return "error"
    if status in (401, 403, 404, 405):
        return "denied"
    if 300 <= status < 400:
        if urlsplit(location).path in LOGIN_PATHS:
            return "login"
        if levels and all(level >= message_levels.ERROR for level in levels):
            return "refused"  # back where it came from, with only an error message
        return "ok"
    if 200 <= status < 300:
        return "ok"
    return "invalid"  # 400, 409, 413, 415, 422, 429: a form or a rule answered


def send(
    client: Client, method: str, url: str, *, body: Any = None, files: dict[str, Any] | None = None
) -> Probe:
    """Send one request in a rolled-back savepoint; never raises (a view's exception is an ``error``)."""
    collect = _Collect()
    root = logging.getLogger()
    root.addHandler(collect)
    cookies = copy.deepcopy(client.cookies)
    cache.clear()  # rate limits count per client address: every request is the first
    response: Any = None
    error = ""
    changed: tuple[str, ...] = ()
    try:
        with transaction.atomic():
            before = _counts()
            if method == "GET":
                response = client.get(url)
            elif files is not None:
                response = client.post(url, {**(body or {}), **files})
            elif body is None:
                response = client.generic(method, url)
            elif isinstance(body, dict) and body.get("__form__"):
                data = {k: v for k, v in body.items() if k != "__form__"}
                response = client.generic(method, url) if not data else client.post(url, data)
            else:
                response = client.generic(method, url, json.dumps(body), content_type="application/json")
            after = _counts()
            changed = tuple(name for name, b, a in zip(WATCHED, before, after, strict=True) if a != b)
            raise _Rollback
    except _Rollback:
        pass
    except Exception as exc:  # the view failed: a 500 for the user
        error = f"{type(exc).__name__}: {exc}"[:300]
    finally:
        root.removeHandler(collect)
        client.cookies = cookies
    logged = [f"{r.name}: {r.getMessage()}"[:200] for r in collect.records]
    if response is None:
        return Probe(method, url, 500, "error", logged=logged, error=error)
    status = response.status_code
    location = response.get("Location", "") if 300 <= status < 400 else ""
    body_text = ""
    if getattr(response, "streaming", False):
        # Read to the end: the test client's wrapper then closes the response without closing the database
        # connection (``response.close()`` alone would, on PostgreSQL, in the middle of the module's transaction).
        for _chunk in response.streaming_content:
            pass
    else:
        body_text = response.content.decode("utf-8", "replace")
    shape: tuple[Any, ...] = ()
    if str(response.get("Content-Type", "")).startswith("application/json") and body_text:
        try:
            data = json.loads(body_text)
        except ValueError:
            data = None
        if isinstance(data, dict):
            shape = (tuple(sorted(data)), data.get("code"))
    title_match = TITLE.search(body_text)
    templates = tuple(t.name for t in (getattr(response, "templates", None) or []) if t.name)
    return Probe(
        method=method,
        url=url,
        status=status,
        category=_categorise(method, status, location, _messages(response)),
        body=body_text,
        title=" ".join(title_match.group(1).split()) if title_match else "",
        templates=templates,
        json_shape=shape,
        location=location,
        logged=logged,
        error=error,
        changed=changed,
    )
