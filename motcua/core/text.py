"""Diacritic-insensitive text for Vietnamese search."""

import unicodedata


def fold(value: str | None) -> str:
    """Fold Vietnamese text for search: NFD, strip combining marks, đ/Đ→d, casefold, squeeze spaces.

    >>> fold("Đăng ký khai sinh")
    'dang ky khai sinh'
    """
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return " ".join(stripped.casefold().split())
