"""The pages over HTTP: evaluation (signed in, link, counter tablet), PAKN send / track / public answer,
the officer's queue and actions."""

import re

import pytest
from django.urls import reverse

from motcua.feedback.models import Evaluation, Feedback
from motcua.feedback.targets import evaluation_targets

from .conftest import journey, vn

pytestmark = pytest.mark.django_db


def test_citizen_rates_a_returned_dossier_from_its_page(client, people, returned):
    client.force_login(people["citizen"])
    page = client.get(reverse("my_dossier", args=[returned.pk]))
    assert page.status_code == 200 and "Đánh giá hồ sơ" in page.content.decode()
    url = reverse("evaluation_dossier", args=[returned.pk])
    form = client.get(url)
    html = form.content.decode()
    assert form.status_code == 200
    assert "Rất hài lòng" in html and "Không hài lòng" in html and "/18" in html
    assert people["specialist"].full_name in html  # officers by name
    officer = next(t for t in evaluation_targets(returned) if t.officer_id == people["tax"].pk)
    response = client.post(
        url, {"satisfaction": "satisfied", "comment": "<b>tốt</b>", f"vote_{officer.key}": "like"}
    )
    assert response.status_code == 302
    ev = Evaluation.objects.get()
    assert ev.comment == "<b>tốt</b>" and ev.votes.get().officer == people["tax"]
    html = client.get(url).content.decode()
    assert "&lt;b&gt;tốt&lt;/b&gt;" in html and "<b>tốt</b>" not in html
    assert (
        "Bạn đã đánh giá hồ sơ này" in client.get(reverse("my_dossier", args=[returned.pk])).content.decode()
    )


def test_other_citizen_and_unreturned_dossier(client, people, version, clock):
    d = journey(people, version, clock, stop_before_return=True)
    client.force_login(people["citizen2"])
    assert client.get(reverse("evaluation_dossier", args=[d.pk])).status_code == 404
    client.force_login(people["citizen"])
    response = client.post(reverse("evaluation_dossier", args=[d.pk]), {"satisfaction": "satisfied"})
    assert response.status_code == 409 and "đã trả kết quả" in response.content.decode()
    assert not Evaluation.objects.exists()


def test_counter_tablet_link(client, people, returned):
    client.force_login(people["officer"])
    response = client.post(reverse("backoffice:evaluation_kiosk"), {"code": returned.code})
    html = response.content.decode()
    assert response.status_code == 200 and "data:image/png;base64," in html
    link = re.search(r'href="(http://testserver/danh-gia/lien-ket/[^"]+)"', html).group(1)
    client.logout()
    assert client.get(link).status_code == 200
    done = client.post(link, {"satisfaction": "very_satisfied"})
    assert done.status_code == 200 and "Cảm ơn" in done.content.decode()
    assert Evaluation.objects.get().channel == "kiosk"
    assert client.post(link, {"satisfaction": "dissatisfied"}).status_code == 409
    assert client.get("/danh-gia/lien-ket/garbage/").status_code == 400
    client.force_login(people["officer"])
    again = client.post(reverse("backoffice:evaluation_kiosk"), {"code": returned.code})
    assert again.status_code == 409


def feedback_form(**overrides):
    data = {
        "subject_kind": "other",
        "reference": "",
        "unit": "",
        "title": "Góp ý về giờ làm việc",
        "content": "<script>alert('x')</script> Xin mở cửa thứ Bảy.",
        "sender_name": "Trần Thị Bình",
        "phone": "0912 345 678",
        "email": "binh@example.vn",
        "consent": "on",
    }
    data.update(overrides)
    return data


