"""The queue page /can-bo/ho-so/: who sees what, time left, search, filters, pages, query counts."""

import re

import pytest
from django.urls import reverse

from motcua.dossiers import services as s
from motcua.dossiers.selectors import QUEUE_KEYS, dossier_queue_counts, queue_clock

from .conftest import codes_in, vn

pytestmark = pytest.mark.django_db
QUEUE = reverse("backoffice:dossier_queue")


def queue(client, key, **params):
    response = client.get(QUEUE, {"queue": key, **params})
    assert response.status_code == 200
    return response


def counts_for(user):
    return dossier_queue_counts(user=user, clock=queue_clock())


def test_anonymous_is_sent_to_login_and_citizen_is_refused(client, make, people):
    d = make("awaiting_intake")
    response = client.get(QUEUE)
    assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]
    client.force_login(people["citizen"])  # the applicant of that very dossier
    assert client.get(QUEUE).status_code == 403
    assert client.get(reverse("backoffice:dossier_detail", args=[d.pk])).status_code == 403
    assert client.get(reverse("backoffice:counter_intake")).status_code == 403


def test_intake_queue_belongs_to_the_receiving_point(login, make, people):
    d = make("awaiting_intake")
    officer = login(people["officer"])
    assert codes_in(queue(officer, "intake")) == {d.code}
    assert counts_for(people["officer"])["intake"] == 1
    # The specialist of the resolving agency does not receive: nothing in their intake queue.
    assert counts_for(people["specialist"])["intake"] == 0
    # An officer of another one-stop point sees nothing at all, in any queue, and no page.
    other = login(people["commune_officer"])
    for key in QUEUE_KEYS:
        assert codes_in(queue(other, key)) == set(), key
    assert set(counts_for(people["commune_officer"]).values()) == {0}
    assert other.get(reverse("backoffice:dossier_detail", args=[d.pk])).status_code == 404


def test_unknown_dossier_is_404(login, people, demo):
    assert (
        login(people["officer"]).get(reverse("backoffice:dossier_detail", args=[999999])).status_code == 404
    )


def test_my_steps_follow_the_open_step(login, make, people):
    d = make("processing")  # open step TD: specialist at H56.19
    assert codes_in(queue(login(people["specialist"]), "mine")) == {d.code}
    assert codes_in(queue(login(people["officer"]), "mine")) == set()  # the intake step is closed
    assert codes_in(queue(login(people["head"]), "mine")) == set()  # not the head's role at TD
    # Once the head assigns the step to someone else, it leaves the unassigned pool.
    s.dossier_assign(dossier=d, actor=people["head"], assignee=people["leader"])
    assert codes_in(queue(login(people["specialist"]), "mine")) == set()
    assert codes_in(queue(login(people["leader"]), "mine")) == {d.code}


def test_received_dossier_waits_in_the_receiving_officers_steps(login, make, people):
    d = make("received")
    assert codes_in(queue(login(people["officer"]), "mine")) == {d.code}


def test_inter_agency_in_and_out(login, make, people):
    at_tax = make("inter_agency")
    elsewhere = make("processing", at=vn(2026, 3, 2, 10, 0))
    tax = login(people["tax"])
    assert codes_in(queue(tax, "inter_in")) == {at_tax.code}
    assert codes_in(queue(tax, "mine")) == {at_tax.code}
    assert codes_in(queue(tax, "all")) == {at_tax.code}  # nothing of the agency's other dossiers
    assert tax.get(reverse("backoffice:dossier_detail", args=[elsewhere.pk])).status_code == 404
    specialist = login(people["specialist"])
    assert codes_in(queue(specialist, "inter_out")) == {at_tax.code}
    assert codes_in(queue(specialist, "inter_in")) == set()
    assert codes_in(queue(login(people["officer"]), "inter_out")) == {at_tax.code}  # received there


def test_supplement_and_result_queues(login, make, people):
    waiting = make("awaiting_supplement")
    ready = make("result_ready", at=vn(2026, 3, 2, 10, 0))
    officer = login(people["officer"])
    assert codes_in(queue(officer, "supplement")) == {waiting.code}
    assert codes_in(queue(officer, "result")) == {ready.code}
    assert codes_in(queue(login(people["specialist"]), "result")) == set()  # returned at the counter only


