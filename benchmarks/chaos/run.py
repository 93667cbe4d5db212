"""The chaos run (issue 11): SIGKILL the web and task workers at random moments while clients drive dossier
transitions over the API, optionally restart PostgreSQL under load, then check that nothing was lost, nothing
was half-applied, and every notification, national-portal update and webhook arrived exactly once.

    .venv/bin/python benchmarks/chaos/run.py                          # 200 transitions, seed 1
    .venv/bin/python benchmarks/chaos/run.py --seed 2 --pg-restart    # … and restart PostgreSQL halfway
    .venv/bin/python benchmarks/chaos/run.py --seed 3 --pg-outage 4   # … or only cut the run's own database
    .venv/bin/python benchmarks/chaos/run.py --transitions 60 --kill-every 3 --keep-db

One command, in order (README.md next to this file; docs/operations/chaos.md for the figures):

1. creates the scratch database ``motcua_chaos_<seed>`` on the loopback PostgreSQL (``--database-url``);
   ``world.py prepare`` migrates it and seeds the world of ``benchmarks/lifecycle.py`` (demo organisation,
   accounts, calendar, procedure BENCH.001: TN → XL → TD → LT (inter-agency) → PD → KY → TKQ), the agencies'
   signing certificates, one API key per user and a webhook endpoint at the fake receiver;
2. starts the outside world (``fakes.py``: national portal, SMS gateway, webhook receiver; never killed) and
   what a deployment runs (docs/operations/deployment.md) with ``benchmarks.chaos.settings`` (production
   settings, outbox clocks in seconds): gunicorn with ``config/gunicorn_conf.py``, two ``motcua task_worker``
   (notification deliveries, result signing), ``motcua sync_dvcqg --loop``, ``motcua deliver_webhooks --loop``,
   and the scheduled ``deliver_notifications`` and ``issue_results`` every ``--timer`` seconds;
3. ``--clients`` threads drive dossiers through ``/api/v1/dossiers`` with API keys until ``--transitions``
   transitions are confirmed: draft, upload, submit (citizen) → receive or refuse, route (one-stop officer) →
   forward, hand over, hand back, forward (specialists, division head; now and then sent back once) → decide
   (leader) → return (officer); now and then withdrawn by the applicant. Every action carries the
   ``expected_version`` last read, the API's guard against a stale write (it has no idempotency key);
4. meanwhile a killer thread (``--seed``: the same seed, the same kills) sends SIGKILL every ``--kill-every``
   seconds on average to a gunicorn worker, the gunicorn master, a task worker, ``sync_dvcqg``,
   ``deliver_webhooks`` or a running scheduled job, and a supervisor restarts what died after 0.5 s, as
   systemd's ``Restart=always`` would (for gunicorn's master it first kills what is left of its process group,
   as systemd's control group would); gunicorn replaces its own killed workers;
5. a request that gets no answer (connection refused or reset, timeout, 5xx) is sent again, the same body with
   the same ``expected_version``, until answered. A 409 (or 403/404 after a lost answer: the dossier may have
   moved on to another unit) is settled by reading the dossier back with its history: only events of the
   system since (a signed result) → sent again on the new version; exactly one event of someone and the
   action's target state → the lost attempt was applied; anything else is an anomaly ("neither before nor
   after"). A creation whose answer was lost may leave an extra draft: counted;
6. with ``--pg-restart``: once half the transitions are done, the killer pauses, PostgreSQL is restarted
   (``--pg-restart-command``, by default ``pg_ctlcluster 15 main restart``; ``--pg-outage N`` instead refuses
   connections to the run's own database for N s) while the clients go on; ``/readyz`` is probed every 0.5 s;
   no process may need the supervisor in the 25 s that follow: web and workers must reconnect on their own;
7. the clients stop, the killer stops, the workers drain every queue (``--drain-timeout``), then the checks:
   ``world.py verify`` (dossiers lost or half-applied, signed results, each outbox row against what the fakes
   received), ``motcua verify_audit``, ``verify_dossier_history``, ``facts --verify`` and ``verify_files``.

Prints the summary and the table of checks, writes ``var/chaos/last-run.json``; exits 1 when a check fails.
Every process is stopped and the scratch database dropped at the end (``--keep-db`` keeps it and the logs;
the logs are also kept when a check fails), on Ctrl+C too. ``--task-worker db_worker`` runs django-tasks-db's
own worker instead, to see what ``task_worker`` fixes.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import http.client
import importlib.util
import json
import os
import random
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "load"))
from common import ROOT, VENV_BIN, Pg, server_env  # noqa: E402 - benchmarks/load/common.py


def _load_run() -> Any:
    """benchmarks/load/run.py, for its process helpers (free_port, stop, tail, wait_ready)."""
    spec = importlib.util.spec_from_file_location("load_run", HERE.parent / "load" / "run.py")
    assert spec is not None and spec.loader is not None  # noqa: S101
    module = importlib.util.module_from_spec(spec)
    sys.modules["load_run"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


load_run = _load_run()
free_port, stop, tail = load_run.free_port, load_run.stop, load_run.tail

HOST = "127.0.0.1"
API = "/api/v1/dossiers"
MOTCUA = str(VENV_BIN / "motcua")
RESTART_DELAY = 0.5  # systemd's RestartSec, more or less
PG_QUIET = 25.0
STARTUP_SECONDS = 12.0  # a restarted worker is at work by then, even on a busy machine  # seconds after the PostgreSQL restart in which no process may need restarting
#: What the killer aims at, and how often relative to the others.
TARGETS = {
    "gunicorn worker": 4.0, "gunicorn master": 1.0, "task worker": 3.0, "sync_dvcqg": 1.5,
    "deliver_webhooks": 1.5, "scheduled job": 1.0,
}  # fmt: skip


def now() -> float:
    return time.monotonic()


# -- processes -------------------------------------------------------------------------------------------


@dataclass
class Managed:
    """One long-running process under the supervisor (a systemd unit with Restart=always)."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0
    kills: int = 0  # SIGKILLs sent by the killer
    crashes: int = 0  # exits nobody asked for
    exits: list[tuple[float, int | None, str]] = field(default_factory=list)
    expect_death: bool = False
    started_at: float = 0.0

    def start(self) -> None:
        out = self.log.open("ab")
        self.process = subprocess.Popen(  # noqa: S603
            self.argv, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        out.close()
        self.starts += 1
        self.started_at = now()
        self.expect_death = False

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None and self.process.poll() is None else None

    def killpg(self, sig: int = signal.SIGKILL) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, sig)


