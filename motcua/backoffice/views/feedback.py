"""PAKN handling for staff (queue, classify/route, refuse, request information, answer, publish, mark as
repeated) and the counter tablet page that shows a dossier's evaluation link as a QR code."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from motcua.accounts.models import User
from motcua.documents.forms import qr_png_data_uri
from motcua.dossiers.access import dossier_get_for_user
from motcua.dossiers.errors import DossierNotFound
from motcua.feedback import selectors
from motcua.feedback.access import feedback_can_handle
from motcua.feedback.errors import FeedbackError
from motcua.feedback.models import Feedback, FeedbackCategory
from motcua.feedback.services import (
    evaluation_link_issue,
    feedback_answer,
    feedback_mark_duplicate,
    feedback_publish,
    feedback_refuse,
    feedback_request_info,
    feedback_route,
)
from motcua.org.selectors import orgunit_current_units

from ..access import staff_required

PAGE_SIZE = 20


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - staff_required let only signed-in staff in
    return user


@staff_required
@require_http_methods(["GET"])
def feedback_queue(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    tab = request.GET.get("tab", "")
    if tab not in selectors.QUEUE_TABS:
        tab = ""
    page = Paginator(selectors.feedback_queue(user=user, tab=tab), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    counts = selectors.feedback_queue_counts(user=user)
    return render(
        request,
        "backoffice/feedback/queue.html",
        {
            "page": page,
            "rows": [(f, selectors.feedback_due_badge(f)) for f in page.object_list],
            "tabs": [(key, label, counts[key]) for key, (label, _s) in selectors.QUEUE_TABS.items()],
            "tab": tab,
            "query": f"tab={tab}" if tab else "",
        },
    )


def _get(request: HttpRequest, pk: int) -> Feedback:
    feedback = selectors.feedback_get_for_user(user=_user(request), pk=pk)
    if feedback is None:
        raise Http404(_("Không tìm thấy phản ánh, kiến nghị."))
    return feedback


def _render_detail(
    request: HttpRequest, feedback: Feedback, *, error: str = "", status: int = 200
) -> HttpResponse:
    return render(
        request,
        "backoffice/feedback/detail.html",
        {
            "f": feedback,
            "badge": selectors.feedback_due_badge(feedback),
            "can_handle": feedback_can_handle(_user(request), feedback),
            "categories": FeedbackCategory.choices,
            "units": orgunit_current_units().order_by("name"),
            "repeats": list(feedback.repeats.order_by("received_at").values_list("code", flat=True)),
            "error": error,
        },
        status=status,
    )


@staff_required
@never_cache
@require_http_methods(["GET"])
def feedback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _get(request, pk))


def _act(request: HttpRequest, pk: int, run: Any, done: str) -> HttpResponse:
    feedback = _get(request, pk)
    try:
        run(feedback, _user(request), request.POST)
    except FeedbackError as exc:
        feedback.refresh_from_db()
        return _render_detail(request, feedback, error=exc.message, status=exc.http_status)
    messages.success(request, done)
    return redirect("backoffice:feedback_detail", pk=pk)


@staff_required
@require_POST
def feedback_route_view(request: HttpRequest, pk: int) -> HttpResponse:
    def run(f: Feedback, user: User, data: Any) -> None:
        code = data.get("unit", "")
        unit = orgunit_current_units().filter(code=code).first() if code else None
        feedback_route(feedback=f, officer=user, category=data.get("category", ""), unit=unit)

    return _act(request, pk, run, _("Đã phân loại, chuyển xử lý."))


@staff_required
@require_POST
def feedback_refuse_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, lambda f, u, d: feedback_refuse(feedback=f, officer=u, reason=d.get("reason", "")),
        _("Đã từ chối xử lý phản ánh."),
    )  # fmt: skip


@staff_required
@require_POST
def feedback_request_info_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, lambda f, u, d: feedback_request_info(feedback=f, officer=u, request=d.get("request", "")),
        _("Đã gửi yêu cầu bổ sung thông tin."),
    )  # fmt: skip


@staff_required
@require_POST
def feedback_answer_view(request: HttpRequest, pk: int) -> HttpResponse:
    def run(f: Feedback, user: User, data: Any) -> None:
        grounds = {"yes": True, "no": False}.get(data.get("substantiated", ""))
        feedback_answer(feedback=f, officer=user, answer=data.get("answer", ""), substantiated=grounds)

    return _act(request, pk, run, _("Đã lưu câu trả lời."))


@staff_required
@require_POST
def feedback_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, lambda f, u, d: feedback_publish(feedback=f, officer=u), _("Đã công khai câu trả lời.")
    )


@staff_required
@require_POST
def feedback_duplicate_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, lambda f, u, d: feedback_mark_duplicate(feedback=f, officer=u, original_code=d.get("original", "")),
        _("Đã đánh dấu phản ánh trùng."),
    )  # fmt: skip


@staff_required
@never_cache
@require_http_methods(["GET", "POST"])
def evaluation_kiosk(request: HttpRequest) -> HttpResponse:
    """The officer types a returned dossier's code; the page shows the evaluation link as a QR code and a
    button that opens it on this tablet (channel "kiosk": no login, once)."""
    context: dict[str, Any] = {"code": "", "error": "", "url": "", "qr": ""}
    status = 200
    if request.method == "POST":
        code = request.POST.get("code", "").strip().upper()[:60]
        context["code"] = code
        try:
            dossier = dossier_get_for_user(user=_user(request), code=code)
            token = evaluation_link_issue(dossier=dossier, channel="kiosk", actor=_user(request))
        except DossierNotFound as exc:
            context["error"], status = exc.message, 404
        except FeedbackError as exc:
            context["error"], status = exc.message, exc.http_status
        else:
            url = request.build_absolute_uri(reverse("evaluation_link", args=[token]))
            context.update(url=url, qr=qr_png_data_uri(url), dossier=dossier)
    return render(request, "backoffice/feedback/kiosk.html", context, status=status)
