"""WCAG 2.1 AA on the main pages (issue 12), checked in headless Chromium with axe-core.

axe-core is vendored (tests/browser/vendor/axe.min.js, MPL-2.0, see the README there): CI needs no npm. It is
evaluated into each page through the DevTools protocol, which the page's Content-Security-Policy does not
govern, so the pages are checked under their real policy. Every main page — public, citizen, staff — must have
no "serious" or "critical" violation of the WCAG 2.0/2.1 A and AA rules; the failure lists each one with the
elements at fault. Beyond what axe sees: the citizen pages fit a 640 px wide window (a 1280 px screen zoomed
to 200 %) without horizontal scrolling, the keyboard reaches the main navigation and the search box with a
visible focus ring, and every status badge says its status in words, not only in colour.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")

CITIZEN = "038195001234"  # Lê Thị Hoa's personal ID (she signs in with it), phone +84912345678
CITIZEN_NAME = "Lê Thị Hoa"
OFFICER = "motcua.tinh"  # one-stop officer of the provincial centre (H56.40)
PROCEDURE = "1.013831"  # land: online "partial", citizens may apply
SEARCH = "/thu-tuc/?q=dang+ky+ket+hon"  # typed without diacritics


@cache
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def axe_problems(page: Page, label: str) -> list[str]:
    """The serious and critical WCAG A/AA violations on the page as it is now, one readable entry each."""
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())  # DevTools evaluation: the page's CSP applies to the page, not to this
    violations: list[dict[str, Any]] = page.evaluate(
        """async (tags) => {
            const results = await window.axe.run(document, {
                runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
            });
            return results.violations;
        }""",
        WCAG_AA,
    )
    problems = []
    for violation in violations:
        if violation["impact"] not in BLOCKING:
            continue
        nodes = violation["nodes"]
        where = "; ".join(" ".join(node["target"]) for node in nodes[:5])
        more = f" (+{len(nodes) - 5} more)" if len(nodes) > 5 else ""
        detail = nodes[0].get("failureSummary", "").replace("\n", " ") if nodes else ""
        problems.append(
            f"{label} [{page.url}]: {violation['impact']} {violation['id']} — {violation['help']}\n"
            f"    at {where}{more}\n    {detail}"
        )
    return problems


# axe reports an aria-describedby naming a missing element only as "needs review"; a screen reader then
# silently drops the hint or the error message, so such a reference is an error here.
BROKEN_REFERENCES = """() => {
    const broken = [];
    for (const el of document.querySelectorAll(
            "[aria-describedby], [aria-labelledby], [aria-controls], [aria-errormessage], label[for]")) {
        for (const attr of ["aria-describedby", "aria-labelledby", "aria-controls", "aria-errormessage", "for"]) {
            for (const id of (el.getAttribute(attr) || "").split(/\\s+/).filter(Boolean)) {
                if (!document.getElementById(id)) broken.push(`<${el.tagName.toLowerCase()}> ${attr}="${id}"`);
            }
        }
    }
    const seen = new Map();
    for (const el of document.querySelectorAll("[id]")) seen.set(el.id, (seen.get(el.id) || 0) + 1);
    for (const [id, n] of seen) if (n > 1) broken.push(`id="${id}" used ${n} times`);
    return broken;
}"""


def page_problems(page: Page, label: str) -> list[str]:
    """axe's verdict, and every ARIA/label reference to a missing element or to a duplicated id."""
    problems = axe_problems(page, label)
    problems += [f"{label} [{page.url}]: {b}" for b in page.evaluate(BROKEN_REFERENCES)]
    return problems


def visit(page: Page, site: str, path: str, status: int = 200) -> None:
    response = page.goto(site + path)
    assert response is not None and response.status == status, (path, response and response.status)


def assert_no_problems(problems: list[str]) -> None:
    assert not problems, (
        "accessibility problems (axe-core serious/critical, broken references):\n" + "\n".join(problems)
    )


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def history(site: str, media: Path) -> None:
    """The demo dossiers through the real services: dossiers in every state, a signed result to verify."""
    from django.core.cache import cache as django_cache

    from motcua.dossiers.demo import seed_demo_dossiers
    from motcua.payments.demo import pay_demo_dossier_at_counter

    django_cache.clear()  # the public status page counts look-ups per address
    seed_demo_dossiers(pay=pay_demo_dossier_at_counter)


def citizen_dossier() -> Any:
    from motcua.dossiers.models import Dossier

    return (
        Dossier.objects.filter(applicant__full_name=CITIZEN_NAME)
        .exclude(status="draft")
        .order_by("pk")
        .first()
    )


