"""Security headers on every response: a Content-Security-Policy with a per-request nonce, and the
headers Django's ``SecurityMiddleware`` does not set (it sets HSTS, nosniff, Referrer-Policy and
Cross-Origin-Opener-Policy from settings).

The policy allows scripts and style sheets from this origin only; an inline ``<script>`` or ``<style>`` runs
only when it carries the request's nonce (``nonce="{{ request.csp_nonce }}"``), so an injected one does not.
Inline *style attributes* stay allowed (``style-src-attr 'unsafe-inline'``): the bars of the dashboards set
their width that way, and a style attribute cannot run code. ``frame-ancestors 'none'`` (with
``X-Frame-Options: DENY``) keeps every page out of other sites' frames; ``form-action`` lists this origin and
the external sign-in and payment origins a form may lead to (``MOTCUA_CSP_FORM_ACTION``).

A response that sets its own policy keeps it (a stored file served with ``sandbox``, for instance).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


def content_security_policy(nonce: str) -> str:
    form_action = " ".join(["'self'", *getattr(settings, "MOTCUA_CSP_FORM_ACTION", [])])
    directives = [
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        f"style-src 'self' 'nonce-{nonce}'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        f"form-action {form_action}",
        "frame-ancestors 'none'",
    ]
    return "; ".join(directives)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = SimpleLazyObject(lambda: secrets.token_urlsafe(16))
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = content_security_policy(str(nonce))
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
