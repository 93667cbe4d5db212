"""Template filters for the official forms: ``{% load documents_format %}``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template

from motcua.documents import formatting

register = template.Library()


@register.filter
def vn_date(value: dt.date | dt.datetime | None) -> str:
    return formatting.format_date(value)


@register.filter
def vn_time(value: dt.datetime | None) -> str:
    return formatting.format_time(value)


@register.filter
def vn_datetime(value: dt.datetime | None) -> str:
    return formatting.format_datetime(value)


@register.filter
def vnd(value: int | Decimal | None) -> str:
    return formatting.format_vnd(value)


@register.filter
def two_digits(value: int | None) -> str:
    return "" if value is None else formatting.two_digits(value)


@register.filter
def or_blank(value: object) -> object:
    """The value, or the dotted line a paper form leaves for it."""
    if value is None or value == "" or value == ():
        return formatting.BLANK
    return value


@register.simple_tag
def date_line(place: str, value: dt.date | dt.datetime | None) -> str:
    return formatting.date_line(place, value)