def test_public_pages_pass_axe(page: Page, site: str, history: None) -> None:
    from motcua.results.models import IssuedResult

    result = IssuedResult.objects.filter(status="valid").order_by("pk").first()
    assert result is not None
    problems: list[str] = []
    for label, path in [
        ("trang chủ", "/"),
        ("tìm thủ tục", SEARCH),
        ("chi tiết thủ tục", f"/thu-tuc/{PROCEDURE}/"),
        ("tra cứu hồ sơ", "/tra-cuu-ho-so/"),
        ("xác thực kết quả", "/verify/"),
        ("kết quả đã xác thực", f"/verify/{result.code}/"),
        ("gửi phản ánh", "/phan-anh-kien-nghi/gui/"),
        ("phản ánh, kiến nghị", "/phan-anh-kien-nghi/"),
        ("chất lượng phục vụ", "/danh-gia-chat-luong/"),
        ("lịch làm việc", "/lich-lam-viec/"),
        ("đăng nhập", "/tai-khoan/dang-nhap/"),
    ]:
        visit(page, site, path)
        problems += page_problems(page, label)
    # The search really matched (a page of results is what is checked, not an empty page).
    visit(page, site, SEARCH)
    expect(page.locator(".cat-item").first).to_be_visible()

    # The public status page with an answer in it.
    dossier = citizen_dossier()
    visit(page, site, "/tra-cuu-ho-so/")
    page.get_by_label("Mã hồ sơ").fill(dossier.code)
    page.get_by_label("4 số cuối điện thoại của người nộp").fill("5678")
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_text(dossier.code).first).to_be_visible()
    problems += page_problems(page, "kết quả tra cứu hồ sơ")

    visit(page, site, "/khong-co-trang-nay/", status=404)
    problems += page_problems(page, "404")

    # The standalone 500 and 400 pages (no address serves them on purpose), as their handlers render them,
    # in a blank page with its inline style applied.
    from django.test import RequestFactory

    from motcua.portal.views.errors import bad_request, server_error

    request = RequestFactory().get("/")
    request.csp_nonce = "n0nce"  # type: ignore[attr-defined]
    for label, response in [("500", server_error(request)), ("400", bad_request(request, ValueError()))]:
        page.goto("about:blank")
        page.set_content(response.content.decode())
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        problems += page_problems(page, label)
    assert_no_problems(problems)


def test_citizen_pages_pass_axe(page: Page, site: str, login: Any, history: None) -> None:
    problems: list[str] = []
    login(page, CITIZEN)
    expect(page).to_have_url(site + "/")
    problems += page_problems(page, "trang chủ (đã đăng nhập)")
    for label, path in [
        ("hồ sơ của tôi", "/ho-so-cua-toi/"),
        ("chi tiết hồ sơ", f"/ho-so-cua-toi/{citizen_dossier().pk}/"),
        ("kho dữ liệu", "/kho-du-lieu/"),
        ("thông báo", "/thong-bao/"),
        ("nộp hồ sơ: nơi nộp", f"/thu-tuc/{PROCEDURE}/nop-ho-so/"),
    ]:
        visit(page, site, path)
        problems += page_problems(page, label)
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.get_by_role("heading", name=re.compile("^Bước 2"))).to_be_visible()
    problems += page_problems(page, "nộp hồ sơ: thông tin")
    # Submitted empty: the form with its error messages.
    page.locator("form [required]").first.evaluate("e => e.form.noValidate = true")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    problems += page_problems(page, "nộp hồ sơ: thông tin có lỗi")

    visit(page, site, "/can-bo/", status=403)
    problems += page_problems(page, "403")
    assert_no_problems(problems)


def test_staff_pages_pass_axe(page: Page, site: str, login: Any, history: None) -> None:
    problems: list[str] = []
    login(page, OFFICER, next_path="/can-bo/")
    expect(page).to_have_url(site + "/can-bo/")
    problems += page_problems(page, "bàn làm việc")
    visit(page, site, "/can-bo/ho-so/")
    problems += page_problems(page, "hàng đợi hồ sơ")
    page.locator("table").get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("H56.")
    problems += page_problems(page, "chi tiết hồ sơ (cán bộ)")
    for label, path in [
        ("tiếp nhận: chọn thủ tục", "/can-bo/tiep-nhan/?q=khai+sinh"),
        ("tiếp nhận: phiếu", f"/can-bo/tiep-nhan/?procedure={PROCEDURE}"),
        ("chỉ số", "/can-bo/chi-so/"),
    ]:
        visit(page, site, path)
        problems += page_problems(page, label)
    assert_no_problems(problems)


def test_the_check_catches_what_it_looks_for(page: Page, site: str) -> None:
    """The harness itself: an unlabelled field, pale grey text and a dangling hint are all reported."""
    visit(page, site, "/")
    page.evaluate(
        """() => {
            const main = document.querySelector("main");
            main.insertAdjacentHTML("beforeend",
                '<input type="text" aria-describedby="khong-co">'
                + '<p style="color: #bbb; background: #fff">Chữ xám nhạt trên nền trắng</p>');
        }"""
    )
    problems = "\n".join(page_problems(page, "mẫu lỗi"))
    assert "label" in problems  # critical: a form field without a name
    assert "color-contrast" in problems  # serious
    assert 'aria-describedby="khong-co"' in problems


# -- beyond axe: reflow at 200 % zoom, the keyboard, badges -------------------------------------------------

OVERFLOW = """() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    // The outermost elements sticking out on the right (a scrolling table box is allowed: it scrolls itself).
    return [...document.querySelectorAll("body *")]
        .filter(el => el.getBoundingClientRect().right > width + 1)
        .filter(el => !el.parentElement.closest("*") || el.parentElement.getBoundingClientRect().right <= width + 1)
        .slice(0, 5)
        .map(el => `<${el.tagName.toLowerCase()} class="${el.className}"> right=${Math.round(el.getBoundingClientRect().right)}`);
}"""


def test_citizen_pages_reflow_at_200_percent_zoom(browser: Any, site: str, login: Any, history: None) -> None:
    """A 1280 px screen at 200 % is a 640 CSS px window: nothing may need horizontal scrolling, and the
    narrow layouts (stacked tables, wrapped navigation) pass axe too."""
    context = browser.new_context(
        locale="vi-VN", viewport={"width": 640, "height": 450}, device_scale_factor=2
    )
    page = context.new_page()
    dossier = citizen_dossier()
    public = [
        "/",
        SEARCH,
        f"/thu-tuc/{PROCEDURE}/",
        "/tra-cuu-ho-so/",
        "/verify/",
        "/phan-anh-kien-nghi/gui/",
        "/danh-gia-chat-luong/",
        "/lich-lam-viec/",
        "/tai-khoan/dang-nhap/",
    ]
    mine = [
        "/ho-so-cua-toi/",
        f"/ho-so-cua-toi/{dossier.pk}/",
        "/kho-du-lieu/",
        f"/thu-tuc/{PROCEDURE}/nop-ho-so/",
    ]
    problems: list[str] = []
    overflowing: dict[str, list[str]] = {}
    for path in [*public, "login", *mine]:
        if path == "login":
            login(page, CITIZEN)
            expect(page).to_have_url(site + "/")
            continue
        visit(page, site, path)
        if wide := page.evaluate(OVERFLOW):
            overflowing[path] = wide
        problems += page_problems(page, f"640 px {path}")
    context.close()
    assert not overflowing, f"horizontal scrolling at 640 px: {overflowing}"
    assert_no_problems(problems)


FOCUS_STYLE = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
    const shadow = style.boxShadow !== "none";
    return {
        tag: el.tagName.toLowerCase(), text: (el.innerText || el.value || el.getAttribute("aria-label") || "").trim(),
        type: el.getAttribute("type") || "", nav: !!el.closest("nav.site-nav"), visible: outline || shadow,
    };
}"""


def test_keyboard_reaches_navigation_and_search_with_visible_focus(page: Page, site: str) -> None:
    visit(page, site, SEARCH)
    stops = []
    for _ in range(40):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUS_STYLE))
        if stops[-1]["type"] == "search":
            break
    assert stops[0]["text"] == "Bỏ qua, tới nội dung chính"
    nav = [s["text"] for s in stops if s["nav"]]
    assert {"Trang chủ", "Thủ tục", "Tra cứu hồ sơ", "Đăng nhập"} <= set(nav), stops
    assert stops[-1]["type"] == "search", "the search box is not reachable with Tab"
    invisible = [s for s in stops if not s["visible"]]
    assert not invisible, f"tab stops without a visible focus indicator: {invisible}"


BADGES = """() => [...document.querySelectorAll("[class]")]
    .filter(el => [...el.classList].some(c => /(^|-)badge(-|$)/.test(c)))
    .map(el => ({cls: el.className, text: (el.innerText || "").trim() || (el.getAttribute("aria-label") || "")}))"""


def test_status_badges_say_their_status_in_words(page: Page, site: str, login: Any, history: None) -> None:
    """Colour is never the only signal: every badge on the lists and detail pages carries text."""
    seen = []
    visit(page, site, SEARCH)
    seen += page.evaluate(BADGES)
    login(page, CITIZEN)
    expect(page).to_have_url(site + "/")
    for path in ["/ho-so-cua-toi/", f"/ho-so-cua-toi/{citizen_dossier().pk}/", "/kho-du-lieu/"]:
        visit(page, site, path)
        seen += page.evaluate(BADGES)
    page.context.clear_cookies()
    login(page, OFFICER, next_path="/can-bo/ho-so/")
    expect(page).to_have_url(site + "/can-bo/ho-so/")
    seen += page.evaluate(BADGES)
    assert any("dos-badge" in b["cls"] for b in seen) and any("bo-status" in b["cls"] for b in seen), seen
    assert all(b["text"] for b in seen), [b for b in seen if not b["text"]]
