"""Fixed-window counters in Django's cache, per client: flood protection for the public forms."""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def hit(scope: str, client: str, *, limit: int, window: int) -> bool:
    """Count one attempt of ``client`` in ``scope``; True when it is over ``limit`` in the window."""
    digest = hashlib.sha256(client.encode()).hexdigest()[:32]
    key = f"motcua:feedback:{scope}:{digest}"
    cache.add(key, 0, timeout=window)
    try:
        count = int(cache.incr(key))
    except ValueError:  # expired between add and incr: start a new window
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit
