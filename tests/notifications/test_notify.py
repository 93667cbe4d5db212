"""notify(): stored with the caller's transaction, delivered only after commit, on the right channels."""

import pytest
from django.core import mail
from django.db import transaction

from motcua.accounts.models import User
from motcua.notifications.errors import InvalidContext, MissingContext, UnknownChannel, UnknownTopic
from motcua.notifications.models import Channel, Delivery, DeliveryStatus, Notification
from motcua.notifications.services import Recipient, notify

from .conftest import DUE, PHONE_E164, make_user, received_context, sms_lines


class Boom(Exception):
    pass


def test_a_rolled_back_transaction_stores_nothing_and_sends_nothing(
    citizen, sms_dir, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Boom),
        transaction.atomic(),
    ):
        notify(topic="dossier.received", recipient=citizen, context=received_context())
        assert Notification.objects.count() == 1  # visible inside the transaction only
        raise Boom
    assert callbacks == []
    assert Notification.objects.count() == 0
    assert Delivery.objects.count() == 0
    assert mail.outbox == []
    assert sms_lines(sms_dir) == []


def test_nothing_is_sent_before_commit(citizen, sms_dir, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        notify(topic="dossier.received", recipient=citizen, context=received_context())
    assert len(callbacks) == 1
    assert mail.outbox == []
    assert sms_lines(sms_dir) == []
    statuses = dict(Delivery.objects.values_list("channel", "status"))
    assert statuses == {"email": "pending", "sms": "pending", "inapp": "sent"}


def test_after_commit_every_channel_delivers(citizen, sms_dir, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notification = notify(topic="dossier.received", recipient=citizen, context=received_context())

    deliveries = {d.channel: d for d in notification.deliveries.all()}
    assert set(deliveries) == {Channel.EMAIL, Channel.SMS, Channel.INAPP}
    for delivery in deliveries.values():
        assert delivery.status == DeliveryStatus.SENT
        assert delivery.attempts == 1
        assert delivery.sent_at is not None
        assert delivery.last_error == ""

    (email,) = mail.outbox
    assert email.to == ["an@example.vn"]
    assert email.subject == "Hồ sơ H56-260313-0001 đã được tiếp nhận"
    assert "Kính gửi Nguyễn Văn An," in email.body
    assert "“Đăng ký khai sinh”" in email.body
    assert "08:00 ngày 20/03/2026" in email.body
    assert "http://testserver/ho-so/H56-260313-0001/" in email.body
    assert email.extra_headers["Message-ID"] == deliveries[Channel.EMAIL].provider_message_id

    (sms,) = sms_lines(sms_dir)
    assert sms["phone"] == PHONE_E164
    assert sms["message"] == (
        "Ho so H56-260313-0001 da duoc tiep nhan. Hen tra ket qua: 08:00 ngay 20/03/2026. "
        "Tra cuu tren Cong dich vu cong."
    )
    assert sms["id"] == deliveries[Channel.SMS].provider_message_id

    assert deliveries[Channel.INAPP].read_at is None
    assert notification.recipient == citizen
    assert notification.recipient_phone == PHONE_E164
    assert notification.url == "http://testserver/ho-so/H56-260313-0001/"


@pytest.mark.django_db(transaction=True)
def test_real_commit_and_real_rollback(sms_dir):
    user = make_user("binh", email="binh@example.vn", phone="0987 654 321")
    with pytest.raises(Boom), transaction.atomic():
        notify(topic="dossier.stopped", recipient=user, context={"code": "A", "procedure_name": "P"})
        raise Boom
    assert Notification.objects.count() == 0
    assert mail.outbox == []

    with transaction.atomic():
        notify(topic="dossier.stopped", recipient=user, context={"code": "B", "procedure_name": "P"})
        assert mail.outbox == []  # still inside the transaction
    assert [m.subject for m in mail.outbox] == ["Hồ sơ B đã dừng xử lý"]
    assert [line["phone"] for line in sms_lines(sms_dir)] == ["+84987654321"]
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_a_failing_channel_never_rolls_back_or_raises_into_the_caller(
    citizen, failing_sms, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        other = make_user("caller-state")  # the caller's own state change
        notify(topic="dossier.received", recipient=citizen, context=received_context())
    assert User.objects.filter(pk=other.pk).exists()
    assert len(failing_sms) == 1
    sms = Delivery.objects.get(channel=Channel.SMS)
    assert sms.status == DeliveryStatus.FAILED
    assert sms.attempts == 1
    assert Delivery.objects.get(channel=Channel.EMAIL).status == DeliveryStatus.SENT
    assert len(mail.outbox) == 1


class TestChannels:
    def test_no_phone_no_sms(self, db, django_capture_on_commit_callbacks):
        user = make_user("chi", email="chi@example.vn")
        with django_capture_on_commit_callbacks(execute=True):
            n = notify(topic="dossier.received", recipient=user, context=received_context())
        assert sorted(n.deliveries.values_list("channel", flat=True)) == ["email", "inapp"]

    def test_invalid_phone_is_skipped_and_not_logged_in_full(self, db, caplog):
        user = make_user("dung", phone="0123")
        n = notify(topic="dossier.received", recipient=user, context=received_context())
        assert list(n.deliveries.values_list("channel", flat=True)) == ["inapp"]
        assert "0123" not in caplog.text

    def test_a_person_without_account_gets_no_inapp(self, db, sms_dir, django_capture_on_commit_callbacks):
        who = Recipient(name="Lê Thị Hoa", email="hoa@example.vn", phone="+84 912 000 111")
        with django_capture_on_commit_callbacks(execute=True):
            n = notify(
                topic="dossier.result_ready",
                recipient=who,
                context={"code": "X", "procedure_name": "P", "return_channel": "post"},
            )
        assert sorted(n.deliveries.values_list("channel", flat=True)) == ["email", "sms"]
        assert n.recipient is None
        assert n.recipient_name == "Lê Thị Hoa"
        assert mail.outbox[0].body.startswith("Kính gửi Lê Thị Hoa,")
        assert sms_lines(sms_dir)[0]["phone"] == "+84912000111"

    def test_explicit_channels(self, citizen, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            n = notify(
                topic="dossier.received", recipient=citizen, context=received_context(), channels=["inapp"]
            )
        assert list(n.deliveries.values_list("channel", flat=True)) == ["inapp"]
        assert n.recipient_phone == ""  # nothing kept that is not used
        assert n.sms_text == ""
        assert mail.outbox == []

    def test_related_object_is_recorded_by_type_and_id(self, citizen):
        n = notify(topic="dossier.received", recipient=citizen, context=received_context(), related=citizen)
        assert (n.related_type, n.related_id) == ("accounts.user", str(citizen.pk))


class TestBadCalls:
    @pytest.mark.parametrize(
        ("kwargs", "error", "code"),
        [
            ({"topic": "dossier.nope", "context": received_context()}, UnknownTopic, "unknown_topic"),
            ({"topic": "dossier.received", "context": {"code": "A"}}, MissingContext, "missing_context"),
            (
                {"topic": "dossier.received", "context": received_context(due_at=DUE.replace(tzinfo=None))},
                InvalidContext,
                "invalid_context",
            ),
            (
                {"topic": "dossier.received", "context": received_context(due_at="mai")},
                InvalidContext,
                "invalid_context",
            ),
            (
                {
                    "topic": "dossier.result_ready",
                    "context": {"code": "A", "procedure_name": "P", "return_channel": "drone"},
                },
                InvalidContext,
                "invalid_context",
            ),
            (
                {"topic": "dossier.received", "context": received_context(), "channels": ["fax"]},
                UnknownChannel,
                "unknown_channel",
            ),
        ],
    )
    def test_is_refused_before_anything_is_stored(self, citizen, kwargs, error, code):
        with pytest.raises(error) as caught:
            notify(recipient=citizen, **kwargs)
        assert caught.value.code == code
        assert str(caught.value)  # a readable Vietnamese message
        assert Notification.objects.count() == 0

    def test_missing_keys_are_named(self, citizen):
        with pytest.raises(MissingContext, match="procedure_name, due_at"):
            notify(topic="dossier.received", recipient=citizen, context={"code": "A"})
