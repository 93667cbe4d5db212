from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from motcua.accounts.selectors import membership_list_active

from ..access import staff_required


@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    memberships = list(membership_list_active(user=request.user))  # type: ignore[arg-type]
    return render(request, "backoffice/dashboard.html", {"memberships": memberships})
