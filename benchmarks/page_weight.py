"""Page weight and load time of the main pages under 3G throttling (issue 12), in headless Chromium.

    .venv/bin/python benchmarks/page_weight.py                   # every page, no throttling, Regular 3G, Slow 3G
    .venv/bin/python benchmarks/page_weight.py --repeat 3        # the median of 3 cold loads per page and profile
    .venv/bin/python benchmarks/page_weight.py --pages home,search --profiles slow3g

What it does, in one run:

1. In a temporary directory: a SQLite database, migrated, with the demo data (``seed_demo --history N``, the
   agency certificates of ``dev_certs``, and one ``db_worker --batch`` for what production's worker does after
   the commits, such as signing the results), and ``collectstatic`` — production's
   compressed manifest storage (whitenoise serves the ``.br``/``.gz`` files and far-future cache headers).
2. gunicorn as production runs it (``gunicorn -c config/gunicorn_conf.py config.wsgi``, 2 workers) on 127.0.0.1
   and a free port, with ``benchmarks.load.settings`` (``config.settings.prod`` with only what plain HTTP on
   loopback needs) and both second factors off, so a script can sign in with the password form.
3. Debian's chromium through Playwright (never ``playwright install``; ``MOTCUA_CHROMIUM`` overrides the
   path). Each measured load is a new browser context — an empty cache, as a first visit — signed in when the
   page needs it (the session cookies are copied from a context that signed in through the form). The network
   is throttled through the DevTools protocol (``Network.emulateNetworkConditions``) with the presets below.
4. Per page: the bytes transferred (``encodedDataLength`` of each response: headers plus body as it came over
   the wire, compressed or not) by kind — HTML, CSS, JS, images, fonts, other — the request count, and the
   load time (``loadEventEnd`` of the navigation timing) per profile. The HTML is served uncompressed by
   Django (no GZipMiddleware, as in production where the reverse proxy may compress it); the "HTML gz" column
   is the same document gzipped (level 6) here, what a proxy with gzip on would send. Then the same page is
   opened again in the same context ("lần sau": the next page of a visit, static files in the browser's cache
   thanks to whitenoise's far-future headers on hashed names): its bytes and its time on the slowest profile.

CPU is not throttled: a 2-core machine shared with other work, so the load times of the unthrottled profile
include the server's time under whatever else runs; the 3G figures are dominated by the network model.
Everything (gunicorn, the browser, the temporary directory) is removed at the end, also on Ctrl+C; with
``--data DIR`` the database and static files are kept there and reused by the next run with the same DIR.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import gzip
import http.client
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
CHROMIUM = Path(os.environ.get("MOTCUA_CHROMIUM", "/usr/bin/chromium"))
PASSWORD = "motcua-demo-2026"  # noqa: S105  # the demo accounts' published password
CITIZEN = "038195001234"
OFFICER = "motcua.tinh"
PROVINCE_ADMIN = "quantri.tinh"  # sees the province's scorecard, with its trend chart (Chart.js)
PROCEDURE = "1.013831"

# Chrome DevTools' network presets, as bytes per second and milliseconds of added round-trip latency.
# "Slow 3G" is today's DevTools preset (400 kbit/s each way, 2,000 ms); "Regular 3G" the older DevTools and
# WebPageTest profile (750 kbit/s down, 250 kbit/s up, 100 ms).
PROFILES: dict[str, dict[str, Any]] = {
    "none": {"label": "không giới hạn", "latency": 0, "down": -1, "up": -1},
    "regular3g": {"label": "Regular 3G", "latency": 100, "down": 750 * 1024 / 8, "up": 250 * 1024 / 8},
    "slow3g": {"label": "Slow 3G", "latency": 2000, "down": 400 * 1024 / 8, "up": 400 * 1024 / 8},
}
KINDS = {"Document": "html", "Stylesheet": "css", "Script": "js", "Image": "img", "Font": "font"}


@dataclass
class Page:
    key: str
    label: str
    path: str
    who: str = ""  # who is signed in: nobody, CITIZEN, OFFICER or PROVINCE_ADMIN


@dataclass
class Load:
    bytes_by_kind: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    html_raw: int = 0
    html_gzip: int = 0
    load_ms: float = 0.0
    again_bytes: int = 0  # the same page opened again in the same visit: the browser's cache holds the rest
    again_ms: float = 0.0


def pages(result_code: str) -> list[Page]:
    return [
        Page("home", "Trang chủ", "/"),
        Page("search", "Tìm thủ tục (không dấu)", "/thu-tuc/?q=dang+ky+khai+sinh"),
        Page("procedure", "Chi tiết thủ tục", f"/thu-tuc/{PROCEDURE}/"),
        Page("lookup", "Tra cứu hồ sơ", "/tra-cuu-ho-so/"),
        Page("verify", "Xác thực kết quả", f"/verify/{result_code}/"),
        Page("feedback", "Gửi phản ánh", "/phan-anh-kien-nghi/gui/"),
        Page("quality", "Chất lượng phục vụ", "/danh-gia-chat-luong/"),
        Page("login", "Đăng nhập", "/tai-khoan/dang-nhap/"),
        Page("apply", "Nộp hồ sơ (bước 1)", f"/thu-tuc/{PROCEDURE}/nop-ho-so/", CITIZEN),
        Page("mine", "Hồ sơ của tôi", "/ho-so-cua-toi/", CITIZEN),
        Page("mine-detail", "Chi tiết hồ sơ (công dân)", "first:/ho-so-cua-toi/:.dos-item a", CITIZEN),
        Page("desk", "Bàn làm việc", "/can-bo/", OFFICER),
        Page("queue", "Hàng đợi hồ sơ", "/can-bo/ho-so/", OFFICER),
        Page("staff-detail", "Chi tiết hồ sơ (cán bộ)", "first:/can-bo/ho-so/:table a", OFFICER),
        Page("scorecard", "Chỉ số tỉnh (biểu đồ)", "/can-bo/chi-so/", PROVINCE_ADMIN),
    ]


# -- the server ---------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def server_env(scratch: Path, port: int) -> dict[str, str]:
    keys = scratch / "personal-data-keys"  # kept with the database it encrypts (a reused --data directory)
    if not keys.exists():
        keys.write_text("1:" + base64.b64encode(secrets.token_bytes(32)).decode())
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.load.settings",
        "DATABASE_URL": f"sqlite:///{scratch / 'motcua.sqlite3'}",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "SECURE_SSL_REDIRECT": "0",
        "MOTCUA_STAFF_TOTP_REQUIRED": "0",
        "MOTCUA_CITIZEN_OTP": "0",
        "MOTCUA_PERSONAL_DATA_KEYS": keys.read_text().strip(),
        "MOTCUA_LOAD_STATIC_ROOT": str(scratch / "static"),
        "MOTCUA_MEDIA_ROOT": str(scratch / "media"),
        "MOTCUA_CERTS_DIR": str(scratch / "certs"),
        "MOTCUA_SMS_FILE_DIR": str(scratch / "sms"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"{HOST}:{port}",
        "GUNICORN_WORKERS": "2",
        "PYTHONPATH": str(ROOT),
    }


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603
        [str(VENV_BIN / "motcua"), *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"motcua {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return done.stdout


def wait_ready(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(
                f"gunicorn exited with {process.returncode}:\n{log.read_text(errors='replace')[-3000:]}"
            )
        with contextlib.suppress(OSError):
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/readyz")
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
        time.sleep(0.3)
    raise SystemExit("gunicorn did not answer within 90 s")


def stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# -- the browser --------------------------------------------------------------------------------------------


def sign_in(browser: Any, base: str, username: str) -> dict[str, Any]:
    """The storage state (session cookies) of a context that signed in through the real form."""
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.goto(f"{base}/tai-khoan/dang-nhap/")
    page.get_by_label("Số định danh, mã số thuế hoặc tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state("load")
    if "/dang-nhap/" in page.url:
        raise SystemExit(f"{username} could not sign in: {page.url}")
    state: dict[str, Any] = context.storage_state()
    context.close()
    return state


def resolve(browser: Any, base: str, spec: Page, state: dict[str, Any] | None) -> str:
    """``first:<list path>:<selector>``: the address of the first link of a list page."""
    if not spec.path.startswith("first:"):
        return spec.path
    _, listing, selector = spec.path.split(":", 2)
    context = browser.new_context(locale="vi-VN", storage_state=state)
    page = context.new_page()
    page.goto(base + listing)
    href = page.locator(selector).first.get_attribute("href")
    context.close()
    if not href:
        raise SystemExit(f"no link {selector!r} on {listing}")
    return str(href)


NAVIGATION_MS = "() => performance.getEntriesByType('navigation')[0].loadEventEnd"


def measure(browser: Any, url: str, profile: dict[str, Any], state: dict[str, Any] | None) -> Load:
    context = browser.new_context(
        locale="vi-VN", viewport={"width": 390, "height": 844}, is_mobile=True, storage_state=state
    )
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": profile["latency"],
            "downloadThroughput": profile["down"],
            "uploadThroughput": profile["up"],
        },
    )
    kinds: dict[str, str] = {}
    finished: dict[str, int] = {}
    cdp.on("Network.responseReceived", lambda e: kinds.__setitem__(e["requestId"], e["type"]))
    cdp.on(
        "Network.loadingFinished", lambda e: finished.__setitem__(e["requestId"], int(e["encodedDataLength"]))
    )
    response = page.goto(url, wait_until="load", timeout=180_000)
    if response is None or response.status != 200 or page.url != url:
        raise SystemExit(f"{url}: {response and response.status}, ended on {page.url}")
    page.wait_for_timeout(300)  # late loadingFinished events
    load = Load()
    for request_id, size in finished.items():
        kind = KINDS.get(kinds.get(request_id, ""), "other")
        load.bytes_by_kind[kind] = load.bytes_by_kind.get(kind, 0) + size
        load.requests += 1
    body = response.body()
    load.html_raw = len(body)
    load.html_gzip = len(gzip.compress(body, compresslevel=6))
    load.load_ms = float(page.evaluate(NAVIGATION_MS))
    # Opened again (a link followed to the same page, not a reload, which would revalidate everything).
    finished.clear()
    page.goto("about:blank")
    page.goto(url, wait_until="load", timeout=180_000)
    page.wait_for_timeout(300)
    load.again_bytes = sum(size for rid, size in finished.items() if kinds.get(rid) != "Other")
    load.again_ms = float(page.evaluate(NAVIGATION_MS))
    context.close()
    return load


# -- the report ---------------------------------------------------------------------------------------------


def kb(n: float) -> str:
    return f"{n / 1024:.1f}"


def report(results: dict[str, dict[str, list[Load]]], specs: list[Page], profiles: list[str]) -> None:
    head = ["trang", "HTML", "HTML gz", "CSS", "JS", "ảnh", "font", "khác", "tổng KB", "yêu cầu"]
    head += [f"{PROFILES[p]['label']} (s)" for p in profiles]
    head += ["lần sau KB", f"{PROFILES[profiles[-1]]['label']}, lần sau (s)"]
    rows = []
    for spec in specs:
        loads = results[spec.key]
        first = loads[profiles[0]][0]  # bytes do not depend on the throttling
        b = first.bytes_by_kind
        total = sum(b.values())
        row = [spec.label] + [kb(b.get(k, 0)) for k in ("html",)] + [kb(first.html_gzip)]
        row += [kb(b.get(k, 0)) for k in ("css", "js", "img", "font", "other")]
        row += [kb(total), str(first.requests)]
        row += [f"{statistics.median(x.load_ms for x in loads[p]) / 1000:.2f}" for p in profiles]
        row += [
            kb(first.again_bytes),
            f"{statistics.median(x.again_ms for x in loads[profiles[-1]]) / 1000:.2f}",
        ]
        rows.append(row)
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " |"
    print(line)
    print(
        "|"
        + "|".join(("-" * (w + 2)) if i == 0 else ("-" * (w + 1) + ":") for i, w in enumerate(widths))
        + "|"
    )
    for r in rows:
        cells = [r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True)]
        print("| " + " | ".join(cells) + " |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", default="", help="comma-separated page keys (default: all)")
    parser.add_argument("--profiles", default="none,regular3g,slow3g", help=f"of {', '.join(PROFILES)}")
    parser.add_argument("--repeat", type=int, default=1, help="cold loads per page and profile (median)")
    parser.add_argument("--history", type=int, default=300, help="simulated dossiers of the demo history")
    parser.add_argument(
        "--data",
        type=Path,
        help="a directory to keep the database and static files in and reuse on the next run (default: temporary)",
    )
    args = parser.parse_args()
    profiles = [p for p in args.profiles.split(",") if p]
    if unknown := set(profiles) - set(PROFILES):
        parser.error(f"unknown profiles: {unknown}")
    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} not found: apt-get install chromium (or set MOTCUA_CHROMIUM)")

    from playwright.sync_api import sync_playwright

    scratch = args.data or Path(tempfile.mkdtemp(prefix="motcua-page-weight-"))
    scratch.mkdir(parents=True, exist_ok=True)
    gunicorn: subprocess.Popen[bytes] | None = None
    try:
        port = free_port()
        env = server_env(scratch, port)
        started = time.perf_counter()
        if not (scratch / "ready").exists():
            manage(env, "migrate", "--noinput", "-v0")
            manage(env, "dev_certs")
            manage(env, "seed_demo", "--history", str(args.history))
            # What production's worker does after the commits: sign the results, send the notifications.
            manage(env, "db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", "--no-reload")
            manage(env, "collectstatic", "--noinput", "-v0")
            (scratch / "ready").touch()
        code = manage(
            env,
            "shell",
            "-v0",
            "-c",
            "from motcua.results.models import IssuedResult; "
            "print(IssuedResult.objects.filter(status='valid').order_by('pk').first().code)",
        ).split()[-1]
        print(
            f"demo data and static files ready in {time.perf_counter() - started:.0f} s ({scratch})",
            flush=True,
        )
        log = scratch / "gunicorn.log"
        with log.open("wb") as out:
            gunicorn = subprocess.Popen(  # noqa: S603
                [str(VENV_BIN / "gunicorn"), "-c", "config/gunicorn_conf.py", "config.wsgi"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        wait_ready(port, gunicorn, log)
        base = f"http://{HOST}:{port}"
        specs = pages(code)
        if args.pages:
            wanted = set(args.pages.split(","))
            specs = [s for s in specs if s.key in wanted]
        results: dict[str, dict[str, list[Load]]] = {}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
            for spec in specs:
                # A fresh session for each page: staff sessions end after a few idle minutes.
                state = sign_in(browser, base, spec.who) if spec.who else None
                url = base + resolve(browser, base, spec, state)
                results[spec.key] = {
                    p: [measure(browser, url, PROFILES[p], state) for _ in range(args.repeat)]
                    for p in profiles
                }
                print(f"  {spec.label}: {url[len(base) :]}", file=sys.stderr, flush=True)
            browser.close()
        print(
            f"\nchromium {CHROMIUM}, 390×844 mobile viewport, cold cache, {args.repeat} load(s) per cell "
            f"(median); sizes in KB transferred (1 KB = 1024 bytes), times = loadEventEnd\n"
        )
        report(results, specs, profiles)
        return 0
    finally:
        stop(gunicorn)
        if args.data is None:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
