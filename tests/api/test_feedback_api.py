"""PAKN and dossier evaluation over the API: send, follow, the staff handling steps, the published answers
and their votes; the applicant's evaluation, the counter link; visibility, errors, pagination, queries."""

import pytest

from motcua.feedback.models import Evaluation, Feedback
from motcua.feedback.services import feedback_answer, feedback_publish, feedback_submit
from motcua.org.models import OrgUnit
from tests.feedback.conftest import journey

from .conftest import vn

pytestmark = pytest.mark.django_db
BASE = "/api/v1/feedback"


def post(client, path, data=None, **extra):
    return client.post(path, data or {}, content_type="application/json", **extra)


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["message"], body
    return body


def pakn(**overrides):
    body = {
        "subject_kind": "unit",
        "unit_code": "H56.19",
        "title": "Chậm trả kết quả đăng ký khai thác nước",
        "content": "Hồ sơ của tôi bị chậm hai tuần.",
        "sender_name": "Nguyễn Văn An",
        "phone": "0912 345 678",
        "consent": True,
        **overrides,
    }
    return body


def published(people, n=1, title="Chậm trả kết quả"):
    rows = []
    for i in range(n):
        f = feedback_submit(
            subject_kind="unit", unit=OrgUnit.objects.get(code="H56.19"), title=f"{title} {i}",
            content="Nội dung", sender_name="Trần Thị Bình", phone=f"09123400{i:02d}", consent=True,
        )  # fmt: skip
        f = feedback_answer(feedback=f, officer=people["specialist"], answer="Sở đã chỉ đạo xử lý.")
        rows.append(feedback_publish(feedback=f, officer=people["specialist"]))
    return rows


def test_send_then_follow_with_the_contact(client, people, clock):
    clock(vn(2026, 3, 9, 9, 0))
    response = post(client, BASE, pakn())
    assert response.status_code == 201, response.content
    sent = response.json()
    assert sent["code"] == "PA260309-0001" and sent["status"] == "received"
    assert sent["handling_unit"]["code"] == "H56.19"
    assert sent["answer_due_at"].startswith("2026-03-30T17:00:00")

    tracked = post(client, f"{BASE}/track", {"code": sent["code"].lower(), "contact": "+84912345678"})
    assert tracked.status_code == 200, tracked.content
    body = tracked.json()
    assert body["status"] == "received" and body["content"] == "Hồ sơ của tôi bị chậm hai tuần."
    assert body["due"]["state"] == "ok" and body["due"]["at"].startswith("2026-03-30")
    # A wrong contact looks like an unknown code; the sender's contact is never echoed.
    assert_error(post(client, f"{BASE}/track", {"code": sent["code"], "contact": "0987654321"}), 404,
                 "feedback_not_found")  # fmt: skip
    assert "0912" not in tracked.content.decode() and "+8491" not in tracked.content.decode()


def test_bad_input_is_refused_with_a_code_and_stores_nothing(client, people, clock):
    clock(vn(2026, 3, 9, 9, 0))
    assert_error(post(client, BASE, pakn(consent=False)), 422, "consent_required")
    assert_error(post(client, BASE, pakn(phone="", email="")), 422, "contact_required")
    assert_error(post(client, BASE, pakn(unit_code="H56.99")), 422, "unit_not_found")
    assert_error(post(client, BASE, pakn(subject_kind="nonsense")), 422, "request_invalid")
    assert_error(post(client, BASE, {**pakn(), "sender_phone": "0912"}), 422, "request_invalid")
    assert not Feedback.objects.exists()


