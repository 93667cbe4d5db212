"""Text for SMS, and keeping phone numbers out of logs.

**Why SMS drops diacritics.** A GSM-7 SMS holds 160 characters; Vietnamese letters with marks (ă, ề, ự …)
are not in the GSM-7 alphabet, so one of them switches the whole message to UCS-2, where one SMS holds
only 70 characters (and operators bill each 67-character part). Vietnamese brandname SMS are therefore sent
without marks ("Ho so H56-260313-0001 da duoc tiep nhan"), which every reader understands. ``unaccent``
does that while keeping upper and lower case (unlike ``motcua.core.text.fold``, which is for search and
casefolds); ``gsm_text`` then replaces what is still outside the GSM-7 basic set and cuts the text to the
limit.
"""

from __future__ import annotations

import re
import unicodedata

# The GSM 03.38 basic character set (one septet each); the extension table (€, [, ] …) costs two and is avoided.
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_REPLACEMENTS = {
    "–": "-",
    "—": "-",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "…": "...",
    "«": '"',
    "»": '"',
    "\u00a0": " ",
    "[": "(",
    "]": ")",
    "{": "(",
    "}": ")",
    "~": "-",
    "|": "/",
    "\\": "/",
    "^": "",
    "€": "EUR",
    "`": "'",
}


def unaccent(value: str) -> str:
    """Strip Vietnamese marks, keep case: ``"Đăng ký Khai sinh"`` → ``"Dang ky Khai sinh"``."""
    decomposed = unicodedata.normalize("NFD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped.replace("đ", "d").replace("Đ", "D"))


def gsm_text(value: str, *, limit: int = 160) -> str:
    """One line of GSM-7 basic characters, at most ``limit`` long (cut with ``...``)."""
    text = unaccent(value)
    text = "".join(_REPLACEMENTS.get(ch, ch) for ch in text)
    text = " ".join(text.split())
    text = "".join(ch if ch in GSM_BASIC else "?" for ch in text)
    if len(text) > limit:
        text = text[: max(limit - 3, 0)].rstrip() + "..."
    return text


def mask_phone(phone: str) -> str:
    """All digits but the last three hidden: ``+84912345678`` → ``********678``."""
    digits = re.sub(r"\D", "", phone or "")
    if not digits:
        return ""
    shown = digits[-3:]
    return "*" * (len(digits) - len(shown)) + shown


def _digit_pattern(digits: str) -> str:
    # The digits in order, allowing the separators people and gateways write between them.
    return r"[\s.\-()]*".join(re.escape(d) for d in digits)


def scrub_phone(text: str, phone: str) -> str:
    """``text`` with every spelling of ``phone`` (``+84…``, ``84…``, ``0…``) replaced by its mask."""
    digits = re.sub(r"\D", "", phone or "")
    if not text or len(digits) < 4:
        return text
    national = digits[2:] if digits.startswith("84") else digits.lstrip("0")
    pattern = rf"\(?(?:\+?84|0)?[\s.\-()]*{_digit_pattern(national)}"
    return re.sub(pattern, mask_phone(phone), text)
