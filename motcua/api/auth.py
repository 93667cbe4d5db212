"""Who is calling the API: a signed-in browser session or a client system's API key.

``api_auth(operation)`` is what every router/operation passes as ``auth=``: the list of authenticators
ninja tries in turn. A session (``django_auth``, CSRF required for unsafe methods) acts as its user with that
user's rights. An API key acts as the account it belongs to, narrowed to the key's operations and units.

Operations (stable names, used in key scopes and documented in docs/api/):
``catalogue:read``, ``org:read``, ``dossiers:read``, ``dossiers:apply``, ``dossiers:process``,
``payments:read``, ``payments:write``, ``feedback:read``, ``feedback:write``, ``results:read``,
``reporting:read``, ``calendar:read``.

(Placeholder until the API-key authenticator lands: session only.)
"""

from __future__ import annotations

from typing import Any

from ninja.security import django_auth

OPERATIONS = (
    "catalogue:read",
    "org:read",
    "dossiers:read",
    "dossiers:apply",
    "dossiers:process",
    "payments:read",
    "payments:write",
    "feedback:read",
    "feedback:write",
    "results:read",
    "reporting:read",
    "calendar:read",
)


def api_auth(operation: str) -> list[Any]:
    """The authenticators for an operation needing ``operation`` (one of ``OPERATIONS``)."""
    if operation not in OPERATIONS:
        raise ValueError(f"unknown API operation {operation!r}")
    return [django_auth]
