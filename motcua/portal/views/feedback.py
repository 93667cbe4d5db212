"""Evaluation of a returned dossier (signed in, or through a signed link / the counter tablet) and feedback,
complaints (PAKN): send, track, read the published answers, like or dislike them. Thin: forms parse, the
services of ``motcua.feedback`` decide."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from motcua.dossiers.errors import DossierNotFound
from motcua.dossiers.models import Dossier
from motcua.dossiers.portal_selectors import dossier_get_own
from motcua.feedback import criteria, selectors
from motcua.feedback.conf import setting
from motcua.feedback.errors import FeedbackError
from motcua.feedback.models import Satisfaction, SubjectKind, Vote
from motcua.feedback.ratelimit import hit
from motcua.feedback.services import (
    evaluation_edit,
    evaluation_give,
    feedback_provide_info,
    feedback_react,
    feedback_submit,
)
from motcua.feedback.targets import evaluation_targets
from motcua.feedback.tokens import read_token
from motcua.org.models import OrgUnit
from motcua.org.selectors import orgunit_current_units

PAGE_SIZE = 10
VOTER_COOKIE = "motcua_pakn"


def client_ip(request: HttpRequest) -> str:
    """The address the request came from (the reverse proxy must set REMOTE_ADDR to the real client)."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


# -- evaluation ------------------------------------------------------------------------------------------


def _votes_from(request: HttpRequest, dossier: Dossier) -> dict[str, str]:
    return {t.key: request.POST.get(f"vote_{t.key}", "") for t in evaluation_targets(dossier)}


def _render_evaluation(
    request: HttpRequest,
    dossier: Dossier,
    *,
    action: str,
    error: str = "",
    posted: dict[str, Any] | None = None,
    status: int = 200,
    kiosk: bool = False,
) -> HttpResponse:
    evaluation = selectors.evaluation_for_dossier(dossier)
    current = selectors.evaluation_vote_map(evaluation)
    chosen = evaluation.satisfaction if evaluation else ""
    comment = evaluation.comment if evaluation else ""
    if posted is not None:
        current, chosen, comment = posted["votes"], posted["satisfaction"], posted["comment"]
    targets = [(t, current.get(t.key, "")) for t in evaluation_targets(dossier)]
    context = {
        "dossier": dossier,
        "score": criteria.score(dossier),
        "evaluation": evaluation,
        "can_edit": selectors.evaluation_can_edit(evaluation) and not kiosk,
        "levels": Satisfaction.choices,
        "chosen": chosen,
        "comment": comment,
        "comment_max": int(setting("MOTCUA_EVALUATION_COMMENT_MAX")),
        "unit_targets": [(t, v) for t, v in targets if t.officer_id is None],
        "officer_targets": [(t, v) for t, v in targets if t.officer_id is not None],
        "votes": Vote.choices,
        "action": action,
        "error": error,
        "kiosk": kiosk,
    }
    return render(request, "portal/feedback/evaluate.html", context, status=status)


