"""Editable templates (placeholders checked on save, preview, override, languages), the delivery log and
channel preferences — through the services and the back-office pages (province administrator only)."""

import pytest
from django.urls import reverse

from motcua.core.models import AuditEvent
from motcua.notifications.errors import PreferenceInvalid, TemplateInvalid
from motcua.notifications.models import Channel, NotificationTemplate
from motcua.notifications.preferences import preference_get, preference_set
from motcua.notifications.services import notify
from motcua.notifications.templating import notification_template_save, template_check, template_preview
from motcua.notifications.topics import TOPICS
from tests.notifications.conftest import PHONE, make_user, received_context

pytestmark = pytest.mark.django_db

RECEIVED = TOPICS["dossier.received"]


# -- validation ------------------------------------------------------------------------------------------


def test_known_placeholders_pass_and_unknown_ones_are_listed():
    ok = "Hồ sơ {{ code }} hẹn {{ due_at_text }}{% if status_url %} — {{ status_url }}{% endif %} {{ recipient_name|upper }}"
    assert template_check(topic=RECEIVED, texts={"body": ok}).used >= {"code", "due_at_text", "status_url"}
    with pytest.raises(TemplateInvalid) as caught:
        template_check(
            topic=RECEIVED,
            texts={
                "subject": "{{ code }} {{ ma_ho_so }}",
                "body": "{% if secret %}{{ user.password }}{% endif %}",
            },
        )
    message = str(caught.value)
    assert caught.value.code == "template_unknown_placeholder"
    for name in ("{{ ma_ho_so }}", "{{ secret }}", "{{ user }}"):
        assert name in message
    assert "procedure_name" in message  # the names that can be used are listed


def test_loop_and_with_variables_are_the_templates_own():
    text = "{% for item in items_list %}- {{ item }} ({{ forloop.counter }})\n{% endfor %}{% with c=code %}{{ c }}{% endwith %}"
    template_check(topic=TOPICS["dossier.supplement_requested"], texts={"body": text})


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('{% include "notifications/_footer.txt" %}', "template_invalid"),
        ("{% load static %}{{ code }}", "template_invalid"),
        ("{% if code %}{{ code }}", "template_syntax"),
        ("{{ code|no_such_filter }}", "template_syntax"),
    ],
)
def test_forbidden_tags_and_syntax_errors_are_refused(text, code):
    with pytest.raises(TemplateInvalid) as caught:
        template_check(topic=RECEIVED, texts={"body": text})
    assert caught.value.code == code


def test_refused_template_stores_nothing_and_a_good_one_is_audited(people):
    with pytest.raises(TemplateInvalid):
        notification_template_save(
            actor=people["admin"], topic="dossier.received", channel="email", language="vi",
            subject="{{ khong_co }}", body="{{ code }}",
        )  # fmt: skip
    assert not NotificationTemplate.objects.exists()
    row = notification_template_save(
        actor=people["admin"], topic="dossier.received", channel="email", language="vi",
        subject="Đã nhận hồ sơ {{ code }}", body="Hồ sơ {{ code }} hẹn trả {{ due_at_text }}.",
    )  # fmt: skip
    assert AuditEvent.objects.filter(action="notification_template.save", object_id=str(row.pk)).exists()


# -- override and preview --------------------------------------------------------------------------------


def test_saved_templates_replace_the_built_in_ones_per_channel_and_language(people):
    citizen = make_user("an", email="an@example.vn", phone=PHONE)
    notification_template_save(
        actor=people["admin"], topic="dossier.received", channel="email", language="vi",
        subject="Đã nhận hồ sơ {{ code }}", body="Hồ sơ {{ code }} hẹn trả {{ due_at_text }}.",
    )  # fmt: skip
    notification_template_save(
        actor=people["admin"], topic="dossier.received", channel="sms", language="vi",
        subject="ignored", body="HS {{ code }} da nhan.",
    )  # fmt: skip
    notification_template_save(
        actor=people["admin"], topic="dossier.received", channel="email", language="en",
        subject="Application {{ code }} received", body="Dear {{ recipient_name }}, due {{ due_at_text }}.",
    )  # fmt: skip
    n = notify(topic="dossier.received", recipient=citizen, context=received_context())
    assert n.subject == "Đã nhận hồ sơ H56-260313-0001"
    assert n.body == "Hồ sơ H56-260313-0001 hẹn trả 08:00 ngày 20/03/2026.\n"
    assert n.sms_text == "HS H56-260313-0001 da nhan."
    assert "H56-260313-0001" in n.summary  # in-app: still the built-in text
    preference_set(user=citizen, accepted={}, language="en")
    n = notify(topic="dossier.received", recipient=citizen, context=received_context())
    assert n.subject == "Application H56-260313-0001 received"
    assert n.body.startswith("Dear Nguyễn Văn An, due ")


def test_preview_uses_sample_data_and_checks_first():
    rendered = template_preview(
        topic="reminder.step_due", channel="email", language="vi",
        subject="Hạn {{ step_name }}", body="Hồ sơ {{ code }} — {{ due_at_text }} — {{ recipient_name }}",
    )  # fmt: skip
    assert rendered.subject == "Hạn Thẩm định hồ sơ"
    assert rendered.body.startswith("Hồ sơ H56.40-260302-0001 — 17:00 ngày ")
    assert "Nguyễn Văn An" in rendered.body
    sms = template_preview(
        topic="evaluation.invite", channel="sms", language="vi", body="Đánh giá: {{ evaluation_url }}"
    )
    assert sms.sms_text.startswith("Danh gia: https://")
    with pytest.raises(TemplateInvalid):
        template_preview(topic="reminder.step_due", channel="inapp", language="vi", body="{{ nope }}")


# -- preferences -----------------------------------------------------------------------------------------


def test_preferences_are_respected_and_the_inbox_always_receives():
    citizen = make_user("an", email="an@example.vn", phone=PHONE)
    preference_set(user=citizen, accepted={"dossier": ["email", "inapp"], "evaluation": []})
    n = notify(topic="dossier.received", recipient=citizen, context=received_context())
    assert sorted(n.deliveries.values_list("channel", flat=True)) == ["email", "inapp"]
    n = notify(
        topic="evaluation.invite",
        recipient=citizen,
        context={"code": "H56-1", "procedure_name": "P", "evaluation_url": "http://testserver/danh-gia/x/"},
    )
    assert list(n.deliveries.values_list("channel", flat=True)) == ["inapp"]
    assert not n.recipient_phone and not n.sms_text
    # Other groups keep every channel.
    n = notify(
        topic="reminder.step_due",
        recipient=citizen,
        context={
            "code": "H56-1",
            "procedure_name": "P",
            "step_name": "S",
            "due_at": received_context()["due_at"],
        },
    )
    assert sorted(n.deliveries.values_list("channel", flat=True)) == ["email", "inapp", "sms"]
    assert preference_get(user=citizen).accepted["evaluation"] == []


def test_bad_preferences_are_refused():
    citizen = make_user("an")
    with pytest.raises(PreferenceInvalid):
        preference_set(user=citizen, accepted={"no_such_group": ["email"]})
    with pytest.raises(PreferenceInvalid):
        preference_set(user=citizen, accepted={"dossier": ["fax"]})
    with pytest.raises(PreferenceInvalid):
        preference_set(user=citizen, accepted={}, language="fr")


# -- the back-office pages -------------------------------------------------------------------------------


def urls():
    return [
        reverse("backoffice:notif_templates"),
        reverse("backoffice:notif_template_edit", args=["dossier.received", "email", "vi"]),
        reverse("backoffice:notif_deliveries"),
        reverse("backoffice:notif_preferences"),
    ]


