"""Dossier lifecycle over HTTP under gunicorn + PostgreSQL, against a trivial authenticated GET of the same
server in the same run, and the queries each action costs with a short and a long history.

    .venv/bin/python benchmarks/lifecycle.py [--dossiers 100] [--concurrency 2] [--baseline 400]
    DATABASE_URL=postgres://user:pw@host:5432/motcua_bench .venv/bin/python benchmarks/lifecycle.py

What it does, in one run:

1. Creates a throwaway PostgreSQL database (default ``postgres://postgres@127.0.0.1:5432/motcua_bench``,
   or ``DATABASE_URL`` / ``--database-url``; it must not exist yet unless ``--replace``), migrates it, loads
   the demo data (``seed_demo``) and publishes, through the catalogue services, a benchmark procedure of
   Sở Nông nghiệp và Môi trường (H56.19) with an inter-agency step at Thuế tỉnh (H56.52):
   TN (intake, H56.40) → XL → TD → LT (inter-agency) → PD (division head) → KY (leader) → TKQ → END.
2. Starts gunicorn from the venv on 127.0.0.1 (a free port, 2 sync workers, ``config.settings.dev`` with
   ``DEBUG=false`` and ``ALLOWED_HOSTS=127.0.0.1``). Each user gets a session created directly in the
   database (``django.contrib.sessions``); requests carry its ``sessionid`` and a ``csrftoken`` cookie with
   the matching ``X-CSRFToken`` header (the API's session auth checks CSRF).
3. Drives ``--dossiers`` dossiers through ``/api/v1/dossiers`` with ``--concurrency`` client threads on
   loopback, each request as the right user: create draft (citizen) → upload 2 components (PDF) →
   submit → receive (one-stop officer, ticking the components) → route → forward (specialist) → hand over
   to the tax unit (specialist) → hand back (tax specialist) → forward (division head) → decide
   (leader) → return (officer): 12 requests per dossier, each with the ``expected_version`` just read (an
   action answers the compact state, ``DossierActionOut``, with the new ``version``).
4. Baseline, on the same server: ``GET /api/v1/dossiers?page=1`` as a citizen with no dossiers (session
   and user lookup, an empty page: the cheapest authenticated API call there is), ``--baseline`` requests
   with the same concurrency right before and right after the lifecycle phase; then an interleaved phase
   (half as many dossiers, each lifecycle request followed by one baseline GET from the same thread), so
   that both kinds of request are timed at the same moments on a machine whose load may change.
5. Stops gunicorn, then runs one dossier with a short history and one with a long one (``--loops``
   send-back loops PD → TD → LT → PD first) in-process with Django's test ``Client`` against the same
   database, counting the SQL queries of each request with ``CaptureQueriesContext``.

It prints requests per second, mean/p50/p95 latency per action, the ratio of the mean lifecycle request to
the mean baseline request (against the runs before and after, and interleaved; goal of issue 5: at most
3×), and the queries per request of each action for both histories (goal: a fixed number whatever the
history length); ``--show-sql forward`` lists the statements of one action. gunicorn is always stopped and the
database dropped at the end, whatever happens.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import http.client
import importlib.metadata
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from pgdb import Pg  # noqa: E402 - benchmarks/, next to this script

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/motcua_bench"
SETTINGS = "config.settings.dev"
HOST = "127.0.0.1"
CSRF_TOKEN = secrets.token_hex(16)  # 32 alphanumeric characters: a valid unmasked CSRF secret
BASELINE_PATH = "/api/v1/dossiers?page=1"
API = "/api/v1/dossiers"

CITIZEN = "congdan.hoa"  # applies online (username; personal ID 038195001234)
BASELINE_USER = "congdan.binh"  # a citizen with no dossiers: the baseline's empty page
OFFICER = "motcua.tinh"  # one-stop officer, H56.40 (receiving point)
SPECIALIST = "chuyenvien.tnmt"  # H56.19
HEAD = "truongphong.tnmt"  # division head, H56.19
LEADER = "lanhdao.tnmt"  # agency leader, H56.19
TAX = "chuyenvien.thue"  # specialist, H56.52 (inter-agency)
USERS = (CITIZEN, BASELINE_USER, OFFICER, SPECIALIST, HEAD, LEADER, TAX)

PROCEDURE_CODE = "BENCH.001"
RECEIVING_POINT = "H56.40"


def bench_procedure() -> dict[str, Any]:
    """The dossier tests' procedure (tests/dossiers/data.py) with one more processing step (XL) before the
    appraisal, so a dossier passes a plain forward, a hand-over and a hand-back; 15 working days."""
    from tests.dossiers.data import procedure_data

    data = procedure_data(
        code=PROCEDURE_CODE,
        name="Cấp phép có xác định nghĩa vụ tài chính liên thông (thủ tục đo hiệu năng)",
        time_limit={"amount": 15, "unit": "working_days", "after_cutoff": False},
    )
    process = data["process"]
    process["steps"].insert(
        1,
        {
            "code": "XL",
            "name": "Thụ lý hồ sơ",
            "role": "specialist",
            "unit": "resolving",
            "budget": {"amount": 2, "unit": "working_days"},
            "can_request_supplement": True,
        },
    )
    process["actions"] = [
        {"from": "TN", "to": "XL", "name": "Chuyển thụ lý", "roles": ["one_stop_officer"]},
        {"from": "XL", "to": "TD", "name": "Chuyển thẩm định", "roles": ["specialist"]},
        *(a for a in process["actions"] if a["from"] != "TN"),
    ]
    return data  # fmt: skip


# -- the throwaway database ----------------------------------------------------------------------------


def create_database(pg: Pg, *, replace: bool) -> str:
    """Create the run's database (dropping an earlier one only with --replace); answers the server version."""
    if pg.exists():
        if not replace:
            raise SystemExit(
                f"database {pg.name!r} already exists on {pg.params['host']}:{pg.params['port']}; "
                "this script creates and drops its own database. Drop it, choose another name in "
                "DATABASE_URL, or pass --replace to drop it first."
            )
        pg.drop()
    pg.create()
    return pg.version()


