"""The VNeID entry points other apps' templates show: the sign-in button (accounts' sign-in page) and the
"link your account" line (the citizen's pages). Both render nothing when VNeID is off, so those templates
need no context of ours and the accounts app never imports the integration."""

from __future__ import annotations

from typing import Any

from django import template

from motcua.accounts.models import AccountKind
from motcua.integrations.vneid import conf

register = template.Library()


@register.inclusion_tag("portal/vneid/_signin_button.html", takes_context=True)
def vneid_signin_button(context: template.Context, next_url: str = "") -> dict[str, Any]:
    return {"enabled": conf.enabled(), "next_url": next_url or "", "request": context.get("request")}


@register.inclusion_tag("portal/vneid/_link_entry.html", takes_context=True)
def vneid_link_entry(context: template.Context) -> dict[str, Any]:
    """Shown to a citizen whose account has no personal ID yet (registered by phone or email)."""
    user = context.get("user")
    show = bool(
        conf.enabled()
        and user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "kind", "") == AccountKind.CITIZEN
        and not getattr(user, "personal_id", None)
    )
    return {"show": show, "request": context.get("request")}
