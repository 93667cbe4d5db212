"""The load benchmark (issue 11): Locust against gunicorn + PostgreSQL with ~100,000 dossiers, on loopback.

    .venv/bin/python benchmarks/load/run.py                                   # 20, 50, 100 req/s, 60 s each
    .venv/bin/python benchmarks/load/run.py --rates 20,50,100,20 --duration 90
    .venv/bin/python benchmarks/load/run.py --dossiers 5000 --duration 20 --warmup 10 \\
        --database-url postgres://postgres@127.0.0.1:5432/motcua_load_small   # a quick run to try it out

One command, in order:

1. ``seed.py``: creates ``motcua_load`` with the demo data and ``--dossiers`` simulated dossiers, or reuses
   it when it already holds about that many (the first build of 100,000 takes a few minutes), and writes the
   Locust users' fixture (accounts, procedures, dossier codes to look up);
2. ``collectstatic`` into ``var/load-static`` (production's manifest storage needs it);
3. gunicorn as production runs it — ``gunicorn -c config/gunicorn_conf.py config.wsgi`` (gthread, 2 threads
   per worker, ``--workers`` workers, default 2 × cores, worker recycling, the redacting access log, here to
   a file) — on 127.0.0.1 and a free port, with ``benchmarks.load.settings``: ``config.settings.prod`` with
   only the changes plain HTTP on loopback needs (cookies not marked Secure, no HTTPS redirect, the status
   look-up's limit per address lifted; see that module). ``MOTCUA_STAFF_TOTP_REQUIRED=0`` and
   ``MOTCUA_CITIZEN_OTP=0``: the simulated users sign in with the password form alone;
4. Locust, headless, with the users of ``locustfile.py`` and its stage shape: for each rate of ``--rates``,
   ``rate / --user-rate`` users for ``--warmup`` + ``--duration`` seconds; only the requests that end in
   the last ``--duration`` seconds of a stage are counted (the warm-up covers the new users' sign-in);
5. meanwhile, every second, the CPU time of gunicorn (master and workers), of the PostgreSQL backends
   serving the benchmark database, of Locust itself, and of the whole machine (it is shared);
6. prints per stage: offered and achieved throughput, p50/p95/p99 and errors per request class next to
   ``GET /healthz`` (the trivial endpoint, measured in the same stage), the read and submission totals against
   the goals of issue 11 (0 errors; at 20 req/s p95 < 300 ms for reads, < 800 ms for submissions), and CPU;
   writes the whole result to ``var/load/last-run.json`` (outside version control).

gunicorn and Locust are always stopped at the end, also on Ctrl+C. The database is kept for the next run
(``seed.py --drop`` removes it). Refuses any host that is not a loopback address.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import importlib.metadata
import json
import math
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DEFAULT_DATABASE_URL, DEFAULT_DOSSIERS, HERE, ROOT, VENV_BIN, Pg, loopback, server_env

READ_GOAL_MS = 300.0
SUBMISSION_GOAL_MS = 800.0
GOAL_RATE = 20.0
BASELINE_NAME = "GET /healthz"


# -- processes ------------------------------------------------------------------------------------------


def free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def stop(process: subprocess.Popen[bytes] | None, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def tail(path: Path, lines: int = 25) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    return ""


def wait_ready(host: str, port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}:\n{tail(log)}")
        with contextlib.suppress(OSError):
            conn = http.client.HTTPConnection(host, port, timeout=5)
            conn.request("GET", "/readyz")
            response = conn.getresponse()
            body = response.read()
            conn.close()
            if response.status == 200:
                return
            raise SystemExit(f"/readyz answered {response.status}: {body[:300]!r}")
        time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer within 90 s:\n{tail(log)}")


# -- CPU ----------------------------------------------------------------------------------------------------


@dataclass
class CpuGroup:
    """Cumulative CPU seconds of a changing set of processes (a process that ends keeps its last reading)."""

    last: dict[int, float] = field(default_factory=dict)

    def total(self, processes: list[Any]) -> float:
        import psutil

        for p in processes:
            with contextlib.suppress(psutil.Error):
                t = p.cpu_times()
                self.last[p.pid] = t.user + t.system
        return sum(self.last.values())


class CpuSampler(threading.Thread):
    """Every second: CPU seconds so far of gunicorn, the database's backends, Locust, and the machine."""

    def __init__(self, *, gunicorn_pid: int, database: str) -> None:
        super().__init__(daemon=True)
        self.gunicorn_pid, self.database = gunicorn_pid, database
        self.locust_pid: int | None = None
        self.samples: list[tuple[float, float, float, float, float, float]] = []
        self.groups = {"gunicorn": CpuGroup(), "postgres": CpuGroup(), "locust": CpuGroup()}
        self.halt = threading.Event()

    def run(self) -> None:
        import psutil

        while not self.halt.is_set():
            with contextlib.suppress(psutil.Error):
                master = psutil.Process(self.gunicorn_pid)
                gunicorn = [master, *master.children(recursive=True)]
                backends = [
                    p for p in psutil.process_iter(["name", "cmdline"])
                    if p.info["name"] == "postgres" and any(f" {self.database} " in c for c in (p.info["cmdline"] or []))
                ]  # fmt: skip
                locust = []
                if self.locust_pid:
                    with contextlib.suppress(psutil.Error):
                        lp = psutil.Process(self.locust_pid)
                        locust = [lp, *lp.children(recursive=True)]
                machine = psutil.cpu_times()
                busy = (
                    machine.user
                    + machine.system
                    + machine.nice
                    + getattr(machine, "irq", 0)
                    + getattr(machine, "softirq", 0)
                )
                self.samples.append(
                    (time.time(), self.groups["gunicorn"].total(gunicorn), self.groups["postgres"].total(backends),
                     self.groups["locust"].total(locust), busy, os.getloadavg()[0])
                )  # fmt: skip
            self.halt.wait(1.0)

    def window(self, start: float, end: float) -> dict[str, float]:
        """Cores used by each group between ``start`` and ``end`` (epoch seconds), and the machine's load."""
        inside = [s for s in self.samples if start <= s[0] <= end]
        if len(inside) < 2:
            return {}
        a, b = inside[0], inside[-1]
        span = b[0] - a[0]
        return {
            "gunicorn_cores": (b[1] - a[1]) / span,
            "postgres_cores": (b[2] - a[2]) / span,
            "locust_cores": (b[3] - a[3]) / span,
            "machine_cores": (b[4] - a[4]) / span,
            "load_average": statistics.fmean(s[5] for s in inside),
        }


