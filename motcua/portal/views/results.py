"""``/ket-qua-cua-toi/``: the signed-in citizen's or business's issued results, their status, the download
(their own only: anyone else's is a 404) and how many times each was verified."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from motcua.accounts.models import User
from motcua.core.blobs import blob_response
from motcua.results.access import holder_identity, results_of_holder

PAGE_SIZE = 20


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required  # noqa: S101
    return user


@login_required
@require_http_methods(["GET"])
def my_results(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    results = results_of_holder(user).order_by("-issued_at", "-created_at")
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/results/mine.html",
        {"page": page, "rows": page.object_list, "has_identity": holder_identity(user) is not None},
    )


@login_required
@require_http_methods(["GET"])
def my_result_download(request: HttpRequest, code: str) -> HttpResponseBase:
    result = results_of_holder(_user(request)).filter(code=code).first()
    if result is None or not result.file:
        raise Http404
    return blob_response(result.file, filename=result.filename, content_type="application/pdf")
