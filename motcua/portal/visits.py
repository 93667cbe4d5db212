"""Which requests are page views of the public portal, counted by ``motcua.reporting.visits``.

A page view: a GET answered 200 with an HTML page of the portal — not a static file, not the API, not the
back office or the admin site, not the local fakes under /sandbox/, not an htmx fragment or a browser's
prefetch, and not a robot by its User-Agent (a request without a browser's User-Agent is not counted
either). Nothing about the visitor is read beyond these headers, and nothing is stored but the day's total.

The middleware costs one cache increment per counted page; every ``FLUSH_SECONDS`` one request also moves
the counters to the database (``visits_flush_if_due``). A cache or database failure never fails the page.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from motcua.reporting.visits import visit_record, visits_flush_if_due

log = logging.getLogger(__name__)

#: URL namespaces that are not the public portal.
EXCLUDED_NAMESPACES = frozenset({"admin", "backoffice", "api-v1"})
#: Routes (as Django writes them, without the leading slash) that are not pages of the portal.
EXCLUDED_ROUTES = ("sandbox/", "healthz", "readyz", "metrics", "i18n/")
#: Robots, link previews, scripts, headless and automated browsers.
ROBOT = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|archiver|curl|wget|python|httpx|aiohttp|java/|go-http|okhttp|libwww|"
    r"headless|phantomjs|selenium|puppeteer|playwright|lighthouse|pingdom|uptime|monitor|"
    r"facebookexternalhit|preview|scan",
    re.IGNORECASE,
)


def is_browser(user_agent: str) -> bool:
    ua = user_agent.lower()
    return ("mozilla/" in ua or "opera/" in ua) and not ROBOT.search(ua)


def counts_as_page_view(request: HttpRequest, response: HttpResponse) -> bool:
    if request.method != "GET" or response.status_code != 200 or getattr(response, "streaming", False):
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    if (
        request.headers.get("HX-Request")
        or request.headers.get("Sec-Purpose")
        or request.headers.get("Purpose")
    ):
        return False
    match = getattr(request, "resolver_match", None)
    if match is None or EXCLUDED_NAMESPACES.intersection(match.namespaces):
        return False
    if (match.route or "").startswith(EXCLUDED_ROUTES):
        return False
    return is_browser(request.headers.get("User-Agent", ""))


class VisitCounterMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if counts_as_page_view(request, response):
            try:
                visit_record()
                visits_flush_if_due()
            except Exception:  # the counter never fails a page
                log.warning("visit counter unavailable", exc_info=True)
        return response
