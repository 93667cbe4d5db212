"""The endpoints' signing secrets: made here, shown once, stored sealed.

A secret is 32 random bytes, URL-safe base64, prefixed ``whsec_`` (so it is recognisable in a receiver's
configuration or a leak scan). It is stored encrypted (``motcua.core.sealing``: Fernet under a key derived
from ``SECRET_KEY``; keys in ``SECRET_KEY_FALLBACKS`` still open what they sealed, so a key rotation done
the Django way keeps the endpoints working), with its own derivation label, so a sealed staff TOTP secret
cannot stand in for it.
"""

from __future__ import annotations

import secrets

from motcua.core import sealing

PREFIX = "whsec_"
#: Never change it: the databases hold secrets sealed under it.
SEAL_LABEL = "motcua.integrations.webhooks.secret"


def new_secret() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def seal(secret: str) -> str:
    return sealing.seal(secret, label=SEAL_LABEL)


def unseal(token: str) -> str:
    """The secret sealed in ``token``; ``ValueError`` if no current or fallback key opens it."""
    return sealing.unseal(token, label=SEAL_LABEL)
