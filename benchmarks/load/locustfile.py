"""Locust users of the load benchmark: citizens browsing and applying, officers working their queues, and the
trivial ``/healthz`` as the baseline measured in the same run. Started by ``run.py`` (read its docstring);
everything it needs comes from the environment:

* ``MOTCUA_LOAD_FIXTURE``: the JSON ``seed.py --fixture`` wrote (accounts, procedures, codes to look up);
* ``MOTCUA_LOAD_STAGES`` (``20,50,100``), ``MOTCUA_LOAD_USER_RATE`` (requests a second per simulated user,
  1), ``MOTCUA_LOAD_WARMUP`` and ``MOTCUA_LOAD_DURATION`` (seconds of each stage before and during the
  measurement): the shape starts ``rate / user rate`` users for each stage;
* ``MOTCUA_LOAD_RESULTS``: where the raw latencies of each stage's measurement window are written (JSON).

Every task sends exactly one request and every user paces itself with ``constant_throughput``, so the
users × their rate is the offered load in requests per second (a closed loop: when the server is slower than
a user's interval, that user falls behind and the achieved rate is lower — the report shows both). Flows of
several requests (an application, a status look-up, a receipt) are queued per user and sent one request per
task. Requests are named by route, never by URL with ids, and each carries its class in the request context:
``read``, ``submission`` (a POST that changes data), ``signin`` (the password form, once per simulated user,
outside the goals) or ``baseline``.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import random
import re
import secrets
import time
from collections import defaultdict
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from locust import LoadTestShape, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.user.wait_time import constant_throughput

FIXTURE: dict[str, Any] = json.loads(Path(os.environ.get("MOTCUA_LOAD_FIXTURE", "fixture.json")).read_text())
STAGES = [float(r) for r in os.environ.get("MOTCUA_LOAD_STAGES", "20,50,100").split(",") if r.strip()]
USER_RATE = float(os.environ.get("MOTCUA_LOAD_USER_RATE", "1"))
WARMUP = float(os.environ.get("MOTCUA_LOAD_WARMUP", "30"))
DURATION = float(os.environ.get("MOTCUA_LOAD_DURATION", "60"))
RESULTS = os.environ.get("MOTCUA_LOAD_RESULTS", "")

READ, SUBMISSION, SIGNIN, BASELINE = "read", "submission", "signin", "baseline"
MAX_ERROR_SAMPLES = 30


def small_pdf() -> bytes:
    """A one-page PDF of about 500 bytes (the upload is checked by content)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF = small_pdf()


# -- the stages and what is measured in them ------------------------------------------------------------