def test_due_soon_overdue_and_time_left_in_working_time(login, make, people, clock):
    d = make("processing")  # received Mon 2 Mar 09:30, due Mon 9 Mar 17:00; step TD due Wed 4 Mar 17:00
    step = d.steps.get(finished_at__isnull=True)
    assert step.due_at == vn(2026, 3, 4, 17, 0)

    def specialist_at(moment):  # sessions last 8 hours: sign in again after moving the clock
        clock(moment)
        return login(people["specialist"])

    specialist = specialist_at(vn(2026, 3, 3, 9, 0))  # Tuesday: the step has 1 day 6 hours left
    assert codes_in(queue(specialist, "due_soon")) == set()
    specialist = specialist_at(vn(2026, 3, 4, 9, 0))  # Wednesday: due today
    assert codes_in(queue(specialist, "due_soon")) == {d.code}
    assert codes_in(queue(specialist, "overdue")) == set()
    specialist = specialist_at(vn(2026, 3, 5, 9, 0))  # Thursday 09:00: two working hours past the step's due
    assert codes_in(queue(specialist, "due_soon")) == set()
    page = queue(specialist, "overdue").content.decode()
    assert d.code in page
    assert "quá hạn 2 giờ" in page  # the step, 07:00–09:00
    # The appointment: Thu 6 h + Fri 8 h + Mon 8 h of working time = 2 days 6 hours.
    assert "còn 2 ngày 6 giờ làm việc" in page
    specialist = specialist_at(vn(2026, 3, 10, 8, 0))  # the appointment passed Monday 17:00: one working hour
    assert "quá hạn 1 giờ" in queue(specialist, "overdue").content.decode()


def test_paused_dossier_is_neither_due_nor_overdue(login, make, people, clock):
    d = make("awaiting_supplement")
    clock(vn(2026, 3, 20, 9, 0))
    officer = login(people["officer"])
    assert codes_in(queue(officer, "overdue")) == set()
    page = queue(officer, "supplement").content.decode()
    assert d.code in page and "Đang dừng tính thời gian" in page


def test_search_by_code_name_and_personal_id_folded(login, make, people):
    an = make("awaiting_intake", name="Trịnh Văn Đạt")
    hoa = make("awaiting_intake", applicant=people["citizen2"], at=vn(2026, 3, 2, 9, 5))
    officer = login(people["officer"])
    assert codes_in(queue(officer, "all", q="trinh van dat")) == {an.code}
    assert codes_in(queue(officer, "all", q="TRỊNH")) == {an.code}
    assert codes_in(queue(officer, "all", q=hoa.code.lower())) == {hoa.code}
    assert codes_in(queue(officer, "all", q="038088004321")) == {hoa.code}
    assert codes_in(queue(officer, "all", q="khai thac nuoc")) == {an.code, hoa.code}  # procedure name
    empty = queue(officer, "all", q="không ai cả").content.decode()
    assert "Không có hồ sơ nào phù hợp" in empty


def test_filters_by_procedure_and_status(login, make, people):
    waiting = make("awaiting_intake")
    working = make("processing", at=vn(2026, 3, 2, 10, 0))
    officer = login(people["officer"])
    assert codes_in(queue(officer, "all", status="processing")) == {working.code}
    assert codes_in(queue(officer, "all", procedure="1.009999")) == {waiting.code, working.code}
    assert codes_in(queue(officer, "all", procedure="9.999999")) == set()
    assert codes_in(queue(officer, "all", status="no-such-status")) == {waiting.code, working.code}


def test_pages_of_25(login, make, people):
    made = [make("awaiting_intake", at=vn(2026, 3, 2, 8, minute)).code for minute in range(27)]
    officer = login(people["officer"])
    first, second = queue(officer, "intake"), queue(officer, "intake", page=2)
    assert len(codes_in(first)) == 25 and len(codes_in(second)) == 2
    assert codes_in(first) | codes_in(second) == set(made)
    assert codes_in(second) == set(made[-2:])  # oldest submissions first
    assert "Trang 1/2" in first.content.decode()
    assert codes_in(queue(officer, "intake", page=99)) == codes_in(second)


def test_queue_page_queries_do_not_grow_with_the_dossiers(login, make, people, django_assert_max_num_queries):
    for minute in range(3):
        make("inter_agency", at=vn(2026, 3, 2, 8, minute))
    officer = login(people["officer"])
    queue(officer, "all")  # warm the calendar cache
    with django_assert_max_num_queries(14) as few:
        queue(officer, "all")
    for minute in range(3, 12):
        make("inter_agency", at=vn(2026, 3, 2, 8, minute))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = queue(officer, "all")
    assert len(codes_in(response)) == 12