# -- data ------------------------------------------------------------------------------------------------


def prepare() -> None:
    from django.core.management import call_command

    from motcua.accounts.demo import seed_demo_accounts
    from motcua.calendar.demo import seed_demo_calendar
    from motcua.catalogue.services.procedures import procedure_create, procedure_publish
    from motcua.catalogue.spec import parse_procedure
    from motcua.org.demo import seed_demo_org

    call_command("migrate", verbosity=0, interactive=False)
    # The demo organisation, accounts and calendar; not the demo catalogue or dossiers (the baseline user
    # must have no dossier, and the run needs only its own procedure).
    seed_demo_org()
    seed_demo_accounts()
    seed_demo_calendar()
    parsed = parse_procedure(bench_procedure())
    if parsed.spec is None:
        raise RuntimeError(f"the benchmark procedure does not parse: {parsed}")
    procedure = procedure_create(actor=None, spec=parsed.spec, create_sectors=True)
    procedure_publish(actor=None, procedure=procedure)


def make_sessions() -> dict[str, str]:
    """A database session per user (what signing in through the form would store)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from motcua.accounts.models import User

    keys = {}
    for username in USERS:
        user = User.objects.get(username=username)
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        if store.session_key is None:
            raise RuntimeError("no session key")
        keys[username] = store.session_key
    return keys


def sample_pdf() -> bytes:
    from motcua.documents.pdf import render_html_to_pdf

    return render_html_to_pdf(
        "<html lang='vi'><body><h1>Đơn đề nghị</h1><p>Tệp thử nghiệm một trang cho phép đo.</p></body></html>"
    )


# -- gunicorn ----------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def log_tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        return ""


def start_gunicorn(*, workers: int, env: dict[str, str], log: Path) -> Server:
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        raise SystemExit(f"{gunicorn} not found: install gunicorn into the venv")
    command = [
        str(gunicorn), "config.wsgi:application", "--bind", f"{HOST}:{port}", "--workers", str(workers),
        "--worker-class", "sync", "--timeout", "120", "--graceful-timeout", "10", "--log-level", "warning",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
    server = Server(process, port, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{server.log_tail()}")
        with contextlib.suppress(OSError):
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/api/v1/")
            if conn.getresponse().status == 200:
                conn.close()
                return server
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"gunicorn did not answer within 60 s:\n{server.log_tail()}")


# -- the HTTP client ---------------------------------------------------------------------------------------


class RequestFailed(RuntimeError):
    pass


@dataclass
class Sample:
    action: str
    ms: float


@dataclass
class Http:
    port: int
    sessions: dict[str, str]
    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    interleave: bool = False  # after each lifecycle request, one baseline request (paired samples)

    def call(
        self, action: str, user: str, method: str, path: str, *, payload: Any = None,
        files: dict[str, tuple[str, bytes, str]] | None = None, expect: int = 200,
    ) -> Any:  # fmt: skip
        headers = {
            "Cookie": f"sessionid={self.sessions[user]}; csrftoken={CSRF_TOKEN}",
            "X-CSRFToken": CSRF_TOKEN,
            "Accept": "application/json",
        }
        body: bytes | None = None
        if files is not None:
            body, content_type = multipart(files)
            headers["Content-Type"] = content_type
        elif payload is not None:
            body = json.dumps(payload).encode()
            headers["Content-Type"] = "application/json"
        conn = http.client.HTTPConnection(HOST, self.port, timeout=120)
        start = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            elapsed = (time.perf_counter() - start) * 1000
            conn.close()
        if response.status != expect:
            raise RequestFailed(f"{action} {method} {path} as {user}: {response.status} {data[:300]!r}")
        with self.lock:
            self.samples.append(Sample(action, elapsed))
        if self.interleave and action != "baseline":
            baseline(self)
        return json.loads(data) if data else None


def multipart(files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    boundary = f"motcua{secrets.token_hex(12)}"
    parts = []
    for name, (filename, content, content_type) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def lifecycle(http: Http, pdf: bytes) -> None:
    """One dossier from draft to returned result, each request as the user who would make it."""
    draft = http.call(
        "create draft", CITIZEN, "POST", API, expect=201,
        payload={"procedure_code": PROCEDURE_CODE, "receiving_point_code": RECEIVING_POINT,
                 "address": "Số 1 Lê Lợi, phường Hạc Thành", "form_data": {"noi_dung": "Đề nghị cấp phép"}},
    )  # fmt: skip
    ref = str(draft["id"])
    required = [c["id"] for c in draft["components"] if c["required"]]
    for component_id in required:
        http.call(
            "upload component", CITIZEN, "POST", f"{API}/{ref}/components/{component_id}",
            files={"file": ("don-de-nghi.pdf", pdf, "application/pdf")},
        )  # fmt: skip
    state = http.call(
        "submit", CITIZEN, "POST", f"{API}/{ref}/submit", payload={"expected_version": draft["version"]}
    )
    code = state["code"]

    def act(action: str, user: str, verb: str, payload: dict[str, Any]) -> None:
        nonlocal state
        state = http.call(
            action,
            user,
            "POST",
            f"{API}/{code}/{verb}",
            payload={**payload, "expected_version": state["version"]},
        )

    act("receive", OFFICER, "receive", {"checked_component_ids": required})
    act("route", OFFICER, "route", {})
    act("forward", SPECIALIST, "forward", {"to_step": "TD"})
    act("hand over (inter-agency)", SPECIALIST, "forward", {"to_step": "LT"})
    act("hand back (inter-agency)", TAX, "forward", {"to_step": "PD"})
    act("forward", HEAD, "forward", {"to_step": "KY"})
    act("decide", LEADER, "decide", {"decision": "approved"})
    act("return", OFFICER, "return", {"method": "counter"})
    if state["status"] != "returned":
        raise RequestFailed(f"dossier {code} ended as {state['status']}")


LIFECYCLE_ACTIONS = (
    "create draft", "upload component", "submit", "receive", "route", "forward",
    "hand over (inter-agency)", "hand back (inter-agency)", "decide", "return",
)  # fmt: skip


def run_parallel(jobs: int, concurrency: int, job: Callable[[], None]) -> float:
    """Run ``job`` ``jobs`` times on ``concurrency`` threads; the wall time in seconds."""
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for future in [pool.submit(job) for _ in range(jobs)]:
            future.result()
    return time.perf_counter() - start


def baseline(http: Http) -> None:
    page = http.call("baseline", BASELINE_USER, "GET", BASELINE_PATH)
    if page["count"] != 0:
        raise RequestFailed("the baseline user should have no dossiers")


# -- queries per request, in-process ------------------------------------------------------------------


@dataclass
class Measured:
    action: str
    queries: int
    events_before: int
    response_bytes: int
    sql: list[str]


class InProcess:
    """The same requests through Django's test Client (CSRF enforced), counting the SQL of each."""

    def __init__(self, sessions: dict[str, str], pdf: bytes) -> None:
        from django.test import Client

        self.pdf = pdf
        self.clients = {}
        for user, key in sessions.items():
            client = Client(enforce_csrf_checks=True, HTTP_HOST=HOST, HTTP_X_CSRFTOKEN=CSRF_TOKEN)
            client.cookies["sessionid"] = key
            client.cookies["csrftoken"] = CSRF_TOKEN
            self.clients[user] = client
        self.log: list[Measured] = []
        self.codes: list[str] = []

    def call(self, action: str, user: str, method: str, path: str, *, dossier_id: int | None = None,
             payload: Any = None, upload: bool = False, expect: int = 200) -> Any:  # fmt: skip
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from motcua.dossiers.models import DossierEvent

        client = self.clients[user]
        before = DossierEvent.objects.filter(dossier_id=dossier_id).count() if dossier_id else 0
        with CaptureQueriesContext(connection) as captured:
            if method == "GET":
                response = client.get(path)
            elif upload:
                response = client.post(
                    path, {"file": SimpleUploadedFile("don.pdf", self.pdf, content_type="application/pdf")}
                )
            else:
                response = client.post(path, json.dumps(payload), content_type="application/json")
        if response.status_code != expect:
            raise RequestFailed(f"in-process {action}: {response.status_code} {response.content[:300]!r}")
        self.log.append(
            Measured(action, len(captured), before, len(response.content), [q["sql"] for q in captured])
        )
        return response.json()

    def dossier(self, *, loops: int) -> list[Measured]:
        """One dossier's lifecycle; ``loops`` send-back loops PD → TD → LT → PD before signing."""
        start = len(self.log)
        draft = self.call(
            "create draft", CITIZEN, "POST", API, expect=201,
            payload={"procedure_code": PROCEDURE_CODE, "receiving_point_code": RECEIVING_POINT,
                     "address": "Số 1 Lê Lợi", "form_data": {}},
        )  # fmt: skip
        pk = draft["id"]
        required = [c["id"] for c in draft["components"] if c["required"]]
        for component_id in required:
            self.call("upload component", CITIZEN, "POST", f"{API}/{pk}/components/{component_id}",
                      dossier_id=pk, upload=True)  # fmt: skip
        state = self.call("submit", CITIZEN, "POST", f"{API}/{pk}/submit", dossier_id=pk,
                          payload={"expected_version": draft["version"]})  # fmt: skip
        code = state["code"]

        def act(action: str, user: str, verb: str, payload: dict[str, Any]) -> None:
            nonlocal state
            state = self.call(action, user, "POST", f"{API}/{code}/{verb}", dossier_id=pk,
                              payload={**payload, "expected_version": state["version"]})  # fmt: skip

        act("receive", OFFICER, "receive", {"checked_component_ids": required})
        act("route", OFFICER, "route", {})
        act("forward", SPECIALIST, "forward", {"to_step": "TD"})
        act("hand over (inter-agency)", SPECIALIST, "forward", {"to_step": "LT"})
        act("hand back (inter-agency)", TAX, "forward", {"to_step": "PD"})
        for _loop in range(loops):
            act("send back", HEAD, "send-back", {"to_step": "TD", "note": "Bổ sung thẩm định"})
            act("hand over (inter-agency)", SPECIALIST, "forward", {"to_step": "LT"})
            act("hand back (inter-agency)", TAX, "forward", {"to_step": "PD"})
        act("forward", HEAD, "forward", {"to_step": "KY"})
        self.call("get (staff)", LEADER, "GET", f"{API}/{code}", dossier_id=pk)
        self.call("get (citizen)", CITIZEN, "GET", f"{API}/{code}", dossier_id=pk)
        act("decide", LEADER, "decide", {"decision": "approved"})
        act("return", OFFICER, "return", {"method": "counter"})
        self.codes.append(code)
        return self.log[start:]

    def read_ms(self, code: str, *, repeat: int) -> float:
        """Median in-process time of ``GET /api/v1/dossiers/<code>`` as the one-stop officer."""
        client = self.clients[OFFICER]
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            response = client.get(f"{API}/{code}")
            times.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                raise RequestFailed(f"in-process GET {code}: {response.status_code}")
        return statistics.median(times)