def test_only_the_province_administrator_gets_in(client, people):
    for who in ("officer", "leader", "auditor"):
        client.force_login(people[who])
        for url in urls():
            assert client.get(url).status_code == 403, (who, url)
    client.force_login(people["admin"])
    for url in urls():
        assert client.get(url).status_code == 200, url
    client.logout()
    assert client.get(urls()[0]).status_code == 302


def test_edit_page_refuses_unknown_placeholders_then_saves_and_resets(client, people):
    client.force_login(people["admin"])
    url = reverse("backoffice:notif_template_edit", args=["dossier.received", "email", "vi"])
    page = client.get(url)
    assert (
        "Đang dùng mẫu mặc định" in page.content.decode() and "{{ procedure_name }}" in page.content.decode()
    )
    bad = client.post(
        url, {"action": "save", "subject": "HS {{ code }}", "body": "{{ ho_ten_day_du }} <b>x</b>"}
    )
    assert bad.status_code == 422
    html = bad.content.decode()
    assert "{{ ho_ten_day_du }}" in html and "không thuộc chủ đề" in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html  # the input is shown back, escaped
    assert not NotificationTemplate.objects.exists()
    preview = client.post(
        url, {"action": "preview", "subject": "HS {{ code }}", "body": "Hẹn {{ due_at_text }}"}
    )
    assert preview.status_code == 200 and "HS H56.40-260302-0001" in preview.content.decode()
    assert not NotificationTemplate.objects.exists()
    saved = client.post(url, {"action": "save", "subject": "HS {{ code }}", "body": "Hẹn {{ due_at_text }}"})
    assert saved.status_code == 302
    assert NotificationTemplate.objects.get().subject == "HS {{ code }}"
    listing = client.get(reverse("backoffice:notif_templates")).content.decode()
    assert "mẫu riêng" in listing
    assert client.post(url, {"action": "reset"}).status_code == 302
    assert not NotificationTemplate.objects.exists()


def test_delivery_log_filters_and_masks_contacts(client, people):
    citizen = make_user("an", email="an.nguyen@example.vn", phone=PHONE)
    notify(topic="dossier.received", recipient=citizen, context=received_context())
    client.force_login(people["admin"])
    url = reverse("backoffice:notif_deliveries")
    html = client.get(url).content.decode()
    assert "*******678" in html and "a***@example.vn" in html
    assert "912345678" not in html and "an.nguyen@" not in html
    sms_only = client.get(url, {"channel": "sms"}).content.decode()
    assert "*******678" in sms_only and "a***@example.vn" not in sms_only
    assert "Không có lượt gửi nào" in client.get(url, {"topic": "dossier.refused"}).content.decode()


def test_admin_sets_a_users_preferences_and_staff_set_their_own(client, people):
    citizen = make_user("an", email="an@example.vn", phone=PHONE)
    client.force_login(people["admin"])
    url = reverse("backoffice:notif_preferences")
    assert f"?user={citizen.pk}" in client.get(url, {"q": "Nguyễn Văn An"}).content.decode()
    assert "Không tìm thấy" in client.get(url, {"q": "không có ai"}).content.decode()
    response = client.post(f"{url}?user={citizen.pk}", {"group_dossier": ["email"], "language": "vi"})
    assert response.status_code == 302
    view = preference_get(user=citizen)
    assert view.accepted["dossier"] == ["email"] and view.accepted["evaluation"] == []
    n = notify(topic="dossier.received", recipient=citizen, context=received_context())
    assert Channel.SMS not in n.deliveries.values_list("channel", flat=True)
    client.force_login(people["specialist"])
    mine = reverse("backoffice:notif_my_preferences")
    assert client.get(mine).status_code == 200
    assert client.post(mine, {"group_reminder": ["email", "sms"], "language": "en"}).status_code == 302
    assert preference_get(user=people["specialist"]).language == "en"
    assert client.post(mine, {"language": "xx"}).status_code == 422
