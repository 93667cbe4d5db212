"""Result codes: "KQ" + 12 random characters of a 32-letter alphabet without look-alikes (60 bits),
printed on the document and typed by people reading it: not guessable, not sequential."""

from __future__ import annotations

import re
import secrets

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PREFIX = "KQ"
LENGTH = 12
CODE_RE = re.compile(rf"^{PREFIX}[{ALPHABET}]{{{LENGTH}}}$")


def new_code() -> str:
    return PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_code(text: str) -> str:
    """What a person typed or a scanner read, as a code: upper case, spaces and dashes removed, O→0-free."""
    cleaned = re.sub(r"[\s\-.]", "", (text or "").upper())[:40]
    return cleaned


def looks_like_code(text: str) -> bool:
    return bool(CODE_RE.match(text))
