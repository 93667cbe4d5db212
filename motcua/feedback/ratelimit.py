"""Fixed-window counters in Django's cache, per client: flood protection for the public forms."""

from __future__ import annotations

import hashlib

from motcua.core.ratelimit import count_attempt


def hit(scope: str, client: str, *, limit: int, window: int) -> bool:
    """Count one attempt of ``client`` in ``scope``; True when it is over ``limit`` in the window."""
    digest = hashlib.sha256(client.encode()).hexdigest()[:32]
    return count_attempt(f"motcua:feedback:{scope}:{digest}", window=window) > limit
