"""My notifications over the API: the inbox (mine only, newest first, unread filter, pagination), mark
read (one, all; idempotent; others' are 404) and my channel preferences (422 with a code for bad input)."""

import pytest

from motcua.notifications.models import ChannelPreference, Delivery
from motcua.notifications.services import notify
from tests.notifications.conftest import make_user

pytestmark = pytest.mark.django_db
BASE = "/api/v1/notifications"


def tell(user, code):
    return notify(
        topic="dossier.stopped", recipient=user, context={"code": code, "procedure_name": "Đăng ký kết hôn"}
    )


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["message"], body
    return body


@pytest.fixture
def an(db):
    return make_user("an")


@pytest.fixture
def binh(db):
    return make_user("binh")


def test_my_inbox_only_newest_first_paginated(client, an, binh, django_assert_max_num_queries):
    for i in range(3):
        tell(an, f"AN-{i}")
    tell(binh, "BINH-1")
    assert client.get(BASE).status_code == 401
    client.force_login(an)
    with django_assert_max_num_queries(4):  # session, account, count, page
        full = client.get(BASE).json()
    assert full["count"] == 3 and len(full["items"]) == 3
    page = client.get(BASE, {"page_size": 2}).json()
    assert page["count"] == 3 and len(page["items"]) == 2
    assert "AN-2" in page["items"][0]["subject"] + page["items"][0]["summary"]
    assert page["items"][0]["read"] is False and page["items"][0]["topic"] == "dossier.stopped"
    rest = client.get(BASE, {"page": 2, "page_size": 2}).json()["items"]
    assert len(rest) == 1 and "BINH" not in str(page) + str(rest)
    assert client.get(f"{BASE}/unread-count").json() == {"unread": 3}
    assert_error(client.get(BASE, {"page": 0}), 422, "request_invalid")


def test_mark_read_one_and_all(client, an, binh):
    first, second = tell(an, "AN-1"), tell(an, "AN-2")
    theirs = tell(binh, "BINH-1")
    client.force_login(an)
    read = client.post(f"{BASE}/{first.pk}/read")
    assert read.status_code == 200 and read.json()["read"] is True and read.json()["read_at"]
    assert client.post(f"{BASE}/{first.pk}/read").status_code == 200  # again: still fine
    assert_error(client.post(f"{BASE}/{theirs.pk}/read"), 404, "notification_not_found")
    assert Delivery.objects.get(notification=theirs, channel="inapp").read_at is None
    assert [n["id"] for n in client.get(BASE, {"unread": "true"}).json()["items"]] == [second.pk]
    assert client.post(f"{BASE}/read-all").json() == {"marked": 1}
    assert client.get(f"{BASE}/unread-count").json() == {"unread": 0}
    client.force_login(binh)
    assert client.get(f"{BASE}/unread-count").json() == {"unread": 1}


def test_preferences(client, an):
    client.force_login(an)
    before = client.get(f"{BASE}/preferences").json()
    assert before["language"] == "vi"
    dossier = next(g for g in before["groups"] if g["group"] == "dossier")
    assert {c["channel"]: c["accepted"] for c in dossier["channels"]} == {"email": True, "sms": True}

    saved = client.put(
        f"{BASE}/preferences",
        {"language": "en", "accepted": {"dossier": ["email"]}},
        content_type="application/json",
    )
    assert saved.status_code == 200, saved.content
    dossier = next(g for g in saved.json()["groups"] if g["group"] == "dossier")
    assert {c["channel"]: c["accepted"] for c in dossier["channels"]} == {"email": True, "sms": False}
    assert saved.json()["language"] == "en"
    assert ChannelPreference.objects.get(user=an).accepted["dossier"] == ["email"]

    bad_group = client.put(
        f"{BASE}/preferences", {"accepted": {"gossip": ["email"]}}, content_type="application/json"
    )
    assert_error(bad_group, 422, "preference_invalid")
    bad_channel = client.put(
        f"{BASE}/preferences", {"accepted": {"dossier": ["pigeon"]}}, content_type="application/json"
    )
    assert_error(bad_channel, 422, "preference_invalid")
    assert_error(client.put(f"{BASE}/preferences", {"language": "fr", "accepted": {}},
                            content_type="application/json"), 422, "request_invalid")  # fmt: skip
    assert_error(client.put(f"{BASE}/preferences", {"accepted": {}, "colour": "red"},
                            content_type="application/json"), 422, "request_invalid")  # fmt: skip
    assert ChannelPreference.objects.get(user=an).language == "en"  # the refused changes changed nothing
