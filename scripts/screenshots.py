#!/usr/bin/env python
"""Take the documentation screenshots of a running motcua (demo mode) with Debian's chromium.

Starts nothing by itself: run the server first (`make run`, or `motcua runserver`), then

    .venv/bin/python scripts/screenshots.py [BASE_URL] [--out docs/screenshots]

BASE_URL defaults to http://127.0.0.1:8000. Signs in with the demo accounts (password shown on the home
page in demo mode) and writes PNGs to docs/screenshots/. Never runs `playwright install`.
"""

from __future__ import annotations

import argparse
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("MOTCUA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
]
DEMO_PASSWORD = "motcua-demo-2026"  # noqa: S105 - the public demo password, shown on the home page
STAFF = "motcua.tinh"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


def new_page(browser: Browser, viewport: dict[str, int], *, phone: bool = False) -> Page:
    context = browser.new_context(
        viewport=viewport,
        device_scale_factor=1,
        is_mobile=phone,
        has_touch=phone,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
    )
    return context.new_page()


def login(page: Page, base: str, username: str, next_path: str) -> None:
    page.goto(f"{base}/tai-khoan/dang-nhap/?next={next_path}")
    page.get_by_label("Số định danh, mã số thuế hoặc tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}{next_path}")


def shoot(page: Page, out: Path, name: str, *, full_page: bool = False) -> None:
    path = out / name
    page.screenshot(path=str(path), full_page=full_page, animations="disabled", caret="hide")
    print(
        f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {path.stat().st_size // 1024} KiB"
    )


def check_server(base: str) -> None:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:  # noqa: S310 - our own URL
            response.read()
    except (urllib.error.URLError, OSError) as exc:
        sys.exit(f"motcua is not reachable at {base} ({exc}). Start it first: make run")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("base_url", nargs="?", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    base = args.base_url.rstrip("/")
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    check_server(base)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = new_page(browser, DESKTOP)
            page.goto(f"{base}/")
            shoot(page, out, "home-desktop.png")
            login(page, base, STAFF, "/can-bo/")
            shoot(page, out, "dashboard-desktop.png")
            page.context.close()

            page = new_page(browser, PHONE, phone=True)
            page.goto(f"{base}/")
            shoot(page, out, "home-phone.png", full_page=True)
            page.goto(f"{base}/tai-khoan/dang-nhap/")
            shoot(page, out, "login-phone.png")
            login(page, base, STAFF, "/can-bo/")
            shoot(page, out, "dashboard-phone.png", full_page=True)
            page.context.close()
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