class Supervisor(threading.Thread):
    def __init__(self, managed: list[Managed], events: list[str]) -> None:
        super().__init__(daemon=True, name="supervisor")
        self.managed, self.events = managed, events
        self.halt = threading.Event()
        self.lock = threading.Lock()

    def run(self) -> None:
        while not self.halt.is_set():
            for m in self.managed:
                with self.lock:
                    p = m.process
                    if p is None or p.poll() is None or self.halt.is_set():
                        continue
                    cause = "killed" if m.expect_death else "crashed"
                    if not m.expect_death:
                        m.crashes += 1
                    m.exits.append((time.time(), p.returncode, cause))
                    self.events.append(
                        f"{time.strftime('%H:%M:%S')} {m.name} {cause} (exit {p.returncode}), restarting"
                    )
                    m.killpg()  # what is left of its group (gunicorn's workers when the master died)
                self.halt.wait(RESTART_DELAY)
                with self.lock:
                    if not self.halt.is_set():
                        m.start()
            self.halt.wait(0.2)

    def stop_all(self) -> None:
        self.halt.set()
        with self.lock:
            for m in self.managed:
                if m.process is not None and m.process.poll() is None:
                    m.expect_death = True
                    with contextlib.suppress(ProcessLookupError):
                        m.process.send_signal(signal.SIGTERM)
            for m in self.managed:
                if m.process is not None:
                    try:
                        m.process.wait(timeout=35)
                    except subprocess.TimeoutExpired:
                        m.killpg()
                        m.process.wait(timeout=10)
                    m.killpg()


class Timer(threading.Thread):
    """The scheduled jobs that catch up after a lost task, every ``interval`` seconds (cron's 5 minutes on a
    shorter clock): ``motcua deliver_notifications`` (a delivery whose task was never enqueued or died with
    its worker) and ``motcua issue_results`` (a result whose signing task did)."""

    JOBS = (["deliver_notifications", "-v", "0"], ["issue_results"])

    def __init__(self, env: dict[str, str], log: Path, interval: float) -> None:
        super().__init__(daemon=True, name="timer")
        self.env, self.log, self.interval = env, log, interval
        self.halt = threading.Event()
        self.current: subprocess.Popen[bytes] | None = None
        self.runs = self.failures = self.kills = 0
        self.killed: set[int] = set()

    def run(self) -> None:
        while not self.halt.wait(self.interval):
            for job in self.JOBS:
                with self.log.open("ab") as out:
                    self.current = subprocess.Popen(  # noqa: S603
                        [MOTCUA, *job], cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )  # fmt: skip
                rc = self.current.wait()
                self.runs += 1
                if rc != 0 and self.current.pid not in self.killed:
                    self.failures += 1
                self.current = None

    def kill(self) -> int | None:
        current = self.current
        if current is None or current.poll() is not None:
            return None
        self.killed.add(current.pid)
        with contextlib.suppress(ProcessLookupError):
            current.kill()
        self.kills += 1
        return current.pid


class Killer(threading.Thread):
    def __init__(self, *, rng: random.Random, every: float, web: Managed, tasks: list[Managed],
                 dvcqg: Managed, webhooks: Managed, timer: Timer, supervisor: Supervisor,
                 events: list[str]) -> None:  # fmt: skip
        super().__init__(daemon=True, name="killer")
        self.rng, self.every = rng, every
        self.web, self.tasks, self.dvcqg, self.webhooks, self.timer = web, tasks, dvcqg, webhooks, timer
        self.supervisor, self.events = supervisor, events
        self.halt = threading.Event()
        self.paused = threading.Event()
        self.kills: Counter[str] = Counter()

    def _sigkill(self, m: Managed) -> int | None:
        with self.supervisor.lock:
            pid = m.pid
            if pid is None:
                return None
            m.expect_death = True
            m.kills += 1
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            return pid

    def strike(self, target: str) -> int | None:
        import psutil

        if target == "gunicorn worker":
            pid = self.web.pid
            if pid is None:
                return None
            with contextlib.suppress(psutil.Error):
                workers = psutil.Process(pid).children()
                if workers:
                    victim = self.rng.choice(sorted(workers, key=lambda p: p.pid))
                    victim.kill()  # the master notices and forks a new one: no supervisor involved
                    return int(victim.pid)
            return None
        if target == "gunicorn master":
            return self._sigkill(self.web)
        if target == "task worker":
            return self._sigkill(self.rng.choice(self.tasks))
        if target == "sync_dvcqg":
            return self._sigkill(self.dvcqg)
        if target == "deliver_webhooks":
            return self._sigkill(self.webhooks)
        return self.timer.kill()

    def run(self) -> None:
        names, weights = list(TARGETS), list(TARGETS.values())
        while not self.halt.wait(self.rng.expovariate(1.0 / self.every)):
            if self.paused.is_set():
                continue
            for _try in range(3):  # a target that is not running now (restarting, the timer idle): another
                target = self.rng.choices(names, weights)[0]
                pid = self.strike(target)
                if pid is not None:
                    break
            if pid is not None:
                self.kills[target] += 1
                self.events.append(f"{time.strftime('%H:%M:%S')} SIGKILL {target} (pid {pid})")


# -- the clients -----------------------------------------------------------------------------------------


class Transient(Exception):
    """No usable answer: the request may or may not have been applied."""


class Anomaly(Exception):
    """An answer the client cannot reconcile with the dossier it knows."""


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: int = 0
    failed_attempts: Counter[str] = field(default_factory=Counter)  # why an attempt got no answer
    retried_requests: int = 0
    transitions: Counter[str] = field(default_factory=Counter)
    lost_answers_applied: int = 0  # 409 on the resend, and the read-back shows the first attempt applied
    system_bumps: int = 0  # 409 because the task worker added an event (a signed result): sent again
    drafts_adopted: int = 0
    anomalies: list[str] = field(default_factory=list)
    abandoned: list[str] = field(default_factory=list)  # requests that got no answer within --patience
    last_failure: float = 0.0
    successes: list[float] = field(default_factory=list)  # monotonic moments of answered requests

    target: int = 0  # confirmed transitions to reach (grows by those made during the PostgreSQL restart)
    pg_phase_transitions: int = 0

    def total_transitions(self) -> int:
        with self.lock:
            return sum(self.transitions.values())