# -- figures --------------------------------------------------------------------------------------------------


def percentile(ordered: list[float], p: float) -> float:
    """Nearest-rank percentile of sorted values."""
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def summary(values: list[float], failures: int = 0) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "errors": failures,
        "mean": statistics.fmean(ordered) if ordered else math.nan,
        "p50": percentile(ordered, 50),
        "p95": percentile(ordered, 95),
        "p99": percentile(ordered, 99),
        "max": ordered[-1] if ordered else math.nan,
    }


def analyse(raw: dict[str, Any], cpu: CpuSampler) -> list[dict[str, Any]]:
    kinds: dict[str, str] = raw["kinds"]
    stages = []
    for stage in raw["stages"]:
        samples: dict[str, list[float]] = stage["samples"]
        failures: dict[str, int] = stage["failures"]
        by_name = {name: summary(v, failures.get(name, 0)) | {"kind": kinds.get(name, "read")}
                   for name, v in samples.items()}  # fmt: skip
        by_kind = {}
        for kind in ("baseline", "read", "submission", "signin"):
            names = [n for n in samples if kinds.get(n) == kind]
            values = [v for n in names for v in samples[n]]
            by_kind[kind] = summary(values, sum(failures.get(n, 0) for n in names))
        window = stage["window"]
        total = sum(len(v) for v in samples.values())
        stages.append({
            "rate": stage["rate"], "users": stage["users"], "window": window,
            "requests": total, "throughput": total / raw["duration"] if raw["duration"] else math.nan,
            "errors": sum(failures.values()), "error_messages": stage["errors"],
            "by_kind": by_kind, "by_name": by_name,
            "cpu": cpu.window(window[0], window[1]) if window else {},
        })  # fmt: skip
    return stages


def fmt(value: float, digits: int = 0) -> str:
    return (
        "—" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:,.{digits}f}"
    )


def ratio(value: float, base: float) -> str:
    if not base or math.isnan(base) or math.isnan(value):
        return "—"
    return f"{value / base:.1f}×"