def _posted(request: HttpRequest, dossier: Dossier) -> dict[str, Any]:
    return {
        "satisfaction": request.POST.get("satisfaction", ""),
        "comment": request.POST.get("comment", ""),
        "votes": _votes_from(request, dossier),
    }


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def evaluate_dossier(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        dossier = dossier_get_own(user=request.user, pk=pk)  # type: ignore[arg-type]
    except DossierNotFound as exc:
        raise Http404(exc.message) from exc
    action = reverse("evaluation_dossier", args=[pk])
    if request.method == "POST":
        posted = _posted(request, dossier)
        try:
            if selectors.evaluation_for_dossier(dossier) is None:
                evaluation_give(dossier=dossier, actor=request.user, **posted)  # type: ignore[arg-type]
                messages.success(
                    request, _("Cảm ơn bạn đã đánh giá hồ sơ %(code)s.") % {"code": dossier.code}
                )
            else:
                evaluation_edit(dossier=dossier, actor=request.user, **posted)  # type: ignore[arg-type]
                messages.success(request, _("Đã lưu đánh giá đã sửa."))
        except FeedbackError as exc:
            return _render_evaluation(
                request, dossier, action=action, error=exc.message, posted=posted, status=exc.http_status
            )
        return redirect("my_dossier", pk=dossier.pk)
    return _render_evaluation(request, dossier, action=action)


@never_cache
@require_http_methods(["GET", "POST"])
def evaluate_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed / SMS link and the counter tablet: no login; the signed token names the dossier."""
    try:
        claim = read_token(token)
    except FeedbackError as exc:
        return render(request, "portal/feedback/evaluate_done.html", {"error": exc.message}, status=400)
    dossier = selectors.evaluation_link_dossier(claim.dossier_id)
    if dossier is None:
        raise Http404
    kiosk = claim.channel == "kiosk"
    if selectors.evaluation_for_dossier(dossier) is not None and request.method == "GET":
        return render(
            request,
            "portal/feedback/evaluate_done.html",
            {
                "error": _("Hồ sơ này đã được đánh giá. Mỗi hồ sơ chỉ được đánh giá một lần."),
                "dossier": dossier,
            },
            status=409,
        )
    action = reverse("evaluation_link", args=[token])
    if request.method == "POST":
        posted = _posted(request, dossier)
        try:
            evaluation_give(dossier=dossier, token=token, **posted)
        except FeedbackError as exc:
            return _render_evaluation(
                request,
                dossier,
                action=action,
                error=exc.message,
                posted=posted,
                status=exc.http_status,
                kiosk=kiosk,
            )
        return render(request, "portal/feedback/evaluate_done.html", {"dossier": dossier, "kiosk": kiosk})
    return _render_evaluation(request, dossier, action=action, kiosk=kiosk)


# -- PAKN ------------------------------------------------------------------------------------------------


class FeedbackForm(forms.Form):
    subject_kind = forms.ChoiceField(
        label=gettext_lazy("Bạn phản ánh, kiến nghị về"), choices=SubjectKind.choices
    )
    reference = forms.CharField(
        label=gettext_lazy("Mã hồ sơ, mã thủ tục hoặc tên cán bộ (nếu có)"), required=False, max_length=200
    )
    unit = forms.ChoiceField(label=gettext_lazy("Cơ quan, đơn vị liên quan"), required=False)
    title = forms.CharField(label=gettext_lazy("Tiêu đề"), max_length=200)
    content = forms.CharField(label=gettext_lazy("Nội dung"), widget=forms.Textarea(attrs={"rows": 8}))
    sender_name = forms.CharField(label=gettext_lazy("Họ và tên"), max_length=150)
    phone = forms.CharField(label=gettext_lazy("Số điện thoại"), required=False, max_length=30)
    email = forms.CharField(label=gettext_lazy("Email"), required=False, max_length=254)
    consent = forms.BooleanField(
        label=gettext_lazy(
            "Tôi đồng ý để cơ quan nhà nước sử dụng thông tin liên hệ này để xử lý và trả lời phản ánh. "
            "Thông tin liên hệ không được công khai."
        ),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = {u.code: u for u in orgunit_current_units().order_by("name")}
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ChoiceField)  # noqa: S101 - declared above
        unit_field.choices = [("", _("— Chọn cơ quan, đơn vị —"))] + [
            (code, u.name) for code, u in self.units.items()
        ]
        self.fields["phone"].help_text = _("Cần ít nhất số điện thoại hoặc email để nhận trả lời và tra cứu.")

    def unit_obj(self) -> OrgUnit | None:
        return self.units.get(self.cleaned_data.get("unit") or "")


class TrackForm(forms.Form):
    ma = forms.CharField(label=gettext_lazy("Mã phản ánh"), max_length=20)
    lien_he = forms.CharField(label=gettext_lazy("Số điện thoại hoặc email đã gửi kèm"), max_length=254)


@require_http_methods(["GET"])
def feedback_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:100]
    page = Paginator(selectors.feedback_public_list(q=q), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/feedback/list.html",
        {"page": page, "q": q, "query": urlencode({"q": q}) if q else "", "track_form": TrackForm()},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def feedback_send(request: HttpRequest) -> HttpResponse:
    error, status = "", 200
    if request.method == "POST":
        form = FeedbackForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                feedback = feedback_submit(
                    subject_kind=data["subject_kind"],
                    reference=data["reference"],
                    unit=form.unit_obj(),
                    title=data["title"],
                    content=data["content"],
                    sender_name=data["sender_name"],
                    phone=data["phone"],
                    email=data["email"],
                    consent=data["consent"],
                    account=request.user if request.user.is_authenticated else None,
                    client=client_ip(request),
                )
            except FeedbackError as exc:
                error, status = exc.message, exc.http_status
            else:
                request.session["motcua_pakn_sent"] = feedback.code
                return redirect("feedback_sent")
        else:
            status = 422
    else:
        initial = {}
        if request.user.is_authenticated:
            initial = {"sender_name": getattr(request.user, "full_name", ""), "email": request.user.email}
        form = FeedbackForm(initial=initial)
    return render(request, "portal/feedback/send.html", {"form": form, "error": error}, status=status)


@never_cache
def feedback_sent(request: HttpRequest) -> HttpResponse:
    code = request.session.get("motcua_pakn_sent")
    if not code:
        return redirect("feedback_list")
    return render(request, "portal/feedback/sent.html", {"code": code})


@never_cache
@require_http_methods(["GET", "POST"])
def feedback_track(request: HttpRequest) -> HttpResponse:
    """The sender's own feedback by its code and contact; also where requested information is given."""
    feedback, error, status = None, "", 200
    form = TrackForm(request.POST or None, initial={"ma": request.GET.get("ma", "")[:20]})
    if request.method == "POST" and form.is_valid():
        limit, window = (
            int(setting("MOTCUA_FEEDBACK_TRACK_LIMIT")),
            int(setting("MOTCUA_FEEDBACK_TRACK_WINDOW")),
        )
        if hit("track", client_ip(request), limit=limit, window=window):
            error = _("Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau %(minutes)s phút.") % {
                "minutes": max(1, window // 60)
            }
            status = 429
        else:
            code, contact = form.cleaned_data["ma"], form.cleaned_data["lien_he"]
            if "reply" in request.POST:
                try:
                    feedback = feedback_provide_info(
                        code=code.strip().upper(), contact=contact, reply=request.POST["reply"]
                    )
                    messages.success(request, _("Đã gửi thông tin bổ sung."))
                except FeedbackError as exc:
                    error, status = exc.message, exc.http_status
                    feedback = selectors.feedback_track(code=code, contact=contact)
            else:
                feedback = selectors.feedback_track(code=code, contact=contact)
            if feedback is None and not error:
                error, status = _("Không tìm thấy phản ánh với mã và thông tin liên hệ đã nhập."), 404
    badge = selectors.feedback_due_badge(feedback) if feedback else None
    return render(
        request, "portal/feedback/track.html", {"form": form, "feedback": feedback, "error": error, "badge": badge},
        status=status,
    )  # fmt: skip


@require_http_methods(["GET"])
def feedback_public(request: HttpRequest, code: str) -> HttpResponse:
    feedback = selectors.feedback_public_get(code)
    if feedback is None:
        raise Http404(_("Không tìm thấy câu trả lời đã công khai."))
    return render(request, "portal/feedback/detail.html", {"feedback": feedback})


@require_POST
def feedback_vote(request: HttpRequest, code: str) -> HttpResponse:
    feedback = selectors.feedback_public_get(code)
    if feedback is None:
        raise Http404(_("Không tìm thấy câu trả lời đã công khai."))
    cookie = request.COOKIES.get(VOTER_COOKIE, "")
    if len(cookie) != 32:
        cookie = secrets.token_hex(16)
    voter = hashlib.sha256(f"{VOTER_COOKIE}:{cookie}".encode()).hexdigest()
    try:
        feedback_react(
            feedback=feedback, voter=voter, vote=request.POST.get("vote", ""), client=client_ip(request)
        )
        messages.success(request, _("Cảm ơn bạn đã bình chọn."))
    except FeedbackError as exc:
        messages.error(request, exc.message)
    response = redirect("feedback_public", code=feedback.code)
    response.set_cookie(VOTER_COOKIE, cookie, max_age=365 * 86400, httponly=True, samesite="Lax")
    return response