class Api:
    def __init__(self, port: int, keys: dict[str, str], stats: Stats, *, patience: float) -> None:
        self.port, self.keys, self.stats, self.patience = port, keys, stats, patience

    def once(
        self, user: str, method: str, path: str, body: bytes | None, content_type: str
    ) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {self.keys[user]}", "Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = content_type
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        except TimeoutError as exc:
            raise Transient("timeout") from exc
        except (ConnectionError, http.client.HTTPException, OSError) as exc:
            raise Transient(exc.__class__.__name__) from exc
        finally:
            conn.close()
        if response.status >= 500:
            raise Transient(f"HTTP {response.status}")
        try:
            return response.status, json.loads(data) if data else None
        except ValueError as exc:
            raise Transient(f"HTTP {response.status} not JSON") from exc

    def call(self, user: str, method: str, path: str, *, payload: Any = None,
             files: tuple[str, bytes] | None = None) -> tuple[int, Any, int]:  # fmt: skip
        """Send until answered; returns (status, body, attempts that got no answer)."""
        body: bytes | None = None
        content_type = "application/json"
        if files is not None:
            body, content_type = multipart("file", *files)
        elif payload is not None:
            body = json.dumps(payload).encode()
        deadline = now() + self.patience
        failures, pause = 0, 0.25
        while True:
            try:
                status, data = self.once(user, method, path, body, content_type)
            except Transient as exc:
                failures += 1
                with self.stats.lock:
                    self.stats.failed_attempts[str(exc)] += 1
                    self.stats.last_failure = now()
                    if failures == 1:
                        self.stats.retried_requests += 1
                if now() > deadline:
                    raise
                time.sleep(pause)
                pause = min(pause * 2, 3.0)
                continue
            with self.stats.lock:
                self.stats.requests += 1 + failures
                self.stats.successes.append(now())
            return status, data, failures


def multipart(name: str, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = f"chaos{secrets.token_hex(12)}"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    )
    return (
        head.encode() + content + f"\r\n--{boundary}--\r\n".encode(),
        f"multipart/form-data; boundary={boundary}",
    )


@dataclass
class Step:
    label: str  # what the summary counts
    role: str  # "citizen" or a key of world.STAFF
    verb: str
    payload: dict[str, Any]
    status: str  # the dossier's status after it
    step: str | None = None  # the open step after it, when it matters


def plan_for(rng: random.Random) -> list[Step]:
    """The actions of one dossier after its submission: mostly the whole lifecycle, sometimes a refusal at
    intake, a send-back from the division head, or a withdrawal by the applicant."""
    receive = Step("receive", "officer", "receive", {"checked_component_ids": []}, "received", "TN")
    if rng.random() < 0.07:
        return [Step("refuse", "officer", "refuse", {"reason": "Hồ sơ không thuộc thẩm quyền."}, "refused")]
    middle = [
        Step("route", "officer", "route", {}, "processing", "XL"),
        Step("forward", "specialist", "forward", {"to_step": "TD"}, "processing", "TD"),
        Step("hand over", "specialist", "forward", {"to_step": "LT"}, "processing", "LT"),
        Step("hand back", "tax", "forward", {"to_step": "PD"}, "processing", "PD"),
    ]
    if rng.random() < 0.25:
        middle += [
            Step("send back", "head", "send-back", {"to_step": "TD", "note": "Thẩm định lại."}, "processing", "TD"),
            Step("hand over", "specialist", "forward", {"to_step": "LT"}, "processing", "LT"),
            Step("hand back", "tax", "forward", {"to_step": "PD"}, "processing", "PD"),
        ]  # fmt: skip
    middle += [Step("forward", "head", "forward", {"to_step": "KY"}, "processing", "KY")]
    end = [
        Step("decide", "leader", "decide", {"decision": "approved"}, "result_ready", "TKQ"),
        Step("return", "officer", "return", {"method": "counter"}, "returned"),
    ]
    steps = [receive, *middle, *end]
    if rng.random() < 0.08:  # withdrawn by the applicant before the decision
        at = rng.randint(1, len(steps) - 2)
        steps = [
            *steps[:at],
            Step("withdraw", "citizen", "withdraw", {"reason": "Không còn nhu cầu."}, "stopped"),
        ]
    return steps


class Numbers:
    """1, 2, 3 … shared by the client threads."""

    def __init__(self) -> None:
        self.lock, self.last = threading.Lock(), 0

    def next(self) -> int:
        with self.lock:
            self.last += 1
            return self.last


