"""The electronic receipt (Biên lai thu phí, lệ phí điện tử) of a paid order: its data and the amount in
Vietnamese words."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from .models import PaymentOrder

_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
_GROUPS = ["", "nghìn", "triệu", "tỷ"]


def _three(n: int, *, full: bool) -> str:
    """Words for 0 < n < 1000; ``full`` when a higher group precedes (so “không trăm” is said)."""
    hundreds, tens, units = n // 100, (n // 10) % 10, n % 10
    words: list[str] = []
    if full or hundreds:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("lẻ")
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units:
        if units == 1 and tens >= 2:
            words.append("mốt")
        elif units == 5 and tens >= 1:
            words.append("lăm")
        elif units == 4 and tens >= 2:
            words.append("tư")
        else:
            words.append(_DIGITS[units])
    return " ".join(words)


def amount_in_words(amount: int) -> str:
    """``125000`` → “Một trăm hai mươi lăm nghìn đồng”."""
    if amount == 0:
        return "Không đồng"
    groups: list[int] = []
    n = amount
    while n:
        groups.append(n % 1000)
        n //= 1000
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        value = groups[index]
        if not value:
            continue
        words.append(_three(value, full=index < len(groups) - 1))
        name = _GROUPS[index % 4] if index % 4 else ("tỷ" if index else "")
        if index and index % 3 == 0 and index >= 3:
            name = "tỷ"
        if name:
            words.append(name)
    text = " ".join(words) + " đồng"
    return text[0].upper() + text[1:]


def receipt_context(order: PaymentOrder) -> dict[str, Any]:
    dossier = order.dossier
    return {
        "order": order,
        "dossier": dossier,
        "agency": order.agency,
        "payer": dossier.applicant_name,
        "items": [i for i in order.items if i.get("amount", 0) > 0],
        "amount_words": amount_in_words(order.amount),
        "paid_at": timezone.localtime(order.paid_at) if order.paid_at else None,
    }
