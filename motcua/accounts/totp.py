"""TOTP (RFC 6238) and the small cryptography around the second factors, with the standard library only.

Why no third-party OTP library: TOTP is thirty lines over ``hmac``/``hashlib`` (RFC 4226 dynamic truncation
of an HMAC-SHA-1 over the 30-second time step), checked here against the RFC 6238 test vectors; one less
dependency to vet for a level-3 system.

Secrets are sealed (``motcua.core.sealing``: Fernet) under a key derived from ``MOTCUA_TOTP_KEY`` (or
``SECRET_KEY`` when it is empty). Old keys in ``SECRET_KEY_FALLBACKS`` still open what they sealed, so a key
rotation done the Django way does not lock staff out. Recovery and one-time codes are stored as keyed
hashes (HMAC-SHA-256 under the same key material): a copy of the database alone does not yield them, even
for 6-digit codes that an unkeyed hash would not protect.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import struct
import urllib.parse

from django.conf import settings

from motcua.core import sealing

PERIOD = 30  # seconds per time step
DIGITS = 6
WINDOW = 1  # steps accepted either side of now (clock drift, slow typing)
SECRET_BYTES = 20  # 160 bits, the HMAC-SHA-1 block the RFC recommends

RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper without doubt
_RECOVERY_LENGTH = 10  # about 49.5 bits

_CODE = re.compile(r"^\d{6}$")


# --- RFC 4226 / RFC 6238 -----------------------------------------------------------------------------


def hotp(key: bytes, counter: int, *, digits: int = DIGITS, digest: str = "sha1") -> str:
    """The HOTP value of ``counter`` (RFC 4226 §5.3): dynamic truncation of HMAC(key, counter)."""
    mac = hmac.new(key, struct.pack(">Q", counter), digest).digest()
    offset = mac[-1] & 0x0F
    binary = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(binary % (10**digits)).zfill(digits)


def time_step(at: float, *, period: int = PERIOD) -> int:
    return int(at // period)


def totp(key: bytes, at: float, *, digits: int = DIGITS, digest: str = "sha1") -> str:
    """The TOTP value at Unix time ``at`` (RFC 6238 §4.2)."""
    return hotp(key, time_step(at), digits=digits, digest=digest)


def matching_step(key: bytes, code: str, *, at: float, window: int = WINDOW) -> int | None:
    """The time step within ``window`` of ``at`` whose code is ``code``, or None.

    Every candidate is computed and compared in constant time, so the answer takes the same work whether
    it matches early, late or not at all.
    """
    code = code.strip()
    if not _CODE.match(code):
        return None
    now = time_step(at)
    found: int | None = None
    for step in range(now - window, now + window + 1):
        if hmac.compare_digest(hotp(key, step), code) and found is None:
            found = step
    return found


# --- secrets ----------------------------------------------------------------------------------------


def new_secret() -> str:
    """A fresh shared secret in base32 without padding (what authenticator apps expect)."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii").rstrip("=")


def secret_bytes(secret: str) -> bytes:
    cleaned = secret.replace(" ", "").upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


def secret_for_display(secret: str) -> str:
    """``ABCD EFGH …``: groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(*, secret: str, account: str, issuer: str) -> str:
    """The ``otpauth://`` URI that authenticator apps read from the QR code (Key Uri Format)."""
    label = urllib.parse.quote(f"{issuer}:{account}", safe="")
    query = urllib.parse.urlencode(
        {"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": DIGITS, "period": PERIOD},
        quote_via=urllib.parse.quote,
    )
    return f"otpauth://totp/{label}?{query}"


def qr_svg_data_uri(text: str) -> str:
    """A QR code of ``text`` as an SVG data URI: sharp at any size, no image library needed."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=4)
    code.add_data(text)
    code.make(fit=True)
    svg = code.make_image(image_factory=SvgPathImage).to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


# --- sealing and keyed hashes -----------------------------------------------------------------------


#: The derivation label of the TOTP secrets (``motcua.core.sealing``): never change it, the databases hold
#: secrets sealed under it.
SEAL_LABEL = "motcua.accounts.totp.seal"


def _key_material() -> list[str]:
    return sealing.key_materials(str(getattr(settings, "MOTCUA_TOTP_KEY", "") or ""))


def seal(secret: str) -> str:
    return sealing.seal(secret, label=SEAL_LABEL, materials=_key_material())


def unseal(token: str) -> str:
    """The secret sealed in ``token``; raises ``ValueError`` if no current or fallback key opens it."""
    return sealing.unseal(token, label=SEAL_LABEL, materials=_key_material())


def keyed_hashes(purpose: str, value: str) -> list[str]:
    """HMAC-SHA-256 of ``value`` under each key (current first): store the first, look up with all."""
    return [
        hmac.new(
            hashlib.sha256(f"motcua.accounts.{purpose}:{material}".encode()).digest(),
            value.encode("utf-8"),
            hashlib.sha256,
        ).hexdigest()
        for material in _key_material()
    ]


def keyed_hash(purpose: str, value: str) -> str:
    return keyed_hashes(purpose, value)[0]


# --- recovery and one-time codes --------------------------------------------------------------------


def new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normalize_recovery_code(value: str) -> str:
    return re.sub(r"[\s\-]", "", value).lower()


def looks_like_recovery_code(value: str) -> bool:
    cleaned = normalize_recovery_code(value)
    return len(cleaned) == _RECOVERY_LENGTH and all(ch in _RECOVERY_ALPHABET for ch in cleaned)


def new_one_time_code() -> str:
    return f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"