class Client(threading.Thread):
    def __init__(self, n: int, *, api: Api, fixture: dict[str, Any], pdf: bytes, seed: int, think: float,
                 ledger: dict[str, dict[str, Any]], counter: Numbers, stats: Stats) -> None:  # fmt: skip
        super().__init__(daemon=True, name=f"client-{n}")
        self.n, self.api, self.fixture, self.pdf, self.seed = n, api, fixture, pdf, seed
        self.ledger, self.counter, self.stats = ledger, counter, stats
        self.think, self.pauses = think, random.Random(f"{seed}-client-{n}")
        self.halt = threading.Event()

    def pause(self) -> None:
        """A user's moment between two actions (exponential, mean ``--think`` seconds)."""
        if self.think > 0:
            self.halt.wait(self.pauses.expovariate(1.0 / self.think))

    def run(self) -> None:
        while not self.halt.is_set() and self.stats.total_transitions() < self.stats.target:
            i = self.counter.next()
            ref = f"chaos-{self.seed}-{i}"
            try:
                self.story(i, ref)
            except Anomaly as exc:
                with self.stats.lock:
                    self.stats.anomalies.append(f"{ref}: {exc}")
                self._unconfirm(ref)
            except Transient as exc:
                with self.stats.lock:
                    self.stats.abandoned.append(f"{ref}: no answer for {self.api.patience:.0f} s ({exc})")
                self._unconfirm(ref)

    def _unconfirm(self, ref: str) -> None:
        if ref in self.ledger:
            self.ledger[ref]["confirmed"] = False

    def _record(self, ref: str, body: dict[str, Any]) -> None:
        self.ledger[ref] = {"id": body["id"], "code": body.get("code"), "status": body["status"],
                            "version": body["version"], "confirmed": True}  # fmt: skip

    def _read(self, citizen: str, pk: int) -> dict[str, Any]:
        status, body, _f = self.api.call(citizen, "GET", f"{API}/{pk}")
        if status != 200:
            raise Anomaly(f"reading dossier {pk} back: {status} {body}")
        return dict(body)

    def _create(self, citizen: str, ref: str) -> dict[str, Any]:
        self.pause()
        payload = {
            "procedure_code": self.fixture["procedure"], "receiving_point_code": self.fixture["receiving_point"],
            "address": "Số 1 Lê Lợi, phường Hạc Thành", "form_data": {"chaos_ref": ref, "noi_dung": "Đề nghị cấp phép"},
        }  # fmt: skip
        status, body, failures = self.api.call(citizen, "POST", API, payload=payload)
        if status == 201:
            if failures:  # an earlier attempt may have created one too: adopt it rather than leave it behind
                self._adopt(citizen, ref, keep=body["id"])
            return dict(body)
        raise Anomaly(f"create draft: {status} {body}")

    def _adopt(self, citizen: str, ref: str, keep: int) -> None:
        """Count the drafts of ``ref`` besides ``keep`` (a creation whose answer was lost): they stay drafts."""
        page = 1
        while True:
            status, body, _f = self.api.call(citizen, "GET", f"{API}?status=draft&page={page}")
            if status != 200:
                return
            for item in body["items"]:
                if (
                    item["id"] != keep
                    and self._read(citizen, item["id"])["form_data"].get("chaos_ref") == ref
                ):
                    with self.stats.lock:
                        self.stats.drafts_adopted += 1
            if page * 20 >= body["count"]:
                return
            page += 1

    def _full(self, citizen: str, pk: int) -> dict[str, Any]:
        """The dossier with its whole history: as the province administrator (the applicant's view leaves
        internal actions out), or as the applicant while it is still a draft (nobody else sees drafts)."""
        status, body, _f = self.api.call(self.fixture["reader"], "GET", f"{API}/{pk}")
        if status == 404:
            return self._read(citizen, pk)
        if status != 200:
            raise Anomaly(f"reading dossier {pk} back: {status} {body}")
        return dict(body)

    def act(self, who: str, pk: int, citizen: str, step: Step, version: int) -> dict[str, Any]:
        """Send one action with ``expected_version``; resend it until answered. On a 409 (or a 403/404 after a
        lost answer: the dossier may have moved to another unit), read the dossier back: events of the
        system alone since ``version`` (a signed result) → send again on the new version; exactly one event
        of someone and the action's target state → the lost attempt was applied; anything else → anomaly."""
        system = set(self.fixture["system_actions"])
        lost = False
        self.pause()
        for _round in range(5):
            payload = {**step.payload, "expected_version": version}
            status, body, failures = self.api.call(who, "POST", f"{API}/{pk}/{step.verb}", payload=payload)
            lost = lost or failures > 0
            if status == 200:
                if body["status"] != step.status or body["version"] != version + 1:
                    raise Anomaly(
                        f"{step.label}: answered {body['status']} v{body['version']}, "
                        f"expected {step.status} v{version + 1}"
                    )
                return dict(body)
            if not (status == 409 or (status in (403, 404) and lost)):
                raise Anomaly(f"{step.label} v{version}: {status} {body}")
            state = self._full(citizen, pk)
            later = [e for e in state["events"] if e["seq"] > version]
            theirs = [e["action"] for e in later if e["action"] not in system]
            open_step = next((s["step_code"] for s in state["steps"] if s["finished_at"] is None), None)
            if not theirs:  # only the system moved the dossier on: the action was not applied
                with self.stats.lock:
                    self.stats.system_bumps += 1
                version = state["version"]
                continue
            if (
                lost
                and len(theirs) == 1
                and state["status"] == step.status
                and (step.step is None or open_step == step.step)
            ):
                with self.stats.lock:
                    self.stats.lost_answers_applied += 1
                return state
            raise Anomaly(
                f"{step.label} v{version}: {status} {body.get('code')}, and the dossier is {state['status']} "
                f"v{state['version']} at {open_step} with {theirs} since — neither before nor after"
            )
        raise Anomaly(f"{step.label}: the dossier kept changing under the client")

    def story(self, i: int, ref: str) -> None:
        rng = random.Random(f"{self.seed}-{i}")
        citizen = self.fixture["citizens"][i % len(self.fixture["citizens"])]
        staff = self.fixture["staff"]
        draft = self._create(citizen, ref)
        pk = draft["id"]
        self._record(ref, draft)
        required = [c["id"] for c in draft["components"] if c["required"]]
        for component in required:
            self.pause()
            status, body, _f = self.api.call(
                citizen, "POST", f"{API}/{pk}/components/{component}", files=("don.pdf", self.pdf)
            )
            if status != 200:
                raise Anomaly(f"upload: {status} {body}")
        submit = Step("submit", "citizen", "submit", {}, "awaiting_intake")
        state = self.act(citizen, pk, citizen, submit, draft["version"])
        self._count(ref, "submit", state)
        for step in plan_for(rng):
            if self.halt.is_set() or self.stats.total_transitions() >= self.stats.target:
                return  # the dossier stays where it is: mid-way dossiers are checked like the others
            if step.verb == "receive":
                step.payload = {"checked_component_ids": required}
            who = citizen if step.role == "citizen" else staff[step.role]
            state = self.act(who, pk, citizen, step, state["version"])
            self._count(ref, step.label, state)

    def _count(self, ref: str, label: str, state: dict[str, Any]) -> None:
        self._record(ref, state)
        with self.stats.lock:
            self.stats.transitions[label] += 1


# -- PostgreSQL restart ------------------------------------------------------------------------------------


class Probe(threading.Thread):
    """GET /readyz every 0.5 s: (monotonic moment of the answer, its status, or 0 for none within 5 s)."""

    def __init__(self, port: int) -> None:
        super().__init__(daemon=True, name="probe")
        self.port = port
        self.samples: list[tuple[float, int]] = []
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.wait(0.5):
            status = 0
            with contextlib.suppress(OSError, http.client.HTTPException):
                conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
                conn.request("GET", "/readyz")
                status = conn.getresponse().status
                conn.close()
            self.samples.append((now(), status))


def database_outage(pg: Pg, seconds: float) -> tuple[int, str]:
    """What a restart does to the run's own database, without touching the server or anyone else's database:
    refuse new connections to it, end every session on it, wait ``seconds``, accept connections again."""
    from psycopg import sql

    name = sql.Identifier(pg.name)
    with pg.admin() as conn:
        conn.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(name))
        try:
            row = conn.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s", [pg.name]
            ).fetchone()
            time.sleep(seconds)
        finally:
            conn.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(name))
    return 0, f"{row[0] if row else 0} sessions ended, connections refused for {seconds:g} s"


