"""PAKN through the services: codes, deadlines (with a holiday), repeated feedback, bad input, rate limit,
the officer's steps, public search and likes."""

import datetime as dt

import pytest

from motcua.calendar.services import calendar_holiday_add
from motcua.core.models import AuditEvent
from motcua.feedback import selectors
from motcua.feedback.errors import FeedbackActionNotAllowed, InvalidFeedbackInput, RateLimited
from motcua.feedback.models import Feedback
from motcua.feedback.services import (
    feedback_answer,
    feedback_mark_duplicate,
    feedback_provide_info,
    feedback_publish,
    feedback_react,
    feedback_refuse,
    feedback_request_info,
    feedback_route,
    feedback_submit,
)
from motcua.org.models import OrgUnit

from .conftest import vn

pytestmark = pytest.mark.django_db


def send(**overrides):
    data = {
        "subject_kind": "unit",
        "unit": OrgUnit.objects.get(code="H56.19"),
        "title": "Chậm trả kết quả đăng ký khai thác nước",
        "content": "Hồ sơ của tôi bị chậm.",
        "sender_name": "Nguyễn Văn An",
        "phone": "0912 345 678",
        "email": "",
        "consent": True,
    }
    data.update(overrides)
    return feedback_submit(**data)


def test_code_and_deadlines_skip_a_holiday(people, clock):
    clock(vn(2026, 3, 8, 12, 0))
    calendar_holiday_add(
        actor=None, day=dt.date(2026, 3, 11), name="Nghỉ thử nghiệm", legal_reference="QĐ thử"
    )
    clock(vn(2026, 3, 9, 9, 0))  # Monday
    f = send()
    assert f.code == "PA260309-0001" and send(phone="0987654321").code == "PA260309-0002"
    assert f.status == "received" and f.handling_unit.code == "H56.19"
    assert f.sender_phone == "+84912345678"
    # 2, 5 and 15 working days after Monday 9 March, Wednesday 11 March being a holiday.
    assert f.refuse_due_at == vn(2026, 3, 12, 17, 0)
    assert f.info_due_at == vn(2026, 3, 17, 17, 0)
    assert f.answer_due_at == vn(2026, 3, 31, 17, 0)
    clock(vn(2026, 3, 13, 10, 0))
    f = feedback_answer(feedback=f, officer=people["specialist"], answer="Đã xử lý.")
    assert f.publish_due_at == vn(2026, 3, 17, 17, 0)  # Mon 16, Tue 17
    assert AuditEvent.objects.filter(action="feedback.answer", object_id=str(f.pk)).exists()


def test_limits_are_configurable(people, clock, settings):
    settings.MOTCUA_FEEDBACK_DAYS = {"refuse": 1, "request_info": 3, "answer": 10, "publish": 1}
    clock(vn(2026, 3, 9, 9, 0))
    f = send()
    assert (f.refuse_due_at, f.answer_due_at) == (vn(2026, 3, 10, 17, 0), vn(2026, 3, 23, 17, 0))


def test_information_wait_moves_the_answer_due(people, clock):
    clock(vn(2026, 3, 9, 9, 0))
    f = send(email="an@example.vn")
    due = f.answer_due_at
    clock(vn(2026, 3, 10, 9, 0))
    f = feedback_request_info(feedback=f, officer=people["specialist"], request="Cho biết mã hồ sơ.")
    assert f.status == "info_requested"
    with pytest.raises(FeedbackActionNotAllowed):
        feedback_request_info(feedback=f, officer=people["specialist"], request="Lần hai")
    clock(vn(2026, 3, 12, 9, 0))  # two working days later
    with pytest.raises(Exception):  # noqa: B017 - a wrong contact finds nothing
        feedback_provide_info(code=f.code, contact="0987654321", reply="H56.40-260302-0001")
    f = feedback_provide_info(code=f.code, contact="AN@example.vn", reply="H56.40-260302-0001")
    assert f.status == "routed" and f.answer_due_at == vn(2026, 4, 1, 17, 0) and due == vn(2026, 3, 30, 17, 0)


def test_invalid_contact_and_missing_consent_store_nothing(people, clock):
    clock(vn(2026, 3, 9, 9, 0))
    for kwargs, code in [
        ({"phone": "123"}, "phone_invalid"),
        ({"phone": "", "email": ""}, "contact_required"),
        ({"phone": "", "email": "not-an-email"}, "email_invalid"),
        ({"consent": False}, "consent_required"),
        ({"content": "   "}, "content_required"),
        ({"subject_kind": "unit", "unit": None}, "unit_required"),
        ({"subject_kind": "nonsense"}, "subject_invalid"),
    ]:
        with pytest.raises(InvalidFeedbackInput) as info:
            send(**kwargs)
        assert info.value.code == code, kwargs
    assert not Feedback.objects.exists()


