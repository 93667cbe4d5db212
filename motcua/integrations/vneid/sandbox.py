"""The fake VNeID provider over HTTP (dev, demo and tests only), mounted at /sandbox/vneid/ by
``motcua.portal.urls_vneid_sandbox``: the authorize page for the browser, the rest handed to ``fake.SANDBOX``.

On only while ``conf.sandbox_enabled()`` — the ``fake`` backend (or ``MOTCUA_VNEID["sandbox"]``), and never
without ``DEBUG`` or ``MOTCUA_DEMO``: 404 otherwise. The page's template sits next to this module (the fake
is not part of the portal's look: a tester should see they left the site).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template import engines
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from motcua.core.validators import normalize_phone, validate_cccd

from . import conf
from .fake import DEMO_PERSONS, SANDBOX, AuthorizeRequest, person_from_form

TEMPLATE = Path(__file__).with_name("authorize.html")
PARAMS = ("response_type", "client_id", "redirect_uri", "scope", "state", "nonce", "code_challenge",
          "code_challenge_method")  # fmt: skip
SCOPE_LABELS = {
    "openid": _("Mã tài khoản định danh điện tử (riêng cho ứng dụng này)"),
    "profile": _("Họ, chữ đệm và tên; ngày sinh; giới tính"),
    "phone": _("Số điện thoại"),
    "personal_id": _("Số định danh cá nhân"),
}


class TypedPersonForm(forms.Form):
    """Another person than the demo ones: what a tester types is what the fake vouches for."""

    personal_id = forms.CharField(label=_("Số định danh cá nhân"), max_length=12, min_length=12)
    name = forms.CharField(label=_("Họ và tên"), max_length=200)
    birthdate = forms.DateField(
        label=_("Ngày sinh"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    phone = forms.CharField(label=_("Số điện thoại"), max_length=16, required=False)

    def clean_personal_id(self) -> str:
        value = str(self.cleaned_data["personal_id"]).strip()
        validate_cccd(value)
        return value

    def clean_phone(self) -> str:
        value = str(self.cleaned_data.get("phone") or "").strip()
        return normalize_phone(value) if value else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        birthdate = data.get("birthdate")
        if data.get("personal_id") and isinstance(birthdate, dt.date):
            try:
                validate_cccd(data["personal_id"], birth_date=birthdate)
            except ValidationError as exc:
                self.add_error("birthdate", exc)
        return data


def _render(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    template = engines["django"].from_string(TEMPLATE.read_text(encoding="utf-8"))
    return HttpResponse(template.render(context, request), status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest) -> HttpResponse:
    """OIDC Core §3.1.2: the tester signs in as a demo person, types one, or cancels."""
    if not conf.sandbox_enabled():
        raise Http404
    check = SANDBOX.authorize_check({name: request.GET.get(name, "") for name in PARAMS})
    if check.problem:
        return _render(request, {"problem": check.problem}, status=400)
    if check.redirect:
        return HttpResponseRedirect(check.redirect)
    auth = check.request
    assert auth is not None  # noqa: S101 - authorize_check gives one of the three
    typed = TypedPersonForm(request.POST if request.POST.get("action") == "typed" else None)
    if request.method == "POST":
        outcome = _decide(request, auth, typed)
        if outcome is not None:
            return outcome
    context = {
        "persons": list(enumerate(DEMO_PERSONS)),
        "typed": typed,
        "scopes": [SCOPE_LABELS.get(s, s) for s in auth.scopes],
        "client_name": _("Cổng dịch vụ công tỉnh %(province)s")
        % {"province": getattr(settings, "MOTCUA_PROVINCE_NAME", "")},
        "query": request.GET.urlencode(),
    }
    return _render(request, context, status=400 if typed.is_bound else 200)


def _decide(request: HttpRequest, auth: AuthorizeRequest, typed: TypedPersonForm) -> HttpResponse | None:
    action = request.POST.get("action", "")
    if action == "cancel":
        return HttpResponseRedirect(SANDBOX.deny(auth))
    if action == "person":
        index = request.POST.get("person", "")
        if index.isdigit() and int(index) < len(DEMO_PERSONS):
            return HttpResponseRedirect(SANDBOX.grant(auth, DEMO_PERSONS[int(index)]))
        return HttpResponse(status=400)
    if action == "typed":
        if typed.is_valid():
            data = typed.cleaned_data
            person = person_from_form(data["personal_id"], data["name"], data["birthdate"], data["phone"])
            return HttpResponseRedirect(SANDBOX.grant(auth, person))
        return None
    return HttpResponse(status=400)


@csrf_exempt  # the back channel: server-to-server calls authenticated by client credentials or tokens
def api(request: HttpRequest, path: str = "") -> HttpResponse:
    if not conf.sandbox_enabled():
        raise Http404
    answer = SANDBOX.handle(request.method or "GET", "/" + path, dict(request.headers.items()), request.body)
    response = HttpResponse(answer.body, status=answer.status)
    for name, value in answer.headers.items():
        response[name] = value
    return response