def last_of(log: list[Measured], action: str) -> Measured | None:
    return next((m for m in reversed(log) if m.action == action), None)


def first_of(log: list[Measured], action: str) -> Measured | None:
    return next((m for m in log if m.action == action), None)


_NUMBERS = re.compile(r"\b\d+\b|'[^']*'")


def sql_shape(sql: str) -> str:
    return _NUMBERS.sub("?", sql)[:160]


def sql_diff(short: Measured, long: Measured) -> list[str]:
    a = collections.Counter(sql_shape(s) for s in short.sql)
    b = collections.Counter(sql_shape(s) for s in long.sql)
    out = []
    for shape in sorted(set(a) | set(b)):
        if a[shape] != b[shape]:
            out.append(f"      {a[shape]:>3} → {b[shape]:>3}  {shape}")
    return out


# -- report --------------------------------------------------------------------------------------------


def stats(values: list[float]) -> tuple[float, float, float]:
    if not values:
        return (0.0, 0.0, 0.0)
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (statistics.fmean(values), statistics.median(values), p95)


def row(cells: list[str], widths: list[int]) -> str:
    return "  ".join(
        c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
    )


@contextlib.contextmanager
def step(label: str) -> Iterator[None]:
    print(f"… {label}", end="", flush=True)
    start = time.perf_counter()
    yield
    print(f" ({time.perf_counter() - start:.1f} s)")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dossiers", type=int, default=100, help="dossiers driven through the API (100)")
    parser.add_argument("--concurrency", type=int, default=2, help="client threads (2, one per worker)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (2)")
    parser.add_argument("--baseline", type=int, default=400, help="baseline requests before and after (400)")
    parser.add_argument("--loops", type=int, default=20, help="send-back loops of the long-history dossier")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--replace", action="store_true", help="drop the database first if it exists")
    parser.add_argument(
        "--show-sql", metavar="ACTION", action="append", default=[],
        help="print the SQL of ACTION (e.g. forward) as measured in-process with the short history",
    )  # fmt: skip
    args = parser.parse_args()
    if args.dossiers < 1 or args.concurrency < 1 or args.workers < 1 or args.baseline < 1 or args.loops < 1:
        parser.error("counts must be at least 1")

    pg = Pg.from_url(args.database_url, who="benchmarks/lifecycle.py")
    try:
        server_version = create_database(pg, replace=args.replace)
    except Exception as exc:
        print(
            f"PostgreSQL is not reachable at {pg.params['host']}:{pg.params['port']} ({exc.__class__.__name__}: "
            f"{str(exc).strip()}).\nThis benchmark needs a PostgreSQL server where it may create and drop a "
            "database: start one, or point DATABASE_URL (or --database-url) at one, e.g.\n"
            f"  DATABASE_URL={DEFAULT_DATABASE_URL} .venv/bin/python benchmarks/lifecycle.py",
            file=sys.stderr,
        )
        return 2

    scratch = Path(tempfile.mkdtemp(prefix="motcua-bench-"))
    env = {
        "DATABASE_URL": pg.url,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DEBUG": "false",
        "ALLOWED_HOSTS": HOST,
        "MOTCUA_MEDIA_ROOT": str(scratch / "media"),
        "MOTCUA_SMS_FILE_DIR": str(scratch / "sms"),
        "LOG_LEVEL": "WARNING",
        # As in production: notifications queued in the database and delivered by a worker, not in the request.
        "MOTCUA_TASKS_IMMEDIATE": "false",
    }
    os.environ.update(env)
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collected static files
    server: Server | None = None
    try:
        import django

        django.setup()
        from django.db import connections

        print(
            f"motcua lifecycle benchmark — {args.dossiers} dossiers through {API}, PostgreSQL {server_version} "
            f"(database {pg.name}), gunicorn {importlib.metadata.version('gunicorn')} "
            f"({args.workers} sync workers), {args.concurrency} client threads, Python {sys.version.split()[0]}"
        )
        from django.conf import settings

        tasks = str(settings.TASKS["default"]["BACKEND"]).rsplit(".", 1)[-1]
        inline = " (notifications are delivered inside the request)" if tasks == "ImmediateBackend" else ""
        print(
            f"settings {SETTINGS} with DEBUG=false; e-mail {settings.EMAIL_BACKEND.split('.')[-2]}, "
            f"tasks {tasks}{inline}"
        )
        with step("migrate, load the demo organisation, accounts and calendar, publish the procedure"):
            prepare()
        sessions = make_sessions()
        pdf = sample_pdf()
        connections.close_all()

        with step(f"start gunicorn ({SETTINGS}, DEBUG=false)"):
            server = start_gunicorn(
                workers=args.workers, env={**os.environ, **env}, log=scratch / "gunicorn.log"
            )
        http = Http(server.port, sessions)

        with step("warm up"):
            run_parallel(4 * args.concurrency, args.concurrency, lambda: baseline(http))
            run_parallel(2 * args.workers, args.concurrency, lambda: lifecycle(http, pdf))
        http.samples.clear()

        with step(f"baseline before: {args.baseline} × GET {BASELINE_PATH}"):
            wall_before = run_parallel(args.baseline, args.concurrency, lambda: baseline(http))
        base_before = [s.ms for s in http.samples]
        http.samples.clear()

        with step(f"lifecycle: {args.dossiers} dossiers"):
            wall_life = run_parallel(args.dossiers, args.concurrency, lambda: lifecycle(http, pdf))
        life = list(http.samples)
        http.samples.clear()

        with step(f"baseline after: {args.baseline} × GET {BASELINE_PATH}"):
            wall_after = run_parallel(args.baseline, args.concurrency, lambda: baseline(http))
        base_after = [s.ms for s in http.samples]
        http.samples.clear()

        paired_dossiers = max(1, args.dossiers // 2)
        with step(f"interleaved: {paired_dossiers} dossiers, each request followed by one baseline GET"):
            http.interleave = True
            run_parallel(paired_dossiers, args.concurrency, lambda: lifecycle(http, pdf))
            http.interleave = False
        paired_by_action: dict[str, list[float]] = collections.defaultdict(list)
        for sample in http.samples:
            paired_by_action[sample.action].append(sample.ms)
        paired_life = [s.ms for s in http.samples if s.action != "baseline"]
        paired_base = [s.ms for s in http.samples if s.action == "baseline"]
        server.stop()

        with (
            step(f"queries per request in-process (short history; long: {args.loops} send-back loops)"),
            contextlib.redirect_stdout(io.StringIO()),  # the console e-mail backend of dev settings
        ):
            inproc = InProcess(sessions, pdf)
            for _ in range(2):  # the second one counts (the first warms the process)
                inproc.call("baseline", BASELINE_USER, "GET", BASELINE_PATH)
            base_queries = inproc.log[-1].queries
            inproc.dossier(loops=0)  # warm the process caches (procedure spec, calendars)
            short = inproc.dossier(loops=0)
            long = inproc.dossier(loops=args.loops)
            read_short = inproc.read_ms(inproc.codes[-2], repeat=30)
            read_long = inproc.read_ms(inproc.codes[-1], repeat=30)

        # -- the report --------------------------------------------------------------------------------
        base_all = base_before + base_after
        base_mean = statistics.fmean(base_all)
        life_ms = [s.ms for s in life]
        life_mean = statistics.fmean(life_ms)
        print()
        print("Throughput and latency (HTTP, gunicorn, loopback)")
        widths = [37, 8, 8, 9, 9, 9, 11]
        print(row(["phase", "requests", "req/s", "mean ms", "p50 ms", "p95 ms", "× baseline"], widths))
        for label, samples, wall in (
            ("baseline before (GET, empty page)", base_before, wall_before),
            ("lifecycle, all requests", life_ms, wall_life),
            ("baseline after (GET, empty page)", base_after, wall_after),
        ):
            mean, p50, p95 = stats(samples)
            print(row([label, str(len(samples)), f"{len(samples) / wall:.1f}", f"{mean:.1f}", f"{p50:.1f}",
                       f"{p95:.1f}", f"{mean / base_mean:.2f}"], widths))  # fmt: skip
        for label, samples in (
            ("interleaved: lifecycle requests", paired_life),
            ("interleaved: baseline GET after each", paired_base),
        ):
            mean, p50, p95 = stats(samples)
            print(row([label, str(len(samples)), "", f"{mean:.1f}", f"{p50:.1f}", f"{p95:.1f}",
                       f"{mean / statistics.fmean(paired_base):.2f}"], widths))  # fmt: skip
        paired_base_mean = statistics.fmean(paired_base)
        paired_ratio = statistics.fmean(paired_life) / paired_base_mean
        print(
            f"lifecycle: {len(life_ms) / wall_life:.1f} requests per second, {args.dossiers / wall_life:.2f} "
            f"dossiers per second.\nmean lifecycle request / mean baseline request: {life_mean / base_mean:.2f}× "
            f"against the baseline runs before and after, {paired_ratio:.2f}× interleaved (each lifecycle "
            f"request followed by a baseline GET, same moments). Goal ≤ 3×: "
            f"{'met' if max(paired_ratio, life_mean / base_mean) <= 3 else 'NOT met'}."
        )

        print()
        print(
            f"Per action (HTTP latency; queries per request in-process, short history vs after {args.loops} "
            "send-back loops)"
        )
        widths = [26, 5, 8, 8, 10, 9, 15, 15, 6, 17]
        print(row(["action", "n", "mean ms", "p95 ms", "× base il.", "q short", "events s → l", "q long",
                   "Δ q", "bytes s → l"], widths))  # fmt: skip
        by_action: dict[str, list[float]] = collections.defaultdict(list)
        for sample in life:
            by_action[sample.action].append(sample.ms)
        print(row(["baseline GET (empty page)", str(len(base_all)), f"{base_mean:.1f}",
                   f"{stats(base_all)[2]:.1f}", "1.00", str(base_queries), "", str(base_queries), "0", ""],
                  widths))  # fmt: skip
        growth: list[tuple[str, Measured, Measured]] = []
        for action in (*LIFECYCLE_ACTIONS, "send back", "get (staff)", "get (citizen)"):
            samples = by_action.get(action, [])
            mean, _p50, p95 = stats(samples)
            paired = paired_by_action.get(action, [])
            times = f"{statistics.fmean(paired) / paired_base_mean:.2f}" if paired else "—"
            s = last_of(short, action)
            if action == "send back":  # not in the short lifecycle: its first loop against its last
                s = first_of(long, action)
            lg = last_of(long, action)
            if s is None or lg is None:
                continue
            delta = lg.queries - s.queries
            if delta:
                growth.append((action, s, lg))
            print(row([
                action, str(len(samples)) if samples else "—", f"{mean:.1f}" if samples else "—",
                f"{p95:.1f}" if samples else "—", times,
                str(s.queries), f"{s.events_before} → {lg.events_before}", str(lg.queries), f"{delta:+d}",
                f"{s.response_bytes} → {lg.response_bytes}",
            ], widths))  # fmt: skip
        print(
            "n, mean, p95: the lifecycle phase; × base il.: mean of the action / mean of the baseline GET in the "
            "interleaved phase.\n"
            "q short / q long: SQL queries of one request (session and user lookup included); events s → l: the "
            "dossier's history length when the request ran; bytes: the response body (an action answers the "
            "compact state, DossierActionOut; a GET the whole detail with every step and event)."
        )
        events_short = (last_of(short, "return") or short[-1]).events_before + 1
        events_long = (last_of(long, "return") or long[-1]).events_before + 1
        print(
            f"Reading a finished dossier (GET {API}/<code> as the officer, in-process, median of 30): "
            f"{events_short} events {read_short:.1f} ms, {events_long} events {read_long:.1f} ms "
            f"({read_long / read_short:.2f}×)."
        )
        if growth:
            print()
            print("Query count grows with the history for:")
            for action, s, lg in growth:
                print(f"  {action}: {s.queries} → {lg.queries} queries (statement shape: short → long)")
                print("\n".join(sql_diff(s, lg)))
        else:
            print("The number of queries per action does not depend on the history length.")
        for action in args.show_sql:
            measured = last_of(short, action)
            if measured is None:
                print(f"\nno in-process request named {action!r}")
                continue
            print(f"\nSQL of {action!r} (short history), {measured.queries} queries:")
            for n, statement in enumerate(measured.sql, start=1):
                print(f"  {n:>3}. {statement[:300]}")
        return 0
    except RequestFailed as exc:
        print(f"\nrequest failed: {exc}", file=sys.stderr)
        if server is not None:
            print(server.log_tail(), file=sys.stderr)
        return 1
    finally:
        if server is not None:
            server.stop()
        with contextlib.suppress(Exception):
            from django.db import connections as conns

            conns.close_all()
        try:
            pg.drop()
        except Exception as exc:
            print(f"could not drop database {pg.name}: {exc}", file=sys.stderr)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