def test_rate_limit_per_client(people, clock, settings):
    settings.MOTCUA_FEEDBACK_SUBMIT_LIMIT = 5
    clock(vn(2026, 3, 9, 9, 0))
    for i in range(5):
        send(phone=f"09123456{i:02d}", client="203.0.113.7")
    with pytest.raises(RateLimited) as info:
        send(phone="0912345699", client="203.0.113.7")
    assert info.value.code == "rate_limited" and "60 phút" in info.value.message
    send(phone="0912345699", client="203.0.113.8")  # another address is not affected
    assert Feedback.objects.count() == 6


def test_repeated_feedback_is_linked(people, clock):
    clock(vn(2026, 3, 9, 9, 0))
    first = send()
    clock(vn(2026, 3, 20, 9, 0))
    again = send(content="Vẫn chưa giải quyết")
    other_unit = send(unit=OrgUnit.objects.get(code="H56.40"))
    assert again.duplicate_of == first and other_unit.duplicate_of is None
    clock(vn(2026, 5, 20, 9, 0))  # past the 30 days
    assert send().duplicate_of is None
    with pytest.raises(InvalidFeedbackInput):  # the original is not in the officer's units
        feedback_mark_duplicate(feedback=other_unit, officer=people["officer"], original_code=first.code)
    marked = feedback_mark_duplicate(
        feedback=other_unit, officer=people["admin"], original_code=first.code.lower()
    )
    assert marked.duplicate_of == first and marked.duplicate_by_officer


def test_officer_steps_and_permissions(people, clock):
    clock(vn(2026, 3, 9, 9, 0))
    f = send()
    with pytest.raises(FeedbackActionNotAllowed) as info:  # not a member of H56.19
        feedback_route(feedback=f, officer=people["officer"], category="behaviour")
    assert info.value.code == "not_handler"
    with pytest.raises(FeedbackActionNotAllowed):  # the auditor acts on nothing
        feedback_refuse(feedback=f, officer=people["auditor"], reason="x")
    f = feedback_route(
        feedback=f,
        officer=people["specialist"],
        category="behaviour",
        unit=OrgUnit.objects.get(code="H56.40"),
    )
    assert (f.status, f.handling_unit.code, f.category) == ("routed", "H56.40", "behaviour")
    with pytest.raises(FeedbackActionNotAllowed):
        feedback_publish(feedback=f, officer=people["officer"])  # not answered yet
    with pytest.raises(InvalidFeedbackInput):
        feedback_refuse(feedback=f, officer=people["officer"], reason=" ")
    f = feedback_refuse(feedback=f, officer=people["officer"], reason="Không thuộc thẩm quyền")
    assert f.status == "refused"
    assert selectors.feedback_due_badge(f).state == "done"


def publish_one(people, clock, **overrides):
    f = send(**overrides)
    f = feedback_answer(feedback=f, officer=people["specialist"], answer="Sở đã chỉ đạo xử lý.")
    return feedback_publish(feedback=f, officer=people["specialist"])


def test_public_search_without_diacritics(people, clock):
    clock(vn(2026, 3, 9, 9, 0))
    publish_one(people, clock, title="Chậm trả kết quả đăng ký khai sinh")
    send(title="Đăng ký khai sinh chưa trả lời", phone="0987000111")  # not published
    found = list(selectors.feedback_public_list(q="dang ky KHAI SINH"))
    assert [f.title for f in found] == ["Chậm trả kết quả đăng ký khai sinh"]
    assert list(selectors.feedback_public_list(q="ket hon")) == []
    assert len(selectors.feedback_public_list(q="")) == 1


def test_like_once_per_browser(people, clock, settings):
    clock(vn(2026, 3, 9, 9, 0))
    f = publish_one(people, clock)
    f = feedback_react(feedback=f, voter="v1", vote="like")
    with pytest.raises(FeedbackActionNotAllowed) as info:
        feedback_react(feedback=f, voter="v1", vote="dislike")
    assert info.value.code == "already_reacted"
    f = feedback_react(feedback=f, voter="v2", vote="dislike")
    assert (f.likes, f.dislikes) == (1, 1)
    settings.MOTCUA_FEEDBACK_REACT_LIMIT = 1
    feedback_react(feedback=f, voter="v3", vote="like", client="198.51.100.1")
    with pytest.raises(RateLimited):
        feedback_react(feedback=f, voter="v4", vote="like", client="198.51.100.1")