class Stages(LoadTestShape):
    """One stage per rate: ``warm-up + duration`` seconds with ``rate / USER_RATE`` users."""

    def __init__(self) -> None:
        super().__init__()
        self.length = WARMUP + DURATION
        self.started_epoch: float | None = None
        RECORDER.shape = self

    def tick(self) -> tuple[int, float] | None:
        run_time = self.get_run_time()
        if self.started_epoch is None:
            self.started_epoch = time.time() - run_time
        index = int(run_time // self.length)
        if index >= len(STAGES):
            return None
        users = max(1, round(STAGES[index] / USER_RATE))
        return users, max(5.0, users / 5)  # every user of a stage started within its first ~5 seconds


class Recorder:
    """Latencies of the requests that end inside a stage's measurement window, by stage and request name."""

    def __init__(self) -> None:
        self.shape: Stages | None = None
        self.samples: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
        self.failures: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.kinds: dict[str, str] = {}
        self.errors: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.windows: dict[int, list[float]] = {}

    def stage_of(self, now: float) -> int | None:
        shape = self.shape
        if shape is None or shape.started_epoch is None:
            return None
        offset = now - shape.started_epoch
        index = int(offset // shape.length)
        if index >= len(STAGES) or offset - index * shape.length < WARMUP:
            return None
        start = shape.started_epoch + index * shape.length + WARMUP
        self.windows.setdefault(index, [start, start + DURATION])
        return index

    def record(self, name: str, kind: str, ms: float, failure: str | None) -> None:
        self.kinds.setdefault(name, kind)
        stage = self.stage_of(time.time())
        if stage is None:
            return
        self.samples[stage][name].append(ms)
        if failure is not None:
            self.failures[stage][name] += 1
            errors = self.errors[stage]
            key = f"{name}: {failure[:200]}"
            if key in errors or len(errors) < MAX_ERROR_SAMPLES:
                errors[key] += 1

    def dump(self, path: str) -> None:
        stages = []
        for index, rate in enumerate(STAGES):
            stages.append(
                {
                    "rate": rate,
                    "users": max(1, round(rate / USER_RATE)),
                    "window": self.windows.get(index),
                    "samples": dict(self.samples.get(index, {})),
                    "failures": dict(self.failures.get(index, {})),
                    "errors": dict(self.errors.get(index, {})),
                }
            )
        data = {
            "warmup": WARMUP, "duration": DURATION, "user_rate": USER_RATE, "kinds": self.kinds, "stages": stages,
        }  # fmt: skip
        Path(path).write_text(json.dumps(data))


RECORDER = Recorder()


@events.request.add_listener
def _on_request(
    name: str, response_time: float, exception: Any, context: dict[str, Any], **kwargs: Any
) -> None:
    failure = None if exception is None else f"{type(exception).__name__}: {exception}"
    RECORDER.record(name, context.get("kind", READ), response_time, failure)


@events.quitting.add_listener
def _on_quitting(**kwargs: Any) -> None:
    if RESULTS:
        RECORDER.dump(RESULTS)


# -- reading pages ----------------------------------------------------------------------------------------


class Forms(HTMLParser):
    """The forms of a page: action and fields (name, value, type, checked) — enough to post one back."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self._current: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._current = {"action": a.get("action", ""), "fields": []}
            self.forms.append(self._current)
        elif tag in ("input", "textarea", "select") and self._current is not None and a.get("name"):
            kind = a.get("type", "text" if tag != "select" else "select")
            self._current["fields"].append((a["name"], a.get("value", ""), kind, "checked" in a))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def form_posting_to(html: str, fragment: str) -> dict[str, Any] | None:
    parser = Forms()
    parser.feed(html)
    return next((f for f in parser.forms if fragment in f["action"]), None)


def multipart(fields: list[tuple[str, str]], files: list[tuple[str, str, bytes, str]]) -> tuple[bytes, str]:
    boundary = f"motcuaload{secrets.token_hex(8)}"
    parts = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, filename, content, content_type in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MY_DOSSIER = re.compile(r'href="/ho-so-cua-toi/(\d+)/"')
STAFF_DOSSIER = re.compile(r'href="/can-bo/ho-so/(\d+)/"')
DRAFT_COMPONENTS = re.compile(r"/ho-so-cua-toi/(\d+)/giay-to/")
VERSION_INPUT = re.compile(r'name="version" value="(\d+)"')
COMPONENT_INPUT = re.compile(r'name="component" value="(\d+)"')

#: Dossiers the simulated citizens submitted in this run, and those an officer user has taken (all users live
#: in this one process): the officer receives only the former, and no two officers take the same one. (The
#: seeded dossiers waiting at intake have no files: their right answer is a supplement request.)
SUBMITTED: set[int] = set()
CLAIMED: set[int] = set()


# -- the users ----------------------------------------------------------------------------------------------


class Base(FastHttpUser):
    abstract = True
    wait_time = constant_throughput(USER_RATE)
    network_timeout = 60.0
    connection_timeout = 10.0

    def on_start(self) -> None:
        self.rng = random.Random()
        self.queue: list[Callable[[], None]] = []  # the rest of a flow, one request per task

    @task
    def next_request(self) -> None:
        if self.queue:
            self.queue.pop(0)()
        else:
            self.choose()

    def choose(self) -> None:
        raise NotImplementedError

    def pick(self, weighted: list[tuple[float, Callable[[], None]]]) -> None:
        total = sum(w for w, _f in weighted)
        r = self.rng.random() * total
        for weight, action in weighted:
            r -= weight
            if r <= 0:
                action()
                return
        weighted[-1][1]()

    # one request -----------------------------------------------------------------------------------------

    def get(
        self,
        path: str,
        name: str,
        *,
        kind: str = READ,
        expect: int = 200,
        params: dict[str, str] | None = None,
    ) -> str:
        url = f"{path}?{urlencode(params)}" if params else path
        with self.client.get(
            url, name=name, allow_redirects=False, catch_response=True, context={"kind": kind}
        ) as r:
            if r.status_code != expect:
                r.failure(f"HTTP {r.status_code} (expected {expect})")
                return ""
            return r.text or ""

    def post(self, path: str, name: str, data: dict[str, Any] | list[tuple[str, str]], *, kind: str = SUBMISSION,
             expect: int = 302, check: Callable[[Any], str] | None = None) -> Any:  # fmt: skip
        fields = list(data.items()) if isinstance(data, dict) else list(data)
        body = urlencode(fields).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"{self.host}{path}"}
        return self._send(path, name, body, headers, kind, expect, check)

    def post_multipart(self, path: str, name: str, fields: list[tuple[str, str]],
                       files: list[tuple[str, str, bytes, str]], *, expect: int = 302) -> Any:  # fmt: skip
        body, content_type = multipart(fields, files)
        headers = {"Content-Type": content_type, "Referer": f"{self.host}{path}"}
        return self._send(path, name, body, headers, SUBMISSION, expect, None)

    def _send(self, path: str, name: str, body: bytes, headers: dict[str, str], kind: str, expect: int,
              check: Callable[[Any], str] | None) -> Any:  # fmt: skip
        with self.client.post(path, data=body, headers=headers, name=name, allow_redirects=False,
                              catch_response=True, context={"kind": kind}) as r:  # fmt: skip
            if r.status_code != expect:
                r.failure(f"HTTP {r.status_code} (expected {expect}): {(r.text or '')[:160]!r}")
                return None
            problem = check(r) if check else ""
            if problem:
                r.failure(problem)
                return None
            return r

    def csrf(self, html: str = "") -> str:
        for cookie in self.client.cookiejar:
            if cookie.name == "csrftoken":
                return str(cookie.value)
        found = CSRF_INPUT.search(html)
        return found.group(1) if found else ""

    def sign_in(self, username: str) -> None:
        page = self.get("/tai-khoan/dang-nhap/", "GET /tai-khoan/dang-nhap/", kind=SIGNIN)
        data = {
            "csrfmiddlewaretoken": self.csrf(page), "username": username, "password": FIXTURE["password"],
            "next": "",
        }  # fmt: skip
        self.post("/tai-khoan/dang-nhap/", "POST /tai-khoan/dang-nhap/", data, kind=SIGNIN,
                  check=lambda r: "" if "dang-nhap" not in r.headers.get("location", "") else "sign-in refused")  # fmt: skip

    # public pages ---------------------------------------------------------------------------------------

    def home(self) -> None:
        self.get("/", "GET /")

    def search(self, *, accented: bool) -> None:
        words = FIXTURE["searches"]["accented" if accented else "plain"]
        label = "diacritics" if accented else "no diacritics"
        self.get("/thu-tuc/", f"GET /thu-tuc/?q= ({label})", params={"q": self.rng.choice(words)})

    def procedure(self) -> None:
        self.get(f"/thu-tuc/{self.rng.choice(FIXTURE['procedures'])}/", "GET /thu-tuc/<code>/")

    def quality(self) -> None:
        self.get("/danh-gia-chat-luong/", "GET /danh-gia-chat-luong/")

    def lookup(self) -> None:
        code, secret = self.rng.choice(FIXTURE["lookups"])
        page = self.get("/tra-cuu-ho-so/", "GET /tra-cuu-ho-so/", params={"ma": code})

        def ask() -> None:
            data = {"csrfmiddlewaretoken": self.csrf(page), "ma": code, "so": secret}
            self.post("/tra-cuu-ho-so/", "POST /tra-cuu-ho-so/", data, kind=READ, expect=200,
                      check=lambda r: "" if code in (r.text or "") else "dossier not found")  # fmt: skip

        self.queue.append(ask)


class Anonymous(Base):
    """A visitor who is not signed in: the home page, the catalogue, the status look-up, the quality page."""

    weight = 40

    def choose(self) -> None:
        self.pick([
            (3, self.home), (2, lambda: self.search(accented=True)), (2, lambda: self.search(accented=False)),
            (3, self.procedure), (1.5, self.lookup), (1, self.quality),
        ])  # fmt: skip


class Citizen(Base):
    """A signed-in citizen (the demo citizens): their dossiers, one dossier, and now and then an online
    application of the simplest procedure with one small PDF, from the first step to the confirmation."""

    weight = 25
    numbers = itertools.count()

    def on_start(self) -> None:
        super().on_start()
        citizens = FIXTURE["citizens"]
        self.username = citizens[next(Citizen.numbers) % len(citizens)]
        self.dossiers: list[int] = []
        self.sign_in(self.username)

    def choose(self) -> None:
        self.pick([
            (3, self.my_dossiers), (3, self.my_dossier), (1, self.apply), (1, self.home), (1, self.procedure),
        ])  # fmt: skip

    def my_dossiers(self) -> None:
        tab = self.rng.choice(["", "", "dang-giai-quyet", "da-co-ket-qua"])
        html = self.get("/ho-so-cua-toi/", "GET /ho-so-cua-toi/", params={"loc": tab} if tab else None)
        found = [int(pk) for pk in MY_DOSSIER.findall(html)]
        if found and tab:  # not from the "all" tab: a draft's page sends the applicant back to its wizard
            self.dossiers = found

    def my_dossier(self) -> None:
        if not self.dossiers:
            html = self.get("/ho-so-cua-toi/", "GET /ho-so-cua-toi/", params={"loc": "dang-giai-quyet"})
            self.dossiers = [int(pk) for pk in MY_DOSSIER.findall(html)]
            return
        self.get(f"/ho-so-cua-toi/{self.rng.choice(self.dossiers)}/", "GET /ho-so-cua-toi/<pk>/")

    def apply(self) -> None:
        target = FIXTURE["apply"]
        code, point = target["code"], target["point"]
        start = f"/thu-tuc/{code}/nop-ho-so/"
        self.get(start, "GET /thu-tuc/<code>/nop-ho-so/")
        state: dict[str, Any] = {}

        def details() -> None:
            state["html"] = self.get(f"{start}thong-tin/", "GET /thu-tuc/<code>/nop-ho-so/thong-tin/",
                                     params={"receiving_point": point})  # fmt: skip

        def save() -> None:
            data = {
                "csrfmiddlewaretoken": self.csrf(state.get("html", "")), "receiving_point": point,
                "address": "Số 12 Lê Lợi, phường Hạc Thành", "request_text": "Đề nghị cung cấp thông tin (đo tải)",
            }  # fmt: skip
            r = self.post(f"{start}thong-tin/", "POST /thu-tuc/<code>/nop-ho-so/thong-tin/", data,
                          check=lambda r: "" if DRAFT_COMPONENTS.search(r.headers.get("location", "")) else "no draft")  # fmt: skip
            if r is None:
                self.queue.clear()
                return
            found = DRAFT_COMPONENTS.search(r.headers.get("location", ""))
            state["pk"] = int(found.group(1)) if found else 0

        def components() -> None:
            html = self.get(f"/ho-so-cua-toi/{state['pk']}/giay-to/", "GET /ho-so-cua-toi/<pk>/giay-to/")
            required = [
                COMPONENT_INPUT.search(block).group(1)  # type: ignore[union-attr]
                for block in html.split("data-component>")[1:]
                if "dos-badge-required" in block and COMPONENT_INPUT.search(block)
            ]
            if not required:
                self.queue.clear()
                return
            state["html"] = html
            state["required"] = required

        def upload() -> None:
            for component in state["required"]:
                self.post_multipart(
                    f"/ho-so-cua-toi/{state['pk']}/tai-len/", "POST /ho-so-cua-toi/<pk>/tai-len/",
                    [("csrfmiddlewaretoken", self.csrf(state["html"])), ("component", component)],
                    [("file", "don-de-nghi.pdf", PDF, "application/pdf")],
                )  # fmt: skip

        def review() -> None:
            state["html"] = self.get(
                f"/ho-so-cua-toi/{state['pk']}/kiem-tra/", "GET /ho-so-cua-toi/<pk>/kiem-tra/"
            )

        def submit() -> None:
            found = VERSION_INPUT.search(state.get("html", ""))
            data = {"csrfmiddlewaretoken": self.csrf(state["html"]), "version": found.group(1) if found else "0",
                    "declaration": "on"}  # fmt: skip
            r = self.post(f"/ho-so-cua-toi/{state['pk']}/kiem-tra/", "POST /ho-so-cua-toi/<pk>/kiem-tra/", data,
                          check=lambda r: "" if "/da-nop/" in r.headers.get("location", "") else "not submitted")  # fmt: skip
            if r is None:
                self.queue.clear()
                return
            SUBMITTED.add(state["pk"])

        def confirmation() -> None:
            self.get(f"/ho-so-cua-toi/{state['pk']}/da-nop/", "GET /ho-so-cua-toi/<pk>/da-nop/")

        self.queue.extend([details, save, components, upload, review, submit, confirmation])


#: Officers in the order simulated officers take them: the one-stop officer of the provincial centre (who
#: also receives the citizens' applications), the province administrator (every dossier), then the others.
OFFICER_ORDER = (
    "motcua.tinh", "quantri.tinh", "chuyenvien.tnmt", "motcua.hacthanh", "lanhdao.tnmt", "thanhtra",
    "truongphong.tnmt", "chuyenvien.thue", "lanhdao.hacthanh",
)  # fmt: skip
QUEUE_KEYS = ("intake", "mine", "due_soon", "overdue", "supplement", "inter_in", "inter_out", "result", "all")
#: The officer who receives and routes the online applications (the receiving point of ``FIXTURE["apply"]``).
RECEIVER = "motcua.tinh"


class Officer(Base):
    """A signed-in officer: the dashboard, queue tabs, filters and search, dossier pages; the one-stop officer
    of the provincial centre also receives and routes the dossiers the simulated citizens submit."""

    weight = 25
    numbers = itertools.count()

    def on_start(self) -> None:
        super().on_start()
        names = [n for n in OFFICER_ORDER if n in FIXTURE["officers"]]
        self.username = names[next(Officer.numbers) % len(names)]
        self.procedures = FIXTURE["officers"][self.username]["procedures"]
        self.dossiers: list[int] = []
        self.sign_in(self.username)

    def choose(self) -> None:
        actions: list[tuple[float, Callable[[], None]]] = [
            (2, self.dashboard), (2, self.my_queue), (3, self.queue_tab), (2, self.filtered), (3, self.dossier),
        ]  # fmt: skip
        if self.username == RECEIVER:
            actions.append((2, self.receive))
        self.pick(actions)

    def remember(self, html: str) -> None:
        found = [int(pk) for pk in STAFF_DOSSIER.findall(html)]
        if found:
            self.dossiers = found

    def dashboard(self) -> None:
        self.get("/can-bo/", "GET /can-bo/")

    def my_queue(self) -> None:
        self.remember(self.get("/can-bo/ho-so/", "GET /can-bo/ho-so/"))

    def queue_tab(self) -> None:
        key = self.rng.choice(QUEUE_KEYS)
        self.remember(self.get("/can-bo/ho-so/", f"GET /can-bo/ho-so/?queue={key}", params={"queue": key}))

    def filtered(self) -> None:
        kind = self.rng.choice(["q", "procedure", "status", "page"])
        params = {"queue": "all"}
        if kind == "q":
            params["q"] = self.rng.choice(FIXTURE["staff_searches"])
        elif kind == "procedure" and self.procedures:
            params["procedure"] = self.rng.choice(self.procedures)
        elif kind == "status":
            params["status"] = self.rng.choice(
                ["processing", "returned", "awaiting_supplement", "result_ready"]
            )
        else:
            kind, params["page"] = "page", str(self.rng.randint(2, 20))
        self.remember(self.get("/can-bo/ho-so/", f"GET /can-bo/ho-so/?queue=all&{kind}=", params=params))

    def dossier(self) -> None:
        if not self.dossiers:
            self.queue_tab()
            return
        self.get(f"/can-bo/ho-so/{self.rng.choice(self.dossiers)}/", "GET /can-bo/ho-so/<pk>/")

    def receive(self) -> None:
        """Receive one of the simulated citizens' applications waiting at the centre, then route it to the
        resolving unit — or, with none waiting that no other simulated officer has taken, only read the tab."""
        params = {"queue": "intake", "procedure": FIXTURE["apply"]["code"]}  # what the citizens apply for
        html = self.get("/can-bo/ho-so/", "GET /can-bo/ho-so/?queue=intake&procedure=", params=params)
        # The tab is read as the officer would; the dossier is taken from this run's applications even when
        # older ones (left waiting by earlier runs, oldest first) fill the tab's first page.
        waiting = sorted(SUBMITTED - CLAIMED) if html else []
        if not waiting:
            return
        pk = self.rng.choice(waiting)
        CLAIMED.add(pk)
        page = f"/can-bo/ho-so/{pk}/"
        state: dict[str, str] = {}

        def read() -> None:
            state["html"] = self.get(page, "GET /can-bo/ho-so/<pk>/")

        def act(fragment: str, name: str, check_all: bool) -> Callable[[], None]:
            def run() -> None:
                form = form_posting_to(state.get("html", ""), fragment)
                if form is None:  # someone else moved it on (the seeded dossiers are shared): nothing to do
                    self.queue.clear()
                    return
                fields = [(n, v) for n, v, kind, checked in form["fields"]
                          if kind == "hidden" or (kind == "checkbox" and (check_all or checked))]  # fmt: skip
                if not any(n == "csrfmiddlewaretoken" for n, _v in fields):
                    fields.append(("csrfmiddlewaretoken", self.csrf(state["html"])))
                if self.post(f"{page}{fragment}/", name, fields) is None:
                    self.queue.clear()

            return run

        self.queue.extend([
            read, act("tiep-nhan", "POST /can-bo/ho-so/<pk>/tiep-nhan/", True), read,
            act("chuyen-xu-ly", "POST /can-bo/ho-so/<pk>/chuyen-xu-ly/", False), read,
        ])  # fmt: skip


class Health(Base):
    """The baseline: ``GET /healthz`` (process up, no database, no template) on the same server, same pace."""

    weight = 10

    def choose(self) -> None:
        self.get("/healthz", "GET /healthz", kind=BASELINE)
