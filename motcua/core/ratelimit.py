"""Fixed-window counters in Django's cache: the one mechanism behind every rate limit of the public pages
and the API (status look-ups, feedback, result verification, API keys).

``cache.add`` then ``cache.incr`` are atomic on Redis (``REDIS_URL``: every process counts in one place) and
per process on the in-memory cache (tests, ``make run``).
"""

from __future__ import annotations

from django.core.cache import cache


def count_attempt(key: str, *, window: int) -> int:
    """Count one attempt under ``key`` in its window of ``window`` seconds; answers the count so far."""
    cache.add(key, 0, timeout=window)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr: a new window starts with this attempt
        cache.set(key, 1, timeout=window)
        return 1
