"""Every response carries the security headers; inline scripts and styles run only with the request's nonce."""

import re
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client

from motcua.core.headers import SecurityHeadersMiddleware

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "motcua"


def policy(response) -> dict[str, str]:
    directives = (d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";"))
    return dict(directives)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "path", ["/", "/thu-tuc/", "/tai-khoan/dang-nhap/", "/khong-co-trang-nay/", "/api/v1/"]
)
def test_headers_on_pages_api_and_errors(client: Client, path: str):
    response = client.get(path)
    csp = policy(response)
    assert csp["default-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-inline'" not in csp["style-src"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_nonce_is_new_for_every_response_and_matches_the_inline_tags(client: Client, settings):
    settings.MOTCUA_CSP_FORM_ACTION = ["https://vneid.example.gov.vn"]
    first, second = client.get("/tai-khoan/dang-nhap/"), client.get("/tai-khoan/dang-nhap/")
    nonces = [re.search(r"'nonce-([^']+)'", r["Content-Security-Policy"]).group(1) for r in (first, second)]
    assert nonces[0] != nonces[1] and len(nonces[0]) >= 16
    assert policy(first)["form-action"] == "'self' https://vneid.example.gov.vn"
    for tag in re.findall(r"<(?:script|style)\b[^>]*>", second.content.decode()):
        if "src=" not in tag:
            assert f'nonce="{nonces[1]}"' in tag, tag


def test_a_response_keeps_its_own_policy(rf):
    """A stored file is served with ``sandbox``; the middleware must not widen it to the page policy."""

    def serve_file(request):
        response = HttpResponse(b"%PDF-1.7", content_type="application/pdf")
        response["Content-Security-Policy"] = "sandbox"
        return response

    response = SecurityHeadersMiddleware(serve_file)(rf.get("/tep/1/"))
    assert response["Content-Security-Policy"] == "sandbox"
    assert "camera=()" in response["Permissions-Policy"]  # the other headers are still added


def test_no_template_has_inline_handlers_or_unnonced_inline_code():
    """An ``onclick=`` attribute or an inline ``<script>``/``<style>`` without the nonce would be refused by the
    browser under this policy: the page would silently lose its behaviour or its look."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<(script|style)\b([^>]*)>", text):
            attrs = match.group(2)
            if "src=" in attrs or 'type="application/json"' in attrs or "nonce=" in attrs:
                continue
            offenders.append(f"{path.relative_to(TEMPLATES)}: {match.group(0)}")
        for match in re.finditer(r"\son(click|change|submit|load|input|keyup|keydown|focus|blur)=", text):
            offenders.append(f"{path.relative_to(TEMPLATES)}: {match.group(0).strip()}")
    assert offenders == []
