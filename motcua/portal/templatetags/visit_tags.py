"""The visit counter of the footer ("Lượt truy cập"): today, yesterday, this week, this month, all time.

No query: one cache read (``motcua.reporting.visits.visit_totals``). Hidden until the counters' first flush
since the cache was emptied, and when the cache fails — never the page."""

from __future__ import annotations

import logging
from typing import Any

from django import template

from motcua.reporting.visits import visit_totals

log = logging.getLogger(__name__)
register = template.Library()


@register.inclusion_tag("portal/_visit_counter.html")
def visit_counter() -> dict[str, Any]:
    try:
        return {"totals": visit_totals()}
    except Exception:
        log.warning("visit counter unavailable", exc_info=True)
        return {"totals": None}
