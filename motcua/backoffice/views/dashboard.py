from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from motcua.accounts.models import Role, User
from motcua.accounts.selectors import membership_list_active, user_roles
from motcua.dossiers.selectors import QUEUES, counter_points_for, dossier_queue_counts, queue_clock

from ..access import leads_a_unit, staff_required


@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - staff_required let only signed-in staff in
    memberships = list(membership_list_active(user=user))
    counts = dossier_queue_counts(user=user, clock=queue_clock())
    queues = [{"queue": q, "count": counts[q.key]} for q in QUEUES]
    waiting = sum(counts[q.key] for q in QUEUES if q.key != "all")
    return render(
        request,
        "backoffice/dashboard.html",
        {
            "memberships": memberships,
            "queues": queues,
            "waiting": waiting,
            "can_intake": counter_points_for(user=user).exists(),
            "leads": leads_a_unit(user),
            "administers": Role.PROVINCE_ADMIN in user_roles(user=user),
        },
    )