class PgProbe(threading.Thread):
    """A new connection to the run's database every 0.25 s: (monotonic moment, whether SELECT 1 worked)."""

    def __init__(self, pg: Pg) -> None:
        super().__init__(daemon=True, name="pg-probe")
        self.params = {k: v for k, v in pg.params.items() if v is not None} | {
            "dbname": pg.name,
            "connect_timeout": 2,
        }
        self.samples: list[tuple[float, bool]] = []
        self.halt = threading.Event()

    def run(self) -> None:
        import psycopg

        while not self.halt.wait(0.25):
            ok = False
            with contextlib.suppress(psycopg.Error), psycopg.connect(**self.params) as conn:
                ok = conn.execute("SELECT 1").fetchone() == (1,)
            self.samples.append((now(), ok))


def outage_window(samples: list[tuple[float, bool]], since: float) -> tuple[float | None, float | None]:
    """(first failure after ``since``, first success after the last failure) of a probe's samples."""
    later = [(t, ok) for t, ok in samples if t >= since]
    failures = [t for t, ok in later if not ok]
    if not failures:
        return None, None
    back = next((t for t, ok in later if ok and t > failures[-1]), None)
    return failures[0], back


def pg_restart_phase(*, pg: Pg, command: list[str], outage: float, killer: Killer, supervisor: Supervisor,
                     managed: list[Managed], web: Managed, probe: Probe, stats: Stats,
                     events: list[str]) -> dict[str, Any]:  # fmt: skip
    """Pause the killer, restart PostgreSQL (or cut the run's database) under the clients' load, watch 25 s;
    the transitions made meanwhile (without kills) are added to the clients' goal."""
    import psutil

    killer.paused.set()
    with stats.lock:
        paused_at_transitions, goal = sum(stats.transitions.values()), stats.target
        stats.target = goal + 1_000_000  # the clients carry on through the whole phase
    time.sleep(3)  # let the supervisor finish any restart under way
    deadline = now() + 60
    while now() < deadline and (  # everything up, and started long enough ago to be at work (Django loaded)
        any(m.pid is None or now() - m.started_at < STARTUP_SECONDS for m in managed)
        or not probe.samples
        or probe.samples[-1][1] != 200
    ):
        time.sleep(0.5)
    before = {m.name: m.starts for m in managed}
    gunicorn_workers: set[int] = set()
    with contextlib.suppress(psutil.Error):
        gunicorn_workers = {p.pid for p in psutil.Process(web.pid or 0).children()}
    label = shlex.join(command) if command else f"outage of {pg.name} for {outage:g} s"
    events.append(f"{time.strftime('%H:%M:%S')} PostgreSQL restart: {label}")
    pg_probe = PgProbe(pg)
    pg_probe.start()
    t0 = now()
    if command:
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=180)  # noqa: S603
        code, output = done.returncode, done.stdout + done.stderr
    else:
        code, output = database_outage(pg, outage)
    t1 = now()
    time.sleep(PG_QUIET)
    pg_probe.halt.set()
    restarted = sorted(m.name for m in managed if m.starts != before[m.name])
    still: set[int] = set()
    with contextlib.suppress(psutil.Error):
        still = {p.pid for p in psutil.Process(web.pid or 0).children()}
    pg_down, pg_back = outage_window(pg_probe.samples, t0)
    app_down, app_back = outage_window([(t, status == 200) for t, status in probe.samples], t0)
    back = pg_back or t1
    with stats.lock:
        first_success = next((t for t in stats.successes if t > back), None)
        during = sum(stats.transitions.values()) - paused_at_transitions
        stats.target = goal + during  # the goal stays that many transitions under SIGKILL
        stats.pg_phase_transitions = during
    killer.paused.clear()

    def since(a: float | None, b: float | None) -> float | None:
        return round(b - a, 2) if a is not None and b is not None else None

    return {
        "command": label, "exit": code, "output": output.strip()[-300:], "command_seconds": round(t1 - t0, 2),
        "database_refused_seconds": since(pg_down, pg_back),
        "readyz_unready_seconds": since(app_down, app_back),
        "readyz_ready_after_database_back": since(pg_back, app_back),
        "first_api_answer_after_database_back": since(back, first_success),
        "processes_restarted_by_supervisor": restarted,
        "gunicorn_workers_replaced": len(gunicorn_workers - still),
        "transitions_meanwhile": during,
        "wall_back": time.time() - (now() - back),
    }  # fmt: skip


# -- the run ---------------------------------------------------------------------------------------------


def pending(pg: Pg) -> dict[str, int]:
    import psycopg

    params = {k: v for k, v in pg.params.items() if v is not None} | {"dbname": pg.name}
    with psycopg.connect(**params) as conn:

        def one(sql: str) -> int:
            row = conn.execute(sql).fetchone()
            return int(row[0]) if row else 0

        return {
            "notifications": one("SELECT count(*) FROM notifications_delivery WHERE channel <> 'inapp' AND status IN ('pending', 'failed')"),
            "dvcqg": one("SELECT count(*) FROM integrations_portalupdate WHERE state = 'pending'"),
            "webhooks": one("SELECT count(*) FROM integrations_webhookdelivery WHERE status IN ('pending', 'failed')"),
            "results": one("SELECT count(*) FROM results_issuedresult WHERE status = 'pending' AND kind = 'electronic'"),
        }  # fmt: skip


def fetch(port: int, path: str) -> Any:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.request("GET", path)
    data = conn.getresponse().read()
    conn.close()
    return json.loads(data)


def first_after(times: list[float], moment: float) -> float | None:
    later = [t for t in times if t >= moment]
    return min(later) - moment if later else None


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add = parser.add_argument
    add("--seed", type=int, default=1, help="the killer's and the clients' RNG seed (1)")
    add("--transitions", type=int, default=200, help="confirmed transitions to drive (200)")
    add("--clients", type=int, default=4, help="client threads (4)")
    add("--kill-every", type=float, default=2.0, help="mean seconds between two SIGKILLs (2)")
    add("--think", type=float, default=0.3, help="mean seconds a client waits before each action (0.3)")
    add("--workers", type=int, default=0, help="gunicorn workers (default: the conf's 2 × cores)")
    add("--timer", type=float, default=10.0, help="seconds between two runs of the scheduled jobs (10)")
    add("--pg-restart", action="store_true", help="restart PostgreSQL halfway (needs the rights)")
    add("--pg-restart-command", default="pg_ctlcluster 15 main restart", help="(%(default)s)")
    add("--pg-outage", type=float, default=0.0, metavar="SECONDS",
        help="instead of restarting the server: refuse connections to the run's own database and end its "
        "sessions for SECONDS (touches no other database)")  # fmt: skip
    add("--task-worker", choices=("task_worker", "db_worker"), default="task_worker",
        help="motcua task_worker (default), or django-tasks-db's db_worker, which a database restart ends")  # fmt: skip
    add("--patience", type=float, default=120.0, help="seconds a client resends one request (120)")
    add("--drain-timeout", type=float, default=180.0, help="seconds to wait for empty queues (180)")
    add("--database-url", default=None, help="(postgres://postgres@127.0.0.1:5432/motcua_chaos_<seed>)")
    add("--keep-db", action="store_true", help="keep the scratch database and the logs")
    add("--out", type=Path, default=ROOT / "var" / "chaos" / "last-run.json")
    args = parser.parse_args()
    if args.transitions < 1 or args.clients < 1 or args.kill_every <= 0 or args.think < 0:
        parser.error("--transitions, --clients and --kill-every must be positive")
    return args


