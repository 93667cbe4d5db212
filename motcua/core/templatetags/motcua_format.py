from django import template

from motcua.core.validators import phone_display

register = template.Library()


@register.filter
def phone(value: str) -> str:
    """``+84912345678`` → ``0912 345 678``."""
    return phone_display(value or "")
