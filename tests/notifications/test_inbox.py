"""The in-app inbox page: one's own notifications only, newest first, paginated, mark as read."""

import pytest
from django.urls import reverse

from motcua.notifications.models import Channel, Delivery
from motcua.notifications.selectors import inbox_list, inbox_unread_count
from motcua.notifications.services import inbox_mark_all_read, inbox_mark_read, notify

from .conftest import make_user

URL = "/thong-bao/"


def tell(user, code, topic="dossier.stopped"):
    return notify(topic=topic, recipient=user, context={"code": code, "procedure_name": "Đăng ký kết hôn"})


@pytest.fixture
def two_citizens(db):
    return make_user("an"), make_user("binh")


def test_the_url():
    assert reverse("inbox") == URL


def test_login_required(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/tai-khoan/dang-nhap/")


def test_shows_only_my_notifications_newest_first_with_the_unread_count(client, two_citizens):
    an, binh = two_citizens
    tell(an, "AN-1")
    tell(binh, "BINH-1")
    tell(an, "AN-2")
    client.force_login(an)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "AN-1" in html and "AN-2" in html
    assert "BINH-1" not in html
    assert html.index("AN-2") < html.index("AN-1")
    assert "Bạn có 2 thông báo chưa đọc." in html
    assert response.context["unread"] == 2


def test_empty_state(client, two_citizens):
    client.force_login(two_citizens[0])
    html = client.get(URL).content.decode()
    assert "Bạn chưa có thông báo nào." in html


def test_mark_one_as_read(client, two_citizens):
    an, _ = two_citizens
    first, second = tell(an, "AN-1"), tell(an, "AN-2")
    client.force_login(an)
    response = client.post(URL, {"read": str(first.pk), "next": f"{URL}?page=1"})
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?page=1"
    assert first.deliveries.get(channel=Channel.INAPP).read_at is not None
    assert second.deliveries.get(channel=Channel.INAPP).read_at is None
    assert inbox_unread_count(user=an) == 1
    assert "Bạn có 1 thông báo chưa đọc." in client.get(URL).content.decode()


def test_cannot_mark_someone_elses_notification(client, two_citizens):
    an, binh = two_citizens
    theirs = tell(binh, "BINH-1")
    client.force_login(an)
    assert client.post(URL, {"read": str(theirs.pk)}).status_code == 404
    assert client.post(URL, {"read": "nonsense"}).status_code == 404
    assert theirs.deliveries.get(channel=Channel.INAPP).read_at is None


def test_an_open_redirect_is_refused(client, two_citizens):
    an, _ = two_citizens
    mine = tell(an, "AN-1")
    client.force_login(an)
    response = client.post(URL, {"read": str(mine.pk), "next": "https://evil.example/"})
    assert response["Location"] == URL


def test_mark_all_as_read(client, two_citizens):
    an, binh = two_citizens
    tell(an, "AN-1")
    tell(an, "AN-2")
    tell(binh, "BINH-1")
    client.force_login(an)
    response = client.post(URL, {"read": "all"}, follow=True)
    assert "Đã đánh dấu tất cả thông báo là đã đọc." in response.content.decode()
    assert inbox_unread_count(user=an) == 0
    assert inbox_unread_count(user=binh) == 1


def test_paginated(client, two_citizens):
    an, _ = two_citizens
    for i in range(25):
        tell(an, f"AN-{i:02d}")
    client.force_login(an)
    first = client.get(URL).content.decode()
    second = client.get(URL, {"page": 2}).content.decode()
    assert "AN-24" in first and "AN-05" in first and "AN-04" not in first
    assert "AN-04" in second and "AN-00" in second and "AN-05" not in second
    assert "Trang 2/2" in second


def test_selectors_and_services(two_citizens):
    an, binh = two_citizens
    mine = tell(an, "AN-1")
    tell(binh, "BINH-1")
    assert [d.notification_id for d in inbox_list(user=an)] == [mine.pk]
    assert inbox_mark_read(user=binh, notification_id=mine.pk) is False
    assert inbox_mark_read(user=an, notification_id=mine.pk) is True
    assert inbox_mark_read(user=an, notification_id=mine.pk) is False  # already read
    assert inbox_mark_all_read(user=an) == 0
    assert inbox_unread_count(user=an) == 0
    assert Delivery.objects.filter(read_at__isnull=False).count() == 1
