"""Personal ID numbers (CCCD) and the other owner keys encrypted at rest (docs/architecture/personal-data.md).

A value is stored as a versioned text token ``v1:<key id>:<base64url>``: the value encrypted with AES-256-SIV
(RFC 5297, ``cryptography``'s ``AESSIV``), a *deterministic* authenticated encryption — the same value under
the same key always gives the same token, a changed token never opens. Deterministic means the token is also
the searchable keyed hash: equality look-ups, ``IN`` and unique constraints keep working on the column, and
nothing else does (``motcua.core.fields.EncryptedPersonalIdField`` refuses every other look-up).
The header ``v1:<key id>`` is authenticated with the value (associated data), so a token cannot be passed off
as one of another version or key.

Keys come from settings: ``MOTCUA_PERSONAL_DATA_KEYS`` (``{"<key id>": "<base64 of 32 random bytes>"}`` or
the same as text, ``"<key id>:<base64>,<key id>:<base64>"``) and ``MOTCUA_PERSONAL_DATA_KEY_ID``, the key new
values are encrypted with (default: the first one). Every listed key decrypts, so a rotation is: add the new
key, make it current, run ``motcua rotate_personal_data_key``, then drop the old one. Each master key gives two
keys by HKDF-SHA-256: the AES-SIV key (512 bits) and an HMAC key for keyed references (``keyed_ref``).
When the setting is empty (development, tests, the demo) the keys are derived from ``SECRET_KEY`` and
``SECRET_KEY_FALLBACKS`` the way ``motcua.core.sealing`` derives its keys; production settings refuse to start
without the setting.

The derivations and the token format must never change for an existing version: the databases hold tokens
made with them. A new format is a new version prefix.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

VERSION = "v1"
#: Key ids: short, safe in the token and in an environment variable.
KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
MASTER_KEY_BYTES = 32
#: Room for the longest token: ``v1:`` + a 16-character key id + ``:`` + base64url(16-byte SIV + value).
#: A 14-character tax code under the longest key id takes 60 characters.
TOKEN_MAX_LENGTH = 100
_TOKEN = re.compile(r"^v1:([A-Za-z0-9_-]{1,16}):([A-Za-z0-9_-]+)$")


class PersonalDataError(Exception):
    """A token that cannot be opened with the configured keys (wrong key, altered or malformed value)."""


class PersonalDataKeyError(PersonalDataError):
    """The keys in settings are missing or malformed, or a token names a key id they do not hold."""


@dataclass(frozen=True)
class Key:
    id: str
    fingerprint: str
    siv: AESSIV = field(compare=False, repr=False)
    index_key: bytes = field(compare=False, repr=False)


@dataclass(frozen=True)
class Keyring:
    current: Key
    by_id: Mapping[str, Key]
    derived: bool  # the keys come from SECRET_KEY, not from MOTCUA_PERSONAL_DATA_KEYS

    def ordered(self) -> list[Key]:
        """The current key first, then the others."""
        return [self.current, *(k for k in self.by_id.values() if k.id != self.current.id)]


def _hkdf(master: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=info).derive(master)


def _key(key_id: str, master: bytes) -> Key:
    return Key(
        id=key_id,
        fingerprint=hashlib.sha256(b"motcua.personal-data.fingerprint:" + master).hexdigest()[:16],
        siv=AESSIV(_hkdf(master, b"motcua.personal-data.v1.aes-siv", 64)),
        index_key=_hkdf(master, b"motcua.personal-data.v1.index", 32),
    )


def parse_keys(value: Any) -> dict[str, bytes]:
    """``MOTCUA_PERSONAL_DATA_KEYS`` (a mapping, or its text form) as {key id: 32-byte master key}, in order.

    Raises ``PersonalDataKeyError`` with what is wrong; never shows a key.
    """
    if not value:
        return {}
    if isinstance(value, str):
        items: list[tuple[str, str]] = []
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            key_id, sep, encoded = part.partition(":")
            if not sep:
                raise PersonalDataKeyError(
                    "MOTCUA_PERSONAL_DATA_KEYS must list '<key id>:<base64 key>' items separated by commas"
                )
            items.append((key_id.strip(), encoded.strip()))
    elif isinstance(value, Mapping):
        items = [(str(k), str(v)) for k, v in value.items()]
    else:
        raise PersonalDataKeyError("MOTCUA_PERSONAL_DATA_KEYS must be a mapping or its text form")
    keys: dict[str, bytes] = {}
    for key_id, encoded in items:
        if not KEY_ID.match(key_id):
            raise PersonalDataKeyError(
                f"personal-data key id {key_id!r}: use 1 to 16 letters, digits, '-' or '_'"
            )
        if key_id in keys:
            raise PersonalDataKeyError(f"personal-data key id {key_id!r} is listed twice")
        try:
            raw = base64.b64decode(encoded + "=" * (-len(encoded) % 4), altchars=b"-_", validate=True)
        except (binascii.Error, ValueError) as exc:
            raise PersonalDataKeyError(f"personal-data key {key_id!r} is not base64") from exc
        if len(raw) != MASTER_KEY_BYTES:
            raise PersonalDataKeyError(
                f"personal-data key {key_id!r} must be {MASTER_KEY_BYTES} random bytes in base64 "
                f"(it is {len(raw)} bytes)"
            )
        keys[key_id] = raw
    return keys


def _derived_masters(materials: tuple[str, ...]) -> dict[str, bytes]:
    """Keys derived from SECRET_KEY and SECRET_KEY_FALLBACKS (``materials``, as ``motcua.core.sealing`` derives
    its own); each key id names the secret it came from, so a rotated SECRET_KEY kept in the fallbacks still
    opens."""
    masters: dict[str, bytes] = {}
    for material in materials:
        key_id = "sk" + hashlib.sha256(f"personal-data-id:{material}".encode()).hexdigest()[:8]
        masters.setdefault(key_id, hashlib.sha256(f"personal-data:{material}".encode()).digest())
    return masters


def keyring() -> Keyring:
    """The keys of the current settings (cached per configuration)."""
    configured = getattr(settings, "MOTCUA_PERSONAL_DATA_KEYS", None) or None
    current_id = str(getattr(settings, "MOTCUA_PERSONAL_DATA_KEY_ID", "") or "")
    if isinstance(configured, Mapping):
        configured = tuple((str(k), str(v)) for k, v in configured.items())
    if configured:
        return _keyring(configured, current_id, ())
    fallbacks = tuple(str(k) for k in getattr(settings, "SECRET_KEY_FALLBACKS", []))
    return _keyring(None, "", (str(settings.SECRET_KEY), *fallbacks))


@functools.lru_cache(maxsize=8)
def _keyring(configured: Any, current_id: str, materials: tuple[str, ...]) -> Keyring:
    derived = not configured
    if isinstance(configured, tuple):
        configured = dict(configured)
    masters = _derived_masters(materials) if derived else parse_keys(configured)
    if not masters:
        raise PersonalDataKeyError("MOTCUA_PERSONAL_DATA_KEYS lists no key")
    keys = {key_id: _key(key_id, master) for key_id, master in masters.items()}
    if derived or not current_id:
        current_id = next(iter(keys))
    if current_id not in keys:
        raise PersonalDataKeyError(
            f"MOTCUA_PERSONAL_DATA_KEY_ID {current_id!r} is not one of the ids in MOTCUA_PERSONAL_DATA_KEYS"
        )
    return Keyring(current=keys[current_id], by_id=keys, derived=derived)


def _ad(key_id: str) -> list[bytes]:
    return [f"{VERSION}:{key_id}".encode()]


@functools.lru_cache(maxsize=8192)
def _encrypt(key: Key, value: str) -> str:
    sealed = key.siv.encrypt(value.encode("utf-8"), _ad(key.id))
    return f"{VERSION}:{key.id}:{base64.urlsafe_b64encode(sealed).rstrip(b'=').decode('ascii')}"


def encrypt(value: str, *, key_id: str | None = None) -> str:
    """``value`` as a token under the current key (or ``key_id``). The same value gives the same token."""
    ring = keyring()
    key = ring.current if key_id is None else ring.by_id.get(key_id)
    if key is None:
        raise PersonalDataKeyError(f"no personal-data key with id {key_id!r}")
    return _encrypt(key, value)


def tokens(value: str) -> list[str]:
    """The tokens ``value`` may be stored as: one per configured key, the current one first (a look-up
    matches rows not yet re-encrypted to the current key)."""
    return [_encrypt(key, value) for key in keyring().ordered()]


def is_token(value: object) -> bool:
    return isinstance(value, str) and _TOKEN.match(value) is not None


def key_id_of(token: str) -> str:
    match = _TOKEN.match(token)
    if match is None:
        raise PersonalDataError("not a personal-data token")
    return match.group(1)


def decrypt(token: str) -> str:
    """The value in ``token``. Raises ``PersonalDataKeyError`` for a key id the settings do not hold and
    ``PersonalDataError`` for a token the key does not open (wrong key for the id, or an altered value)."""
    match = _TOKEN.match(token)
    if match is None:
        raise PersonalDataError("not a personal-data token (encrypted personal data expected)")
    key_id, body = match.groups()
    key = keyring().by_id.get(key_id)
    if key is None:
        raise PersonalDataKeyError(
            f"personal data encrypted under key id {key_id!r}, which MOTCUA_PERSONAL_DATA_KEYS does not hold"
        )
    try:
        sealed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        return key.siv.decrypt(sealed, _ad(key_id)).decode("utf-8")
    except (InvalidTag, ValueError, binascii.Error) as exc:
        raise PersonalDataError(
            f"personal data under key id {key_id!r} does not open with the configured key "
            "(wrong key for this id, or the stored value was altered)"
        ) from exc


def keyed_ref(value: str, length: int = 16) -> str:
    """A short keyed hash of ``value`` (HMAC-SHA-256 under the current key), to name a person in a log or an
    audit row without the number itself: a plain hash of a 12-digit number is reversed by trying them all."""
    digest = hmac.new(keyring().current.index_key, value.encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:length]


def configuration_problems() -> list[str]:
    """What is wrong with the personal-data key settings (empty: nothing)."""
    try:
        keyring()
    except PersonalDataKeyError as exc:
        return [str(exc)]
    return []


def new_key_line(key_id: str = "1") -> str:
    """A fresh ``<key id>:<base64>`` item for ``MOTCUA_PERSONAL_DATA_KEYS`` (documentation, the check)."""
    import secrets

    return f"{key_id}:{base64.b64encode(secrets.token_bytes(MASTER_KEY_BYTES)).decode('ascii')}"
