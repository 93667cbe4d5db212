"""The endpoints' signing secrets: made here, shown once, stored sealed.

A secret is 32 random bytes, URL-safe base64, prefixed ``whsec_`` (so it is recognisable in a receiver's
configuration or a leak scan). It is stored encrypted with Fernet under a key derived from ``SECRET_KEY``
for this purpose only; keys in ``SECRET_KEY_FALLBACKS`` still open what they sealed, so a key rotation done
the Django way keeps the endpoints working. The same construction as the staff TOTP secrets
(``motcua.accounts.totp.seal``), with its own derivation label, so one sealed value cannot stand in for
the other.
"""

from __future__ import annotations

import base64
import hashlib
import secrets

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

PREFIX = "whsec_"
_LABEL = b"motcua.integrations.webhooks.secret:"


def new_secret() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def _fernet(material: str) -> Fernet:
    digest = hashlib.sha256(_LABEL + material.encode("utf-8")).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _materials() -> list[str]:
    return [str(settings.SECRET_KEY), *(str(k) for k in getattr(settings, "SECRET_KEY_FALLBACKS", []))]


def seal(secret: str) -> str:
    return _fernet(_materials()[0]).encrypt(secret.encode("utf-8")).decode("ascii")


def unseal(token: str) -> str:
    """The secret sealed in ``token``; ``ValueError`` if no current or fallback key opens it."""
    try:
        return MultiFernet([_fernet(m) for m in _materials()]).decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError) as exc:
        raise ValueError("the webhook secret cannot be decrypted with the configured keys") from exc
