"""Browser tests: pytest-playwright driving Debian's chromium against pytest-django's live server.

Never run `playwright install`: the browser is the system package at /usr/bin/chromium. Without it the
browser tests are skipped locally and fail loudly in CI (CI=true).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

# Sync Playwright keeps an asyncio loop running in the test thread; Django's async-safety check would then
# refuse ORM calls made from the test (fixtures, assertions). This is the documented escape hatch for it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("MOTCUA_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO_PASSWORD = "motcua-demo-2026"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests cannot run in CI: {message}", pytrace=False)
        pytest.skip(f"browser tests skipped: {message}")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # A Vietnamese browser: the server picks the language from Accept-Language.
    return {
        **browser_context_args,
        "locale": "vi-VN",
        "timezone_id": "Asia/Ho_Chi_Minh",
        "viewport": {"width": 1280, "height": 900},
    }


@pytest.fixture
def site(live_server: Any, transactional_db: None) -> str:
    """The live server's base URL, with the demo organisation, accounts, calendar and procedures loaded."""
    from motcua.catalogue.demo import seed_demo_catalogue
    from tests.conftest import seed_people

    seed_people()
    seed_demo_catalogue()
    return live_server.url.rstrip("/")


@pytest.fixture
def login(site: str):
    """Sign in through the real login form: ``login(page, username, password=DEMO_PASSWORD, next_path=None)``."""

    def _login(page: Any, username: str, password: str = DEMO_PASSWORD, next_path: str | None = None) -> None:
        url = f"{site}/tai-khoan/dang-nhap/"
        if next_path:
            url += f"?next={next_path}"
        page.goto(url)
        page.get_by_label("Số định danh, mã số thuế hoặc tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(password)
        page.get_by_role("main").get_by_role("button", name="Đăng nhập").click()

    return _login


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            # pytest-base-url (pulled in by pytest-playwright) defines a session fixture in a deprecated way.
            item.add_marker(
                pytest.mark.filterwarnings(
                    "ignore:Session-scoped fixtures defined as instance methods:pytest.PytestRemovedIn10Warning"
                )
            )
