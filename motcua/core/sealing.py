"""Small secrets stored encrypted at rest (the staff TOTP secrets, the webhook signing secrets).

Fernet (``cryptography``: AES-128-CBC + HMAC-SHA-256) under a key derived from a key material and a
**label**: ``SHA-256("<label>:<material>")``, base64url. The label gives every use its own key, so a
value sealed for one purpose cannot be passed off as another's. Sealing uses the first material; opening
tries them all, so a key rotation done the Django way (the old ``SECRET_KEY`` moved to
``SECRET_KEY_FALLBACKS``) keeps what was sealed readable.

The derivation must never change for an existing label: the databases hold values sealed with it.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


def key_materials(primary: str = "") -> list[str]:
    """``primary`` (``SECRET_KEY`` when empty), then every key of ``SECRET_KEY_FALLBACKS``."""
    fallbacks = [str(key) for key in getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [str(primary or settings.SECRET_KEY), *fallbacks]


def _fernet(label: str, material: str) -> Fernet:
    digest = hashlib.sha256(f"{label}:{material}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(value: str, *, label: str, materials: Sequence[str] | None = None) -> str:
    """``value`` encrypted under the first of ``materials`` (default: ``key_materials()``)."""
    first = (materials or key_materials())[0]
    return _fernet(label, first).encrypt(value.encode("utf-8")).decode("ascii")


def unseal(token: str, *, label: str, materials: Sequence[str] | None = None) -> str:
    """The value sealed in ``token``; ``ValueError`` if none of ``materials`` opens it."""
    fernet = MultiFernet([_fernet(label, material) for material in materials or key_materials()])
    try:
        return fernet.decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError) as exc:
        raise ValueError(f"{label}: cannot be decrypted with the configured keys") from exc
