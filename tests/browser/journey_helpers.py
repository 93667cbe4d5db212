"""What the browser journeys share: staff in their own browser context, small real PDFs, the citizen's and
the public's view of a dossier's status, and the screenshots each journey saves stage by stage.

Screenshots go to ``var/journey-screenshots/<test name>/NN-stage.png`` (gitignored with ``var/``), or under
the folder named by ``MOTCUA_JOURNEY_SCREENSHOTS``. Each run of a test starts its folder afresh.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Locator, Page, ViewportSize, expect

ROOT = Path(__file__).resolve().parents[2]
PHONE: ViewportSize = {"width": 390, "height": 844}

# Lê Thị Hoa, the demo citizen: her ID number, name and phone must never appear on public pages.
CITIZEN = "038195001234"
CITIZEN_NAME = "Lê Thị Hoa"
CITIZEN_PHONE_LAST_4 = "5678"
CITIZEN_PHONE_DIGITS = "912345678"


def screenshot_root() -> Path:
    configured = os.environ.get("MOTCUA_JOURNEY_SCREENSHOTS", "").strip()
    return Path(configured) if configured else ROOT / "var" / "journey-screenshots"


class Shots:
    """Numbered screenshots of one test's stages: ``shots(page, "pay")`` writes ``03-pay.png``."""

    def __init__(self, name: str) -> None:
        self.folder = screenshot_root() / re.sub(r"[^\w.-]+", "-", name).strip("-")
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.taken: list[Path] = []

    def __call__(
        self, page: Page, stage: str, *, top: Locator | None = None, full_page: bool = False
    ) -> Path:
        """Save the viewport (or the whole page); ``top``: scroll so that this element starts the picture."""
        if top is not None:
            top.first.evaluate("e => e.scrollIntoView({block: 'start'})")
        path = self.folder / f"{len(self.taken) + 1:02d}-{stage}.png"
        page.screenshot(path=str(path), full_page=full_page, animations="disabled", caret="hide")
        self.taken.append(path)
        return path


def make_pdf(path: Path, title: str) -> Path:
    """A small real one-page A4 PDF (WeasyPrint, the same engine as the official forms)."""
    from motcua.documents.pdf import render_html_to_pdf

    html = f"<html lang='vi'><body><h1>{title}</h1><p>Bản quét thử nghiệm, một trang.</p></body></html>"
    path.write_bytes(render_html_to_pdf(html))
    return path


def phone_context(browser: Browser, **extra: Any) -> BrowserContext:
    """A Vietnamese phone: narrow screen, touch, no session."""
    return browser.new_context(
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport=PHONE,
        device_scale_factor=1,
        is_mobile=True,
        has_touch=True,
        **extra,
    )


class Staff:
    """One member of staff in their own browser context (their own session)."""

    def __init__(self, new_context: Any, site: str, login: Any, username: str) -> None:
        self.context: BrowserContext = new_context()
        self.page: Page = self.context.new_page()
        self.site = site
        login(self.page, username, next_path="/can-bo/")
        expect(self.page).to_have_url(f"{site}/can-bo/")

    def open_from_queue(self, queue: str, code: str) -> None:
        page = self.page
        page.goto(f"{self.site}/can-bo/ho-so/?queue={queue}")
        page.get_by_role("table").get_by_role("link", name=code, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(code)

    def action(self, key: str) -> Any:
        """The form of one action on the dossier page, unfolded."""
        box = self.page.locator(f"#thao-tac-{key}")
        expect(box).to_have_count(1)
        if box.get_attribute("open") is None:
            box.locator("summary").click()
        return box

    def forward(self, code: str, target: str | re.Pattern[str]) -> None:
        """Forward the open dossier along the transition whose label matches ``target``."""
        form = self.action("forward")
        form.get_by_role("radio", name=target).check()
        form.get_by_role("button", name="Chuyển", exact=True).click()
        self.expect_done(f"Đã chuyển hồ sơ {code} sang bước tiếp theo.")

    def expect_done(self, message: str) -> None:
        expect(self.page.get_by_text(message)).to_be_visible()

    def close(self) -> None:
        self.context.close()


def expect_citizen_status(page: Page, site: str, code: str, label: str) -> None:
    """The citizen's list and the dossier's own page show ``label``."""
    page.goto(f"{site}/ho-so-cua-toi/")
    item = page.locator(".dos-item").filter(has_text=code)
    expect(item).to_have_count(1)
    expect(item.locator(".dos-badge")).to_have_text(label)
    item.get_by_role("link").first.click()
    expect(page.locator(".dos-head-code")).to_have_text(code)
    expect(page.locator(".dos-head .dos-badge")).to_have_text(label)


def expect_public_status(
    page: Page,
    site: str,
    code: str,
    label: str,
    *,
    phone_last_4: str = CITIZEN_PHONE_LAST_4,
    private: tuple[str, ...] = (CITIZEN_NAME, CITIZEN),
    phone_digits: str = CITIZEN_PHONE_DIGITS,
) -> None:
    """Anyone with the code and the last 4 phone digits sees the status, and no personal data."""
    page.goto(f"{site}/tra-cuu-ho-so/")
    page.get_by_label("Mã hồ sơ").fill(code)
    page.get_by_label("4 số cuối điện thoại của người nộp").fill(phone_last_4)
    page.get_by_role("button", name="Tra cứu").click()
    result = page.get_by_role("region", name=f"Hồ sơ {code}")
    expect(result).to_be_visible()
    expect(result.locator(".dos-badge")).to_have_text(label)
    body = page.locator("main").inner_text()
    for value in private:
        assert value not in body
    assert phone_digits not in re.sub(r"[\s.+-]", "", body)  # the phone, in any grouping