def test_counts_are_one_query(make, people, django_assert_num_queries):
    make("processing")
    clock = queue_clock()
    people["officer"]._motcua_staff_scope = None
    counts_for(people["officer"])  # the scope is cached on the user object after this
    with django_assert_num_queries(1):
        counts = dossier_queue_counts(user=people["officer"], clock=clock)
    assert counts["all"] == 1 and counts["inter_out"] == 0


def test_dashboard_shows_the_queue_counts(login, make, people):
    make("awaiting_intake")
    html = login(people["officer"]).get(reverse("backoffice:dashboard")).content.decode()
    assert 'href="/can-bo/ho-so/?queue=intake"' in html
    assert re.search(
        r'<span class="bo-queue-count">1</span>\s*<span class="bo-queue-label">Chờ tiếp nhận</span>', html
    )
    assert "Tiếp nhận tại quầy" in html


def test_dashboard_links_the_notification_settings_for_administrators_only(login, people):
    templates = reverse("backoffice:notif_templates")
    mine = reverse("backoffice:notif_my_preferences")
    admin_html = login(people["admin"]).get(reverse("backoffice:dashboard")).content.decode()
    officer_html = login(people["officer"]).get(reverse("backoffice:dashboard")).content.decode()
    assert f'href="{templates}"' in admin_html and f'href="{templates}"' not in officer_html
    assert f'href="{mine}"' in officer_html and f'href="{reverse("backoffice:results")}"' in officer_html


# --- query counts of the dashboard and of every queue tab (benchmarks/load) ---------------------------------


def _queries(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("who", ["officer", "specialist", "admin"])
def test_dashboard_queries_do_not_grow_with_the_dossiers(
    who, login, make, people, django_assert_max_num_queries
):
    dashboard = reverse("backoffice:dashboard")
    make("processing", at=vn(2026, 3, 2, 8, 0))
    client = login(people[who])
    client.get(dashboard)  # warm the calendar cache
    few = _queries(client, dashboard, django_assert_max_num_queries, 11)
    for minute in range(1, 5):
        make("processing" if minute % 2 else "awaiting_intake", at=vn(2026, 3, 2, 8, minute))
    assert _queries(client, dashboard, django_assert_max_num_queries, few) == few


def test_every_queue_tab_costs_the_same_queries_whatever_the_dossiers(
    login, make, people, django_assert_max_num_queries
):
    states = [
        "awaiting_intake",
        "received",
        "processing",
        "awaiting_supplement",
        "inter_agency",
        "result_ready",
    ]
    for minute, state in enumerate(states):
        make(state, at=vn(2026, 3, 2, 8, minute))
    officer = login(people["officer"])
    queue(officer, "all")  # warm the calendar cache
    few = {
        key: _queries(officer, f"{QUEUE}?queue={key}", django_assert_max_num_queries, 15)
        for key in QUEUE_KEYS
    }
    for minute, state in enumerate(states * 2, start=len(states)):
        make(state, at=vn(2026, 3, 2, 9, minute))
    many = {
        key: _queries(officer, f"{QUEUE}?queue={key}", django_assert_max_num_queries, 15)
        for key in QUEUE_KEYS
    }
    assert many == few
    filtered = f"{QUEUE}?queue=all&q=H56&status=processing&procedure=1.009999&page=2"
    assert _queries(officer, filtered, django_assert_max_num_queries, 15) <= few["all"]


@pytest.mark.parametrize("who", ["officer", "commune_officer", "admin", "auditor"])
def test_procedure_filter_lists_the_procedures_of_visible_dossiers_in_one_query(
    who, make, people, django_assert_num_queries
):
    from motcua.dossiers.access import dossier_visible_queryset
    from motcua.dossiers.selectors import dossier_procedure_options

    make("processing")
    user = people[who]
    expected = sorted(
        set(dossier_visible_queryset(user).values_list("procedure_version__code", "procedure_version__name"))
    )
    with django_assert_num_queries(1):
        options = dossier_procedure_options(user=user)
    assert sorted(options) == expected
    assert bool(options) == (who != "commune_officer")  # the commune's officer sees none of the centre's