def test_sending_is_rate_limited_per_address(client, people, clock, settings):
    settings.MOTCUA_FEEDBACK_SUBMIT_LIMIT = 2
    clock(vn(2026, 3, 9, 9, 0))
    for i in range(2):
        assert post(client, BASE, pakn(phone=f"09123456{i:02d}")).status_code == 201
    assert_error(post(client, BASE, pakn(phone="0912345699")), 429, "rate_limited")
    other = post(client, BASE, pakn(phone="0912345698"), REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 201


def test_staff_handle_route_answer_publish(client, people, clock):
    clock(vn(2026, 3, 9, 9, 0))
    code = post(client, BASE, pakn()).json()["code"]
    f = Feedback.objects.get(code=code)

    # A citizen has no handling queue; an officer of another unit does not see this PAKN.
    client.force_login(people["citizen"])
    assert_error(client.get(f"{BASE}/handling/tabs"), 403, "staff_only")
    assert client.get(f"{BASE}/handling").json() == {"items": [], "count": 0}
    assert_error(client.get(f"{BASE}/handling/{f.pk}"), 404, "feedback_not_found")
    client.force_login(people["commune_officer"])
    assert_error(client.get(f"{BASE}/handling/{f.pk}"), 404, "feedback_not_found")
    assert_error(post(client, f"{BASE}/handling/{f.pk}/refuse", {"reason": "x"}), 404, "feedback_not_found")

    client.force_login(people["specialist"])
    tabs = {t["key"]: t["count"] for t in client.get(f"{BASE}/handling/tabs").json()}
    assert tabs == {"to_handle": 1, "awaiting_info": 0, "to_publish": 0, "done": 0}
    queue = client.get(f"{BASE}/handling").json()
    assert queue["count"] == 1 and queue["items"][0]["code"] == code
    detail = client.get(f"{BASE}/handling/{f.pk}").json()
    assert detail["sender_phone"] == "+84912345678" and detail["can_handle"] is True

    # The wrong order is refused with the service's code and changes nothing.
    assert_error(post(client, f"{BASE}/handling/{f.pk}/publish"), 403, "invalid_status")
    assert_error(post(client, f"{BASE}/handling/{f.pk}/route", {"category": "bogus"}), 422, "request_invalid")
    routed = post(client, f"{BASE}/handling/{f.pk}/route", {"category": "behaviour"})
    assert routed.status_code == 200 and routed.json()["status"] == "routed", routed.content
    assert_error(post(client, f"{BASE}/handling/{f.pk}/answer", {"answer": "  "}), 422, "answer_required")
    answered = post(client, f"{BASE}/handling/{f.pk}/answer", {"answer": "Đã xử lý.", "substantiated": True})
    assert answered.json()["status"] == "answered" and answered.json()["substantiated"] is True
    assert client.get(f"{BASE}/handling", {"tab": "to_publish"}).json()["count"] == 1
    assert_error(client.get(f"{BASE}/handling", {"tab": "nonsense"}), 422, "request_invalid")
    assert post(client, f"{BASE}/handling/{f.pk}/publish").json()["status"] == "published"

    # Now public, without the sender.
    client.logout()
    public = client.get(f"{BASE}/{code}")
    assert public.status_code == 200 and public.json()["answer"] == "Đã xử lý."
    text = public.content.decode()
    assert "Nguyễn Văn An" not in text and "84912345678" not in text


def test_request_information_and_the_senders_reply(client, people, clock):
    clock(vn(2026, 3, 9, 9, 0))
    code = post(client, BASE, pakn(email="an@example.vn")).json()["code"]
    f = Feedback.objects.get(code=code)
    client.force_login(people["specialist"])
    asked = post(client, f"{BASE}/handling/{f.pk}/request-info", {"request": "Cho biết mã hồ sơ."})
    assert asked.json()["status"] == "info_requested"
    assert_error(post(client, f"{BASE}/handling/{f.pk}/request-info", {"request": "Lần hai"}), 403,
                 "invalid_status")  # fmt: skip
    client.logout()
    assert_error(post(client, f"{BASE}/{code}/reply", {"contact": "khac@example.vn", "reply": "x"}), 404,
                 "feedback_not_found")  # fmt: skip
    replied = post(
        client, f"{BASE}/{code}/reply", {"contact": "AN@example.vn", "reply": "H56.40-260302-0001"}
    )
    assert replied.status_code == 200, replied.content
    assert replied.json()["status"] == "routed" and replied.json()["info_reply"] == "H56.40-260302-0001"
    assert_error(post(client, f"{BASE}/{code}/reply", {"contact": "an@example.vn", "reply": "lại"}), 403,
                 "no_info_requested")  # fmt: skip


def test_published_answers_search_pagination_and_queries(
    client, people, clock, django_assert_max_num_queries
):
    clock(vn(2026, 3, 9, 9, 0))
    published(people, n=3, title="Chậm trả kết quả đăng ký khai sinh")
    feedback_submit(
        subject_kind="other",
        title="Khai sinh chưa trả lời",
        content="x",
        sender_name="B",
        phone="0987000111",
        consent=True,
    )  # fmt: skip  (not published: never listed)
    with django_assert_max_num_queries(2):  # the count and the page, whatever the number of rows
        full = client.get(BASE, {"q": "dang ky KHAI SINH"}).json()
    assert full["count"] == 3 and len(full["items"]) == 3
    page = client.get(BASE, {"q": "dang ky KHAI SINH", "page_size": 2}).json()
    assert page["count"] == 3 and len(page["items"]) == 2
    assert all("sender" not in key for key in page["items"][0])
    assert client.get(BASE, {"q": "dang ky khai sinh", "page": 2, "page_size": 2}).json()["items"][0]["title"]
    assert client.get(BASE, {"q": "ket hon"}).json() == {"items": [], "count": 0}
    assert_error(client.get(f"{BASE}/PA000000-0000"), 404, "feedback_not_found")
    assert_error(client.get(BASE, {"q": "x" * 101}), 422, "request_invalid")


def test_the_handling_queue_page_costs_the_same_whatever_its_rows(
    client, people, clock, django_assert_max_num_queries
):
    clock(vn(2026, 3, 9, 9, 0))
    for i in range(3):
        feedback_submit(
            subject_kind="unit", unit=OrgUnit.objects.get(code="H56.19"), title=f"Chậm trả kết quả {i}",
            content="Nội dung", sender_name="Trần Thị Bình", phone=f"09123400{i:02d}", consent=True,
        )  # fmt: skip
    client.force_login(people["specialist"])
    with django_assert_max_num_queries(5):  # session, account, the officer's roles, count, page
        queue = client.get(f"{BASE}/handling").json()
    assert queue["count"] == 3 and len(queue["items"]) == 3
    assert all(item["handling_unit"]["code"] == "H56.19" and item["due"]["at"] for item in queue["items"])


def test_vote_once_per_account(client, people, clock):
    clock(vn(2026, 3, 9, 9, 0))
    (f,) = published(people)
    assert post(client, f"{BASE}/{f.code}/vote", {"vote": "like"}).status_code == 401
    client.force_login(people["citizen"])
    assert post(client, f"{BASE}/{f.code}/vote", {"vote": "like"}).json() == {
        "code": f.code, "likes": 1, "dislikes": 0,
    }  # fmt: skip
    assert_error(post(client, f"{BASE}/{f.code}/vote", {"vote": "dislike"}), 403, "already_reacted")
    assert_error(post(client, f"{BASE}/{f.code}/vote", {"vote": "meh"}), 422, "request_invalid")
    client.force_login(people["citizen2"])
    assert post(client, f"{BASE}/{f.code}/vote", {"vote": "dislike"}).json()["dislikes"] == 1
    assert_error(post(client, f"{BASE}/PA000000-0000/vote", {"vote": "like"}), 404, "feedback_not_found")


# -- evaluation ----------------------------------------------------------------------------------------


def test_the_applicant_rates_their_returned_dossier(client, people, version, clock):
    d = journey(people, version, clock)
    url = f"/api/v1/dossiers/{d.code}/evaluation"

    client.force_login(people["citizen2"])  # another citizen: as if it did not exist
    assert_error(client.get(url), 404, "dossier_not_found")
    assert_error(post(client, url, {"satisfaction": "satisfied"}), 404, "dossier_not_found")
    client.force_login(people["specialist"])  # staff see the dossier, but it is not theirs to rate
    assert_error(client.get(url), 404, "dossier_not_found")

    client.force_login(people["citizen"])
    view = client.get(url).json()
    assert view["can_give"] is True and view["evaluation"] is None
    assert view["score"]["max_total"] == 18 and len(view["score"]["criteria"]) == 9
    unit_key = next(t["key"] for t in view["targets"] if t["kind"] == "unit")
    assert_error(post(client, url, {"satisfaction": "meh"}), 422, "request_invalid")
    assert_error(post(client, url, {"satisfaction": "satisfied", "votes": {"u999999": "like"}}), 422,
                 "vote_invalid")  # fmt: skip
    given = post(client, url, {"satisfaction": "satisfied", "comment": "Nhanh", "votes": {unit_key: "like"}})
    assert given.status_code == 201, given.content
    assert given.json()["evaluation"]["votes"] == {unit_key: "like"} and given.json()["can_edit"] is True
    changed = post(client, url, {"satisfaction": "very_satisfied"})
    assert changed.status_code == 200 and changed.json()["evaluation"]["satisfaction"] == "very_satisfied"
    assert Evaluation.objects.get(dossier=d).satisfaction == "very_satisfied"


def test_a_dossier_not_returned_cannot_be_rated(client, people, version, clock):
    d = journey(people, version, clock, stop_before_return=True)
    client.force_login(people["citizen"])
    assert_error(post(client, f"/api/v1/dossiers/{d.code}/evaluation", {"satisfaction": "satisfied"}), 409,
                 "not_returned")  # fmt: skip


def test_the_counter_link_rates_once_without_login(client, people, version, clock):
    d = journey(people, version, clock)
    client.force_login(people["citizen"])
    assert_error(post(client, f"/api/v1/dossiers/{d.code}/evaluation-link"), 403, "staff_only")
    client.force_login(people["officer"])
    issued = post(client, f"/api/v1/dossiers/{d.code}/evaluation-link")
    assert issued.status_code == 201, issued.content
    token = issued.json()["token"]
    assert issued.json()["url"].endswith(f"/danh-gia/lien-ket/{token}/")
    client.logout()
    link = f"{BASE}/evaluation-links/{token}"
    assert client.get(link).json()["can_give"] is True
    assert post(client, link, {"satisfaction": "satisfied"}).status_code == 201
    assert_error(post(client, link, {"satisfaction": "dissatisfied"}), 409, "already_given")
    assert_error(client.get(f"{BASE}/evaluation-links/not-a-token"), 409, "link_invalid")
    assert Evaluation.objects.get(dossier=d).channel == "kiosk"