def test_feedback_from_citizen_to_published_answer(client, people, clock):
    clock(vn(2026, 3, 9, 9, 0))
    response = client.post(reverse("feedback_send"), feedback_form())
    assert response.status_code == 302
    sent = client.get(response.url).content.decode()
    code = Feedback.objects.get().code
    assert code in sent
    # tracking needs the code and a contact
    track = client.post(reverse("feedback_track"), {"ma": code, "lien_he": "0912345678"})
    assert track.status_code == 200 and "Đã tiếp nhận" in track.content.decode()
    assert client.post(reverse("feedback_track"), {"ma": code, "lien_he": "0900000000"}).status_code == 404
    # the officer of the default unit (the provincial one-stop centre) handles it
    officer = client
    officer.force_login(people["officer"])
    queue = officer.get(reverse("backoffice:feedback_queue")).content.decode()
    assert code in queue and "Hạn trả lời" in queue
    f = Feedback.objects.get()
    assert (
        officer.post(reverse("backoffice:feedback_route", args=[f.pk]), {"category": "proposal"}).status_code
        == 302
    )
    r = officer.post(
        reverse("backoffice:feedback_answer", args=[f.pk]), {"answer": "Sẽ nghiên cứu.", "substantiated": ""}
    )
    assert r.status_code == 302
    assert officer.post(reverse("backoffice:feedback_publish", args=[f.pk])).status_code == 302
    f.refresh_from_db()
    assert f.status == "published" and f.category == "proposal"
    officer.logout()
    public = client.get(reverse("feedback_public", args=[code]))
    html = public.content.decode()
    assert public.status_code == 200 and "Sẽ nghiên cứu." in html
    assert "&lt;script&gt;" in html and "<script>alert" not in html
    assert "0912" not in html and "binh@example.vn" not in html and "+84912345678" not in html
    listing = client.get(reverse("feedback_list"), {"q": "gio lam viec"}).content.decode()
    assert code in listing and "binh@example.vn" not in listing


def test_officer_of_another_unit_cannot_see_it(client, people, clock):
    clock(vn(2026, 3, 9, 9, 0))
    client.post(reverse("feedback_send"), feedback_form())
    f = Feedback.objects.get()
    client.force_login(people["tax"])
    assert client.get(reverse("backoffice:feedback_detail", args=[f.pk])).status_code == 404
    assert client.post(reverse("backoffice:feedback_refuse", args=[f.pk]), {"reason": "x"}).status_code == 404
    assert f.code not in client.get(reverse("backoffice:feedback_queue")).content.decode()


def test_send_form_errors_and_rate_limit(client, people, clock, settings):
    clock(vn(2026, 3, 9, 9, 0))
    bad = client.post(reverse("feedback_send"), feedback_form(phone="12345", email=""))
    assert bad.status_code == 422 and "không hợp lệ" in bad.content.decode()
    none = client.post(reverse("feedback_send"), feedback_form(phone="", email=""))
    assert none.status_code == 422 and "số điện thoại hoặc email" in none.content.decode()
    assert not Feedback.objects.exists()
    settings.MOTCUA_FEEDBACK_SUBMIT_LIMIT = 2
    for _i in range(2):
        assert client.post(reverse("feedback_send"), feedback_form()).status_code == 302
    flood = client.post(reverse("feedback_send"), feedback_form())
    assert flood.status_code == 429 and "quá nhiều" in flood.content.decode()
    assert Feedback.objects.count() == 2


def test_like_once_over_http(client, people, clock):
    clock(vn(2026, 3, 9, 9, 0))
    client.post(reverse("feedback_send"), feedback_form())
    f = Feedback.objects.get()
    from motcua.feedback.services import feedback_answer, feedback_publish

    feedback_publish(
        feedback=feedback_answer(feedback=f, officer=people["officer"], answer="OK"),
        officer=people["officer"],
    )
    url = reverse("feedback_vote", args=[f.code])
    client.post(url, {"vote": "like"})
    second = client.post(url, {"vote": "like"}, follow=True)
    assert "Bạn đã bình chọn" in second.content.decode()
    f.refresh_from_db()
    assert f.likes == 1
    client.cookies.clear()  # another browser
    client.post(url, {"vote": "dislike"})
    f.refresh_from_db()
    assert (f.likes, f.dislikes) == (1, 1)


def test_staff_dashboard_links_to_the_queue(client, people):
    client.force_login(people["officer"])
    assert (
        reverse("backoffice:feedback_queue") in client.get(reverse("backoffice:dashboard")).content.decode()
    )