def environment(
    args: argparse.Namespace, pg: Pg, scratch: Path, *, fakes_port: int, web_port: int
) -> dict[str, str]:
    """What every process of the run loads Django with: the load benchmark's (production settings, second
    factors off), then ``benchmarks.chaos.settings``, the fakes as the external systems, files under ``scratch``."""
    env = {
        **os.environ,
        **server_env(pg.url, static_root=ROOT / "var" / "load-static", media_root=scratch / "media"),
        "DJANGO_SETTINGS_MODULE": "benchmarks.chaos.settings",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "MOTCUA_CHAOS_MAIL_DIR": str(scratch / "mail"),
        "MOTCUA_CERTS_DIR": str(scratch / "certs"),
        "MOTCUA_SMS_BACKEND": "motcua.notifications.channels.sms.HttpSmsBackend",
        "MOTCUA_SMS_HTTP_URL": f"http://{HOST}:{fakes_port}/sms",
        "MOTCUA_SMS_HTTP_TIMEOUT": "5",
        "MOTCUA_DVCQG_BACKEND": "http",
        "MOTCUA_DVCQG_URL": f"http://{HOST}:{fakes_port}/dvcqg",
        "MOTCUA_DVCQG_TOKEN": secrets.token_urlsafe(24),
        "MOTCUA_DVCQG_SECRET": secrets.token_urlsafe(24),
        "MOTCUA_DVCQG_TIMEOUT": "5",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"{HOST}:{web_port}",
    }
    if not env.get("MOTCUA_PERSONAL_DATA_KEYS"):  # production refuses to start without it: a key per run
        env["MOTCUA_PERSONAL_DATA_KEYS"] = "1:" + base64.b64encode(secrets.token_bytes(32)).decode()
    if args.workers:
        env["GUNICORN_WORKERS"] = str(args.workers)
    return env


def processes(args: argparse.Namespace, env: dict[str, str], scratch: Path) -> list[Managed]:
    """gunicorn, two task workers, the national-portal sync and the webhook sender: what systemd would run."""
    motcua = [(f"{args.task_worker}-{n}", [args.task_worker, "--interval", "0.5", "-v", "0"]) for n in (1, 2)]
    motcua += [("sync_dvcqg", ["sync_dvcqg", "--loop", "--interval", "1", "-v", "0"]),
               ("deliver_webhooks", ["deliver_webhooks", "--loop", "--interval", "1", "-v", "0"])]  # fmt: skip
    web = Managed("gunicorn", [str(VENV_BIN / "gunicorn"), "-c", "config/gunicorn_conf.py", "config.wsgi"],
                  env, scratch / "gunicorn.log")  # fmt: skip
    return [web, *(Managed(name, [MOTCUA, *argv], env, scratch / f"{name}.log") for name, argv in motcua)]


