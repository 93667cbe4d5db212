"""The action forms of the dossier page: each posts to its own view, which calls one service with the
version the officer saw, then redirects with a message — or shows the service's message and changes nothing."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from motcua.core.models import AuditEvent
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.status import DossierStatus

from .conftest import codes_in, html_file, pdf_file, vn

pytestmark = pytest.mark.django_db


def page(pk):
    return reverse("backoffice:dossier_detail", args=[pk])


def post(client, dossier, action, data=None, *, version=None, files=None):
    """POST the ``action`` form as the page renders it (fields prefixed with the action's name)."""
    fields = {f"{action}-version": dossier.lock_version if version is None else version}
    fields.update({f"{action}-{name}": value for name, value in (data or {}).items()})
    fields.update({f"{action}-{name}": upload for name, upload in (files or {}).items()})
    return client.post(reverse(f"backoffice:dossier_{action}", args=[dossier.pk]), fields)


def fresh(dossier):
    return Dossier.objects.get(pk=dossier.pk)


def snapshot(dossier):
    d = fresh(dossier)
    return (
        d.status,
        d.lock_version,
        d.due_at,
        DossierEvent.objects.filter(dossier=d).count(),
        d.steps.count(),
    )


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def forms_on(client, dossier):
    html = client.get(page(dossier.pk)).content.decode()
    return {key for key in ("receive", "refuse", "route", "assign", "forward", "send_back", "request_supplement",
                            "supplement", "suspend", "resume", "apologise", "decide", "return_result", "withdraw")
            if f'id="thao-tac-{key}"' in html}  # fmt: skip


def test_receive_ticks_the_checklist_and_gives_the_appointment(login, make, people, clock):
    d = make("awaiting_intake")
    clock(vn(2026, 3, 2, 10, 0))
    officer = login(people["officer"])
    assert forms_on(officer, d) == {"receive", "refuse", "request_supplement", "withdraw"}
    ids = [str(c.pk) for c in d.components.all()]
    response = post(officer, d, "receive", {"components": ids, "note": "Đủ giấy tờ"})
    assert response.status_code == 302 and response["Location"] == page(d.pk)
    d = fresh(d)
    assert d.status == DossierStatus.RECEIVED and d.due_at == vn(2026, 3, 9, 17, 0)
    assert messages_of(response) == [f"Đã tiếp nhận hồ sơ {d.code}. Hẹn trả kết quả: 17:00 ngày 09/03/2026."]
    assert forms_on(officer, d) >= {"route"}


def test_missing_required_component_shows_the_message_and_changes_nothing(login, make, people):
    d = make("awaiting_intake")
    before = snapshot(d)
    officer = login(people["officer"])
    first = str(d.components.order_by("position").first().pk)
    response = post(officer, d, "receive", {"components": [first]})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Chưa đủ giấy tờ bắt buộc để tiếp nhận: Sơ đồ khu vực khai thác" in html
    assert 'id="thao-tac-receive" open' in html  # the refused form stays open with what was ticked
    assert snapshot(d) == before


def test_bad_input_at_the_edge_changes_nothing(login, make, people):
    d = make("awaiting_intake")
    before = snapshot(d)
    officer = login(people["officer"])
    response = post(officer, d, "refuse", {"reason": ""})
    assert response.status_code == 400
    assert "Vui lòng nhập thông tin này." in response.content.decode()
    response = post(officer, d, "request_supplement", {"reason": "Thiếu", "items": " \n - \n"})
    assert response.status_code == 400
    assert "Cần liệt kê ít nhất một nội dung phải bổ sung." in response.content.decode()
    assert snapshot(d) == before


def test_stale_version_shows_the_reload_message_and_changes_nothing(login, make, people):
    d = make("received")
    stale = d.lock_version
    officer = login(people["officer"])
    assert post(officer, d, "route", version=stale).status_code == 302  # moves to processing
    d = fresh(d)
    before = snapshot(d)
    specialist = login(people["specialist"])
    response = post(specialist, d, "request_supplement", {"reason": "Thiếu", "items": "Sơ đồ"}, version=stale)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Hồ sơ vừa được người khác cập nhật" in html
    assert f'href="{page(d.pk)}">Tải lại trang hồ sơ</a>' in html
    assert snapshot(d) == before
    # A stale form whose choices no longer exist gets the same answer, not a form error.
    response = post(specialist, d, "forward", {"to_step": "no-such-step"}, version=stale)
    assert response.status_code == 409 and "Hồ sơ vừa được người khác cập nhật" in response.content.decode()
    assert snapshot(d) == before


def test_an_action_the_user_may_not_take_is_not_offered_and_is_refused(login, make, people):
    d = make("awaiting_intake")
    before = snapshot(d)
    specialist = login(people["specialist"])  # sees it (resolving unit) but does not receive
    assert specialist.get(page(d.pk)).status_code == 200
    assert forms_on(specialist, d) == set()
    response = post(specialist, d, "refuse", {"reason": "Không thuộc thẩm quyền"})
    assert response.status_code == 403
    assert "Bạn không có quyền thực hiện “Từ chối tiếp nhận” với hồ sơ này." in response.content.decode()
    assert snapshot(d) == before


@pytest.mark.parametrize("action", ["receive", "refuse", "decide", "assign", "apologise"])
def test_a_refused_action_is_403_even_when_the_form_is_empty(login, make, people, action):
    """The right to act is checked before the form: an empty or wrong form from someone who may not act is a
    refusal (403 with the reason on the dossier page), not a list of form errors."""
    d = make("awaiting_intake")
    before = snapshot(d)
    specialist = login(people["specialist"])  # sees it (resolving unit), may not act on it now
    response = specialist.post(reverse(f"backoffice:dossier_{action}", args=[d.pk]), {})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Bạn không có quyền thực hiện" in html or "Không thể thực hiện" in html
    assert "Vui lòng sửa các lỗi được đánh dấu." not in html
    assert snapshot(d) == before


def test_invisible_dossier_is_404_for_pages_actions_and_files(login, make, people):
    d = make("awaiting_intake")
    before = snapshot(d)
    other = login(people["commune_officer"])
    component = d.components.filter(required=True).first()
    assert other.get(page(d.pk)).status_code == 404
    assert post(other, d, "refuse", {"reason": "x"}).status_code == 404
    assert other.get(reverse("backoffice:dossier_file", args=[d.pk, component.pk])).status_code == 404
    assert login(people["officer"]).get(reverse("backoffice:dossier_receive", args=[d.pk])).status_code == 405
    assert snapshot(d) == before


def test_journey_across_two_agencies_through_the_forms(login, make, people, clock):
    d = make("received")
    officer = login(people["officer"])
    assert post(officer, d, "route").status_code == 302
    clock(vn(2026, 3, 3, 9, 0))
    specialist = login(people["specialist"])
    d = fresh(d)
    html = specialist.get(page(d.pk)).content.decode()
    assert "Chuyển cơ quan thuế: Xác định nghĩa vụ tài chính" in html  # the allowed next step, with its unit
    assert "forward" in forms_on(specialist, d) and "decide" not in forms_on(specialist, d)
    assert (
        post(
            specialist, d, "forward", {"to_step": "LT", "note": "Đề nghị xác định nghĩa vụ tài chính"}
        ).status_code
        == 302
    )

    clock(vn(2026, 3, 4, 9, 0))
    tax = login(people["tax"])
    assert codes_in(tax.get(reverse("backoffice:dossier_queue"), {"queue": "inter_in"})) == {d.code}
    d = fresh(d)
    assert post(tax, d, "forward", {"to_step": "PD"}).status_code == 302  # hands back
    assert codes_in(tax.get(reverse("backoffice:dossier_queue"), {"queue": "inter_in"})) == set()

    clock(vn(2026, 3, 4, 14, 0))
    head = login(people["head"])
    d = fresh(d)
    assert {"forward", "send_back", "assign"} <= forms_on(head, d)
    assert post(head, d, "forward", {"to_step": "KY"}).status_code == 302

    clock(vn(2026, 3, 5, 9, 0))
    leader = login(people["leader"])
    d = fresh(d)
    assert "decide" in forms_on(leader, d)
    response = post(leader, d, "decide", {"decision": "approved", "note": "Cấp giấy phép"})
    assert response.status_code == 302
    assert messages_of(response) == [f"Đã có kết quả giải quyết hồ sơ {d.code}."]

    clock(vn(2026, 3, 5, 15, 0))
    officer = login(people["officer"])
    d = fresh(d)
    assert d.status == DossierStatus.RESULT_READY
    assert codes_in(officer.get(reverse("backoffice:dossier_queue"), {"queue": "result"})) == {d.code}
    assert post(officer, d, "return_result", {"method": "counter"}).status_code == 302
    d = fresh(d)
    assert d.status == DossierStatus.RETURNED
    actions = list(d.events.order_by("seq").values_list("action", flat=True))
    assert actions == [
        "submit",
        "receive",
        "route",
        "hand_over",
        "hand_back",
        "forward",
        "decide",
        "return_result",
    ]
    html = officer.get(page(d.pk)).content.decode()
    assert "Trả kết quả liên thông" in html and "Đã trả kết quả" in html
    assert forms_on(officer, d) == set()
    assert "Bạn không có thao tác nào với hồ sơ ở trạng thái này." in html


def test_decision_needs_reasons_when_not_eligible(login, make, people):
    d = make("signing")
    before = snapshot(d)
    response = post(login(people["leader"]), d, "decide", {"decision": "not_eligible", "note": " "})
    assert response.status_code == 400
    assert "Cần nêu rõ lý do không đủ điều kiện giải quyết." in response.content.decode()
    assert snapshot(d) == before


def test_assign_and_send_back(login, make, people):
    d = make("processing")
    head = login(people["head"])
    html = head.get(page(d.pk)).content.decode()
    assert people["specialist"].full_name in html and people["tax"].full_name not in html
    response = post(head, d, "assign", {"assignee": people["tax"].pk})  # not a choice: other unit
    assert response.status_code == 400
    assert post(head, d, "assign", {"assignee": people["specialist"].pk}).status_code == 302
    assert fresh(d).steps.get(finished_at__isnull=True).assignee == people["specialist"]

    d = make("signing", at=vn(2026, 3, 2, 10, 0))
    leader = login(people["leader"])
    assert "send_back" in forms_on(leader, d)
    assert (
        post(leader, fresh(d), "send_back", {"to_step": "TD", "note": "Bổ sung ý kiến thẩm định"}).status_code
        == 302
    )
    assert fresh(d).steps.get(finished_at__isnull=True).step_code == "TD"


def test_supplement_requested_then_handed_in_at_the_counter(login, make, people, clock):
    d = make("processing")
    clock(vn(2026, 3, 3, 9, 0))
    specialist = login(people["specialist"])
    response = post(
        specialist,
        d,
        "request_supplement",
        {"reason": "Thiếu sơ đồ", "items": "Sơ đồ có xác nhận\nBản đồ vị trí"},
    )
    assert response.status_code == 302
    d = fresh(d)
    assert d.status == DossierStatus.AWAITING_SUPPLEMENT
    clock(vn(2026, 3, 5, 9, 0))
    officer = login(people["officer"])
    html = officer.get(page(d.pk)).content.decode()
    assert "Sơ đồ có xác nhận" in html and "Bản đồ vị trí" in html
    assert "supplement" in forms_on(officer, d)
    assert post(officer, d, "supplement", {"note": "Đã nhận sơ đồ bản giấy"}).status_code == 302
    d = fresh(d)
    assert d.status == DossierStatus.PROCESSING and d.due_at == vn(2026, 3, 11, 17, 0)
    assert "request_supplement" not in forms_on(login(people["specialist"]), d)  # once only


def test_supplement_with_a_scan(login, make, people, clock):
    d = make("awaiting_supplement")
    clock.shift(days=1)
    component = d.components.get(position=3)
    officer = login(people["officer"])
    before = snapshot(d)
    pages = f"pages_{component.pk}"
    response = post(officer, d, "supplement", {pages: 2}, files={f"file_{component.pk}": html_file()})
    assert response.status_code == 422  # judged by content, not by name: nothing stored, nothing changed
    assert snapshot(d) == before
    component.refresh_from_db()
    assert not component.file
    # The officer counts the paper pages: a scan without the count, or with another count, is refused.
    response = post(officer, d, "supplement", files={f"file_{component.pk}": pdf_file("so-do.pdf")})
    assert response.status_code in (400, 422) and "Nhập số trang của bản giấy" in response.content.decode()
    response = post(
        officer, d, "supplement", {pages: 3}, files={f"file_{component.pk}": pdf_file("so-do.pdf")}
    )
    assert response.status_code == 422 and "khác số trang bản giấy (3)" in response.content.decode()
    assert snapshot(d) == before
    response = post(
        officer, d, "supplement", {pages: 2}, files={f"file_{component.pk}": pdf_file("so-do.pdf")}
    )
    assert response.status_code == 302
    component.refresh_from_db()
    assert component.digitised and component.file and component.page_count == 2
    assert component.origin == "counter_scan" and component.declared_pages == 2
    assert fresh(d).status == DossierStatus.PROCESSING


def test_suspend_resume_apologise_and_withdraw(login, make, people, clock):
    d = make("processing")
    clock(vn(2026, 3, 3, 9, 0))
    specialist = login(people["specialist"])
    before = snapshot(d)
    assert (
        post(specialist, d, "suspend", {"reason": "Xác minh thực địa", "legal_basis": ""}).status_code == 400
    )
    assert snapshot(d) == before
    assert (
        post(
            specialist, d, "suspend", {"reason": "Xác minh thực địa", "legal_basis": "Điều 10 NĐ 54/2024"}
        ).status_code
        == 302
    )
    clock(vn(2026, 3, 4, 9, 0))
    leader = login(people["leader"])
    d = fresh(d)
    assert "resume" in forms_on(leader, d)
    assert post(leader, d, "resume").status_code == 302
    d = fresh(d)
    assert d.status == DossierStatus.PROCESSING and d.due_at == vn(2026, 3, 10, 17, 0)
    # Apologise: the new date must be a working day, and later than the appointment.
    response = post(leader, d, "apologise", {"reason": "Chờ ý kiến", "new_date": "2026-03-14"})  # a Saturday
    assert (
        response.status_code == 400 and "Ngày hẹn mới phải là một ngày làm việc." in response.content.decode()
    )
    response = post(leader, d, "apologise", {"reason": "Chờ ý kiến", "new_date": "2026-03-16"})
    assert response.status_code == 302
    assert messages_of(response) == [f"Đã hẹn lại ngày trả kết quả hồ sơ {d.code}: 17:00 ngày 16/03/2026."]
    d = fresh(d)
    assert d.apology_count == 1 and "apologise" not in forms_on(leader, d)
    officer = login(people["officer"])
    assert post(officer, d, "withdraw", {"reason": "Người nộp không còn nhu cầu"}).status_code == 302
    assert fresh(d).status == DossierStatus.STOPPED


def test_component_file_is_served_to_staff_who_see_the_dossier_and_the_read_is_audited(login, make, people):
    d = make("awaiting_intake")
    component = d.components.filter(required=True).first()
    url = reverse("backoffice:dossier_file", args=[d.pk, component.pk])
    response = login(people["officer"]).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(action="dossier.component_read", object_id=str(d.pk)).exists()
    missing = d.components.get(position=3)  # no file
    assert (
        login(people["officer"]).get(reverse("backoffice:dossier_file", args=[d.pk, missing.pk])).status_code
        == 404
    )


def test_dossier_page_queries_do_not_grow_with_the_history(
    login, make, people, django_assert_max_num_queries
):
    short = make("received")
    long = make("result_ready", at=vn(2026, 3, 2, 10, 0))
    officer = login(people["officer"])
    officer.get(page(short.pk))
    # 14 + the access-ledger entry of this read (issue 7): savepoints, the audit chain's head and row, the entry.
    with django_assert_max_num_queries(20) as counted:
        officer.get(page(short.pk))
    with django_assert_max_num_queries(len(counted.captured_queries)):
        assert officer.get(page(long.pk)).status_code == 200