def report(stages: list[dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    for stage in stages:
        base = stage["by_kind"]["baseline"]
        cpu = stage["cpu"]
        lines.append("")
        lines.append(
            f"── {fmt(stage['rate'])} req/s offered ({stage['users']} users): {stage['requests']:,} requests in the "
            f"window, {fmt(stage['throughput'], 1)} req/s achieved, {stage['errors']} errors"
        )
        if cpu:
            lines.append(
                f"   CPU (cores): gunicorn {cpu['gunicorn_cores']:.2f}, PostgreSQL {cpu['postgres_cores']:.2f}, "
                f"Locust {cpu['locust_cores']:.2f}, whole machine {cpu['machine_cores']:.2f} of {os.cpu_count()}; "
                f"load average {cpu['load_average']:.1f}"
            )
        header = f"   {'request':<48} {'kind':<10} {'n':>6} {'err':>4} {'p50':>7} {'p95':>7} {'p99':>7} {'p50×b':>7} {'p95×b':>7}"
        lines.append(header)
        rows = [(f"[{k}] all", k, s) for k, s in stage["by_kind"].items() if s["n"]]
        rows += sorted(((n, s["kind"], s) for n, s in stage["by_name"].items()), key=lambda r: -r[2]["p95"])
        for name, kind, s in rows:
            lines.append(
                f"   {name[:48]:<48} {kind:<10} {s['n']:>6} {s['errors']:>4} {fmt(s['p50']):>7} {fmt(s['p95']):>7} "
                f"{fmt(s['p99']):>7} {ratio(s['p50'], base['p50']):>7} {ratio(s['p95'], base['p95']):>7}"
            )
        for message, count in list(stage["error_messages"].items())[:10]:
            lines.append(f"   error ×{count}: {message}")
    return lines


def goals(stages: list[dict[str, Any]]) -> list[str]:
    lines = [""]
    errors = sum(s["errors"] for s in stages)
    lines.append(f"Goal 0 errors: {errors} errors over all stages — {'met' if errors == 0 else 'NOT met'}.")
    at_goal = [s for s in stages if s["rate"] == GOAL_RATE]
    for n, stage in enumerate(at_goal, start=1):
        reads, subs = stage["by_kind"]["read"], stage["by_kind"]["submission"]
        slow_reads = [
            name for name, s in stage["by_name"].items() if s["kind"] == "read" and s["p95"] >= READ_GOAL_MS
        ]
        slow_subs = [
            name
            for name, s in stage["by_name"].items()
            if s["kind"] == "submission" and s["p95"] >= SUBMISSION_GOAL_MS
        ]
        which = f" (run {n} of {len(at_goal)})" if len(at_goal) > 1 else ""
        lines.append(
            f"At {fmt(GOAL_RATE)} req/s{which}: reads p95 {fmt(reads['p95'])} ms (goal < {fmt(READ_GOAL_MS)}) — "
            f"{'met' if reads['p95'] < READ_GOAL_MS else 'NOT met'}; submissions p95 {fmt(subs['p95'])} ms "
            f"(goal < {fmt(SUBMISSION_GOAL_MS)}) — {'met' if subs['p95'] < SUBMISSION_GOAL_MS else 'NOT met'}."
        )
        if slow_reads or slow_subs:
            lines.append(
                f"   request classes over their goal on their own: {', '.join(slow_reads + slow_subs)}"
            )
    return lines


# -- the run -------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", default=os.environ.get("MOTCUA_LOAD_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument(
        "--dossiers", type=int, default=DEFAULT_DOSSIERS, help=f"seeded dossiers ({DEFAULT_DOSSIERS:,})"
    )
    parser.add_argument("--reseed", action="store_true", help="drop and seed the database again")
    parser.add_argument(
        "--rates", default="20,50,100", help="offered requests per second, one stage each (20,50,100)"
    )
    parser.add_argument("--duration", type=float, default=60, help="measured seconds per stage (60)")
    parser.add_argument("--warmup", type=float, default=30, help="seconds before each measurement (30)")
    parser.add_argument(
        "--user-rate", type=float, default=1.0, help="requests a second per simulated user (1)"
    )
    parser.add_argument(
        "--workers", type=int, default=0, help="gunicorn workers (default: the conf's 2 × cores)"
    )
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to serve on (127.0.0.1)")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "load" / "last-run.json")
    args = parser.parse_args()
    if not loopback(args.host):
        parser.error(
            f"--host {args.host!r} is not a loopback address: the benchmark never leaves this machine"
        )
    rates = [float(r) for r in args.rates.split(",") if r.strip()]
    if not rates or min(rates) <= 0 or args.duration <= 0 or args.warmup < 0 or args.user_rate <= 0:
        parser.error("rates, --duration and --user-rate must be positive")
    pg = Pg.from_url(args.database_url, who="the load benchmark", loopback_only=True)

    scratch = Path(tempfile.mkdtemp(prefix="motcua-load-"))
    fixture, results = scratch / "fixture.json", scratch / "locust-results.json"
    env = {
        **os.environ,
        **server_env(
            pg.url, static_root=ROOT / "var" / "load-static", media_root=ROOT / "var" / "load" / "media"
        ),
    }
    gunicorn: subprocess.Popen[bytes] | None = None
    locust: subprocess.Popen[bytes] | None = None
    sampler: CpuSampler | None = None
    interrupted = False
    try:
        started = time.perf_counter()
        seed = [sys.executable, str(HERE / "seed.py"), "--database-url", pg.url, "--dossiers", str(args.dossiers),
                "--fixture", str(fixture)] + (["--reseed"] if args.reseed else [])  # fmt: skip
        if subprocess.run(seed, cwd=ROOT, env=env, check=False).returncode != 0:  # noqa: S603
            return 1
        print(f"database ready in {time.perf_counter() - started:.1f} s")
        subprocess.run(
            [sys.executable, "-m", "django", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )

        port = free_port(args.host)
        log = scratch / "gunicorn.log"
        server_env_extra = {"GUNICORN_BIND": f"{args.host}:{port}"}
        if args.workers:
            server_env_extra["GUNICORN_WORKERS"] = str(args.workers)
        with log.open("wb") as out:
            gunicorn = subprocess.Popen(  # noqa: S603
                [str(VENV_BIN / "gunicorn"), "-c", "config/gunicorn_conf.py", "config.wsgi"],
                cwd=ROOT, env={**env, **server_env_extra}, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        wait_ready(args.host, port, gunicorn, log)
        workers = args.workers or 2 * (os.cpu_count() or 1)
        print(
            f"gunicorn {importlib.metadata.version('gunicorn')} on {args.host}:{port} (config/gunicorn_conf.py, "
            f"{workers} gthread workers × 2 threads), settings benchmarks.load.settings (prod), "
            f"PostgreSQL {pg.version()} ({pg.name}), Locust {importlib.metadata.version('locust')}, "
            f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
        )

        sampler = CpuSampler(gunicorn_pid=gunicorn.pid, database=pg.name)
        sampler.start()
        stage_seconds = args.warmup + args.duration
        print(
            f"stages {', '.join(fmt(r) for r in rates)} req/s: {fmt(args.warmup)} s warm-up + {fmt(args.duration)} s "
            f"measured each, {args.user_rate:g} req/s per user (~{fmt(stage_seconds * len(rates) / 60, 1)} min)"
        )
        locust_env = {
            **env,
            "MOTCUA_LOAD_FIXTURE": str(fixture), "MOTCUA_LOAD_STAGES": ",".join(str(r) for r in rates),
            "MOTCUA_LOAD_USER_RATE": str(args.user_rate), "MOTCUA_LOAD_WARMUP": str(args.warmup),
            "MOTCUA_LOAD_DURATION": str(args.duration), "MOTCUA_LOAD_RESULTS": str(results),
        }  # fmt: skip
        locust_log = scratch / "locust.log"
        with locust_log.open("wb") as out:
            locust = subprocess.Popen(  # noqa: S603
                [str(VENV_BIN / "locust"), "-f", str(HERE / "locustfile.py"), "--headless", "--only-summary",
                 "--host", f"http://{args.host}:{port}", "--loglevel", "WARNING", "--stop-timeout", "10"],
                cwd=ROOT, env=locust_env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        sampler.locust_pid = locust.pid
        deadline = time.monotonic() + stage_seconds * len(rates) + 120
        while locust.poll() is None:
            if time.monotonic() > deadline:
                print("Locust overran its schedule: stopping it", file=sys.stderr)
                stop(locust, signal.SIGINT)
                break
            time.sleep(1)
        if not results.exists():
            print(f"Locust wrote no results:\n{tail(locust_log)}", file=sys.stderr)
            return 1
    except KeyboardInterrupt:
        interrupted = True
        print("\ninterrupted: stopping Locust and gunicorn", file=sys.stderr)
        stop(locust, signal.SIGINT)
        if not results.exists():
            return 130
    finally:
        stop(locust, signal.SIGINT)
        if sampler is not None:
            sampler.halt.set()
            sampler.join(timeout=5)
        stop(gunicorn, signal.SIGTERM, timeout=40)

    raw = json.loads(results.read_text())
    stages = analyse(raw, sampler) if sampler else []
    lines = report(stages) + goals(stages)
    print("\n".join(lines))
    server_log = scratch / "gunicorn.log"
    server_errors = [
        line
        for line in server_log.read_text(errors="replace").splitlines()
        if "Traceback" in line or " ERROR " in line
    ]
    if server_errors:
        print(
            f"\ngunicorn's log has {len(server_errors)} error lines; the last ones:\n{tail(server_log, 15)}"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "rates": rates, "duration": args.duration, "warmup": args.warmup, "user_rate": args.user_rate,
        "dossiers": args.dossiers, "database": pg.name, "stages": stages, "report": lines,
    }, indent=1, default=str))  # fmt: skip
    print(f"\nwritten {args.out}")
    shutil.rmtree(scratch, ignore_errors=True)
    return 130 if interrupted else 0


if __name__ == "__main__":
    sys.exit(main())