def run_checks(
    env: dict[str, str], scratch: Path, ledger: dict[str, Any], state: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``world.py verify`` (JSON), and the project's own integrity commands (exit status and output)."""
    ledger_path, state_path = scratch / "ledger.json", scratch / "fakes-state.json"
    ledger_path.write_text(json.dumps(ledger, ensure_ascii=False))
    state_path.write_text(json.dumps(state))
    verify = subprocess.run(  # noqa: S603
        [sys.executable, str(HERE / "world.py"), "verify", "--ledger", str(ledger_path),
         "--fakes-state", str(state_path), "--mail-dir", str(scratch / "mail")],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if verify.returncode:
        raise SystemExit(f"world.py verify failed:\n{verify.stdout[-2000:]}\n{verify.stderr[-3000:]}")
    checks = json.loads(verify.stdout.strip().splitlines()[-1])
    commands = {}
    for argv in (["verify_audit"], ["verify_dossier_history"], ["facts", "--verify"], ["verify_files"]):
        done = subprocess.run([MOTCUA, *argv], cwd=ROOT, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        commands[" ".join(argv)] = {
            "exit": done.returncode,
            "output": (done.stdout + done.stderr).strip()[-400:],
        }
    return checks, commands


def deliveries_after(
    pg_result: dict[str, Any], state: dict[str, Any], mail_dir: Path
) -> dict[str, float | None]:
    """Seconds from the database's return to the first request of each worker kind at the fakes."""
    wall = pg_result["wall_back"]
    return {
        "sms (task worker)": first_after([t for ts in state["sms"].values() for t in ts], wall),
        "e-mail (task worker)": first_after([p.stat().st_mtime for p in mail_dir.glob("*.log")], wall),
        "national portal (sync_dvcqg)": first_after([t for ts in state["dvcqg"]["requests"].values() for t in ts], wall),
        "webhooks (deliver_webhooks)": first_after([t for t, _uid, _v in state["webhooks"]["requests"]], wall),
    }  # fmt: skip


def verdicts_of(args: argparse.Namespace, stats: Stats, checks: dict[str, Any], commands: dict[str, Any],
                counts: dict[str, int], drain_seconds: float, pg_result: dict[str, Any] | None) -> list[tuple[str, str, bool]]:  # fmt: skip
    d = checks["dossiers"]
    total = stats.total_transitions()
    verdicts = [
        (
            "transitions confirmed",
            f"{total} (asked {args.transitions} under SIGKILL + {stats.pg_phase_transitions} "
            "during the PostgreSQL restart)",
            total >= stats.target,
        ),
        ("client anomalies (neither before nor after)", str(len(stats.anomalies)), not stats.anomalies),
        ("requests given up (no answer in --patience)", str(len(stats.abandoned)), not stats.abandoned),
        ("dossiers whose last action the client never saw", f"{d['unconfirmed_applied']} applied", True),
        ("dossiers lost", str(d["lost"]), d["lost"] == 0),
        ("dossiers half-applied", str(d["half_applied"]), d["half_applied"] == 0),
        ("queues drained", f"{json.dumps(counts)} after {drain_seconds:.0f} s", not any(counts.values())),
    ]
    for key, label in (("notifications_sms", "SMS"), ("notifications_email", "e-mail"),
                       ("dvcqg", "national portal"), ("webhooks", "webhooks")):  # fmt: skip
        c = checks[key]
        unsettled = c.get("not_sent", c.get("not_delivered", 0))
        ok = not (c["missing"] or c["duplicated"] or c["stray"] or unsettled)
        ok = ok and not (c.get("out_of_order") or c.get("refused_signature"))
        resent = (
            f", {c['resent_answered_duplicate']} resent (answered duplicate)"
            if "resent_answered_duplicate" in c
            else ""
        )
        verdicts.append((f"{label} exactly once",
                         f"{c['rows']} rows: {c['missing']} missing, {c['duplicated']} twice, {c['stray']} stray{resent}", ok))  # fmt: skip
    for name, outcome in commands.items():
        verdicts.append((f"motcua {name}", f"exit {outcome['exit']}", outcome["exit"] == 0))
    if pg_result is not None:
        restarted = pg_result["processes_restarted_by_supervisor"]
        ok = (
            pg_result["exit"] == 0
            and not restarted
            and pg_result["first_api_answer_after_database_back"] is not None
        )
        verdicts.append(("recovered from the PostgreSQL restart by itself",
                         f"processes the supervisor had to restart: {', '.join(restarted) or 'none'}", ok))  # fmt: skip
    return verdicts


def report(args: argparse.Namespace, *, stats: Stats, ledger: dict[str, Any], managed: list[Managed], timer: Timer,
           killer: Killer, checks: dict[str, Any], commands: dict[str, Any], pg_result: dict[str, Any] | None,
           verdicts: list[tuple[str, str, bool]], seconds: dict[str, float]) -> list[str]:  # fmt: skip
    d = checks["dossiers"]
    kills = dict(killer.kills)
    crashes = {m.name: m.crashes for m in managed if m.crashes}
    lines = [
        "",
        f"chaos run, seed {args.seed}: {stats.total_transitions()} transitions on {len(ledger)} dossiers by "
        f"{args.clients} clients in {seconds['drive']:.0f} s, then {seconds['drain']:.0f} s of draining "
        f"(world built in {seconds['prepare']:.0f} s; {seconds['total']:.0f} s in all)",
        f"  transitions: {dict(stats.transitions)}",
        f"  SIGKILLs: {sum(kills.values())} — {kills}",
        f"  restarts by the supervisor: { {m.name: m.starts - 1 for m in managed} }; exits nobody asked for: "
        f"{crashes or 'none'}; scheduled jobs: {timer.runs} runs, {timer.failures} failed, {timer.kills} killed",
        f"  requests: {stats.requests} attempts; {stats.retried_requests} requests sent again after no answer; "
        f"attempts without an answer: {dict(stats.failed_attempts)}",
        f"  lost answers whose action had been applied (settled by reading back): {stats.lost_answers_applied}; "
        f"actions sent again after a signed result changed the version: {stats.system_bumps}; extra drafts left "
        f"by a lost creation answer: {stats.drafts_adopted}",
        f"  dossiers by status: {d['by_status']}; events {d['events']}; task rows {checks['tasks']}",
    ]
    if pg_result is not None:
        lines.append(
            f"  PostgreSQL restart ({pg_result['command']}): {pg_result['command_seconds']} s, exit {pg_result['exit']}; "
            f"the database refused connections for {pg_result['database_refused_seconds']} s; /readyz not ready for "
            f"{pg_result['readyz_unready_seconds']} s, ready again {pg_result['readyz_ready_after_database_back']} s "
            f"after the database was back; first API answer {pg_result['first_api_answer_after_database_back']} s "
            f"after it; first request of each worker at the fakes after it (s): "
            f"{ {k: None if v is None else round(v, 1) for k, v in pg_result['first_delivery_after_restart_s'].items()} }; "
            f"{pg_result['transitions_meanwhile']} transitions meanwhile; "
            f"gunicorn workers replaced: {pg_result['gunicorn_workers_replaced']}"
        )
    lines += ["", f"  {'check':<48} {'result':<78} ok"]
    lines += [f"  {name:<48} {value:<78} {'yes' if ok else 'NO'}" for name, value, ok in verdicts]
    lines += [f"  ! {problem}" for problem in (stats.anomalies + stats.abandoned + d["problems"])[:20]]
    lines += [f"  ! motcua {name}: {o['output']}" for name, o in commands.items() if o["exit"]]
    return lines


def main() -> int:
    args = parse_args()
    url = args.database_url or f"postgres://postgres@127.0.0.1:5432/motcua_chaos_{args.seed}"
    pg = Pg.from_url(url, who="the chaos run", loopback_only=True)
    if pg.exists():
        raise SystemExit(f"database {pg.name} already exists: drop it or name another with --database-url")
    scratch = Path(tempfile.mkdtemp(prefix="motcua-chaos-"))
    (scratch / "mail").mkdir()
    fakes_port, web_port = free_port(HOST), free_port(HOST)
    env = environment(args, pg, scratch, fakes_port=fakes_port, web_port=web_port)
    events: list[str] = []
    fakes: subprocess.Popen[bytes] | None = None
    supervisor: Supervisor | None = None
    timer: Timer | None = None
    killer: Killer | None = None
    probe: Probe | None = None
    clients: list[Client] = []
    failed = True
    started = now()
    try:
        print(f"PostgreSQL {pg.version()}: creating {pg.name}; logs in {scratch}", flush=True)
        pg.create()
        fixture_path = scratch / "fixture.json"
        prepare = [sys.executable, str(HERE / "world.py"), "prepare", "--fixture", str(fixture_path),
                   "--receiver-url", f"http://{HOST}:{fakes_port}/webhook"]  # fmt: skip
        with (scratch / "prepare.log").open("wb") as out:
            built = subprocess.run(prepare, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, check=False)  # noqa: S603  # fmt: skip
        if built.returncode:
            print(tail(scratch / "prepare.log"), file=sys.stderr)
            return 1
        collect = [sys.executable, "-m", "django", "collectstatic", "--noinput", "-v0"]
        subprocess.run(collect, cwd=ROOT, env=env, check=True)  # noqa: S603 - production's manifest needs it
        prepare_seconds = now() - started
        print(f"world ready in {prepare_seconds:.0f} s (migrations, demo organisation, accounts, calendar, "
              "BENCH.001, certificates, API keys)", flush=True)  # fmt: skip
        fixture = json.loads(fixture_path.read_text())

        with (scratch / "fakes.log").open("wb") as out:
            fakes = subprocess.Popen(  # noqa: S603
                [sys.executable, str(HERE / "fakes.py"), "--port", str(fakes_port), "--webhook-secret", fixture["webhook_secret"]],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        managed = processes(args, env, scratch)
        web, tasks, dvcqg, webhooks = managed[0], managed[1:3], managed[3], managed[4]
        for m in managed:
            m.start()
        assert web.process is not None  # noqa: S101
        load_run.wait_ready(HOST, web_port, web.process, web.log)
        fetch(fakes_port, "/_state")  # the fakes answer too
        supervisor = Supervisor(managed, events)
        supervisor.start()
        timer = Timer(env, scratch / "scheduled-jobs.log", args.timer)
        timer.start()
        workers = int(env.get("GUNICORN_WORKERS") or 2 * (os.cpu_count() or 1))
        print(
            f"gunicorn on {HOST}:{web_port} ({workers} gthread workers × 2 threads, config/gunicorn_conf.py), 2 "
            f"{args.task_worker}, sync_dvcqg --loop, deliver_webhooks --loop, deliver_notifications and issue_results "
            f"every {args.timer:g} s; fakes on {HOST}:{fakes_port}; {args.clients} clients, a SIGKILL every "
            f"{args.kill_every:g} s on average, {args.think:g} s of thinking before each action (seed {args.seed}); {os.cpu_count()} CPUs, load average "
            f"{os.getloadavg()[0]:.1f}",
            flush=True,
        )

        stats, numbers = Stats(target=args.transitions), Numbers()
        ledger: dict[str, dict[str, Any]] = {}
        api = Api(web_port, fixture["keys"], stats, patience=args.patience)
        pdf = Path(fixture["pdf"]).read_bytes()
        clients = [Client(n, api=api, fixture=fixture, pdf=pdf, seed=args.seed, think=args.think,
                          ledger=ledger, counter=numbers, stats=stats) for n in range(args.clients)]  # fmt: skip
        killer = Killer(rng=random.Random(args.seed), every=args.kill_every, web=web, tasks=tasks, dvcqg=dvcqg,
                        webhooks=webhooks, timer=timer, supervisor=supervisor, events=events)  # fmt: skip
        probe = Probe(web_port)
        probe.start()
        t_drive = now()
        for c in clients:
            c.start()
        killer.start()
        pg_result: dict[str, Any] | None = None
        last_report = now()
        while any(c.is_alive() for c in clients):
            time.sleep(0.5)
            done = stats.total_transitions()
            if (args.pg_restart or args.pg_outage) and pg_result is None and done >= args.transitions // 2:
                what = (
                    f"a {args.pg_outage:g} s outage of {pg.name}"
                    if args.pg_outage
                    else args.pg_restart_command
                )
                print(f"… {done} transitions: restarting PostgreSQL ({what})", flush=True)
                pg_result = pg_restart_phase(
                    pg=pg, command=[] if args.pg_outage else shlex.split(args.pg_restart_command),
                    outage=args.pg_outage, killer=killer, supervisor=supervisor, managed=managed, web=web,
                    probe=probe, stats=stats, events=events,
                )  # fmt: skip
                shown = {k: v for k, v in pg_result.items() if k != "wall_back"}
                print(f"  {json.dumps(shown, ensure_ascii=False)}", flush=True)
            if now() - last_report > 15:
                last_report = now()
                print(
                    f"… {done} transitions, {sum(killer.kills.values())} kills, {now() - t_drive:.0f} s",
                    flush=True,
                )
        drive_seconds = now() - t_drive
        killer.halt.set()
        killer.join(timeout=5)
        print(
            f"clients done: {stats.total_transitions()} transitions in {drive_seconds:.0f} s; draining",
            flush=True,
        )

        t_drain = now()  # every process is up again (the supervisor still runs): wait for empty queues
        counts = pending(pg)
        while any(counts.values()) and now() - t_drain < args.drain_timeout:
            time.sleep(2)
            counts = pending(pg)
        drain_seconds = now() - t_drain
        state = fetch(fakes_port, "/_state")
        timer.halt.set()
        supervisor.stop_all()
        probe.halt.set()

        checks, commands = run_checks(env, scratch, ledger, state)
        if pg_result is not None:
            pg_result["first_delivery_after_restart_s"] = deliveries_after(pg_result, state, scratch / "mail")
        verdicts = verdicts_of(args, stats, checks, commands, counts, drain_seconds, pg_result)
        failed = not all(ok for _n, _v, ok in verdicts)
        seconds = {
            "prepare": prepare_seconds,
            "drive": drive_seconds,
            "drain": drain_seconds,
            "total": now() - started,
        }
        lines = report(args, stats=stats, ledger=ledger, managed=managed, timer=timer, killer=killer, checks=checks,
                       commands=commands, pg_result=pg_result, verdicts=verdicts, seconds=seconds)  # fmt: skip
        print("\n".join(lines))
        result = {
            "seed": args.seed, "transitions_asked": args.transitions, "database": pg.name, "argv": sys.argv[1:],
            "transitions": dict(stats.transitions), "dossiers": len(ledger), "seconds": seconds,
            "kills": dict(killer.kills), "crashes": {m.name: m.crashes for m in managed},
            "restarts": {m.name: m.starts - 1 for m in managed}, "requests": stats.requests,
            "retried_requests": stats.retried_requests, "failed_attempts": dict(stats.failed_attempts),
            "lost_answers_applied": stats.lost_answers_applied, "system_bumps": stats.system_bumps,
            "drafts_adopted": stats.drafts_adopted, "anomalies": stats.anomalies, "abandoned": stats.abandoned, "checks": checks,
            "commands": commands, "pg_restart": pg_result, "verdicts": verdicts, "events": events, "report": lines,
        }  # fmt: skip
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False, default=str))
        print(f"\nwritten {args.out}")
        return 1 if failed else 0
    except KeyboardInterrupt:
        print("\ninterrupted: stopping everything", file=sys.stderr)
        return 130
    finally:
        for c in clients:
            c.halt.set()
        if killer is not None:
            killer.halt.set()
        if timer is not None:
            timer.halt.set()
            timer.kill()
        if probe is not None:
            probe.halt.set()
        if supervisor is not None:
            supervisor.stop_all()
        stop(fakes, signal.SIGTERM, timeout=10)
        if args.keep_db:
            print(f"kept {pg.name} and {scratch}")
        else:
            with contextlib.suppress(Exception):
                pg.drop()
            if failed:
                print(f"logs kept in {scratch}", file=sys.stderr)
            else:
                shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
