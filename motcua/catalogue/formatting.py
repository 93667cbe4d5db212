"""How the catalogue writes amounts and time limits for people (Vietnamese conventions)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _

from .choices import BudgetUnit, TimeUnit


def number_vi(value: Decimal | int | float) -> str:
    """``Decimal('1.5')`` → "1,5"; whole numbers without decimals; thousands grouped with dots."""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return f"{int(number):,}".replace(",", ".")
    whole, _sep, frac = f"{number.normalize():f}".partition(".")
    return f"{int(whole):,}".replace(",", ".") + "," + frac


def vnd(amount: int | Decimal | None) -> str:
    """``1000000`` → "1.000.000 đồng"."""
    if amount is None:
        return ""
    return _("%(amount)s đồng") % {"amount": number_vi(int(amount))}


def _padded(amount: Decimal) -> str:
    """Official style pads whole counts below 10: 5 → "05"; fractions stay as they are: "0,5"."""
    if amount == amount.to_integral_value() and 0 <= amount < 10:
        return f"{int(amount):02d}"
    return number_vi(amount)


def time_limit_words(amount: Decimal | int, unit: str) -> str:
    """``(5, working_days)`` → "05 ngày làm việc"; ``same_day`` → "Trong ngày"."""
    number = Decimal(str(amount))
    if unit == TimeUnit.SAME_DAY:
        return _("Trong ngày")
    if unit == TimeUnit.WORKING_DAYS:
        return _("%(n)s ngày làm việc") % {"n": _padded(number)}
    if unit == TimeUnit.WORKING_HOURS:
        return _("%(n)s giờ làm việc") % {"n": _padded(number)}
    return _("%(n)s ngày") % {"n": _padded(number)}


def budget_words(amount: Decimal | int, unit: str) -> str:
    number = Decimal(str(amount))
    if unit == BudgetUnit.WORKING_HOURS:
        return _("%(n)s giờ làm việc") % {"n": _padded(number)}
    return _("%(n)s ngày làm việc") % {"n": _padded(number)}


def cutoff_words(cutoff: dt.time | None) -> str:
    """The after-cut-off rule in words, or "" when the procedure does not use it."""
    if cutoff is None:
        return ""
    return _("Hồ sơ nhận sau %(time)s được tính là nhận vào ngày làm việc tiếp theo.") % {
        "time": _("%(h)s giờ %(m)s") % {"h": f"{cutoff.hour:02d}", "m": f"{cutoff.minute:02d}"}
    }
