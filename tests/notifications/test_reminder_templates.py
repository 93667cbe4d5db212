"""The invitation and reminder topics render on every channel; SMS texts are short GSM-7."""

import datetime as dt

import pytest

from motcua.notifications.render import render
from motcua.notifications.templating import sample_context
from motcua.notifications.text import GSM_BASIC
from motcua.notifications.topics import TOPICS

NEW_TOPICS = sorted(key for key in TOPICS if not key.startswith("dossier."))


@pytest.mark.parametrize("key", NEW_TOPICS)
@pytest.mark.parametrize("full", [True, False], ids=["full", "required-only"])
def test_renders_on_every_channel(key, full):
    topic = TOPICS[key]
    context = sample_context(topic)
    if not full:
        context = {k: context[k] for k in topic.required}
    rendered = render(topic, context, recipient_name="Trần Thị Bình")
    code = context["code"]
    assert code in rendered.subject and code in rendered.summary and code in rendered.sms_text
    assert rendered.body.startswith("Kính gửi Trần Thị Bình,\n\n")
    assert "\n\n\n" not in rendered.body
    for text in (rendered.subject, rendered.body, rendered.summary, rendered.sms_text):
        assert "None" not in text and "{" not in text and "«" not in text
    assert len(rendered.sms_text) <= 160 and set(rendered.sms_text) <= GSM_BASIC


def test_overdue_wording_and_apology_deadline():
    due = dt.datetime(2026, 3, 4, 3, 0, tzinfo=dt.UTC)  # 10:00 in Hanoi
    base = {"code": "H56-1", "procedure_name": "P", "step_name": "Thẩm định", "due_at": due}
    assert "sắp đến hạn" in render(TOPICS["reminder.step_due"], base).subject
    late = render(TOPICS["reminder.step_due"], {**base, "overdue": True})
    assert "đã đến hạn" in late.subject and "đã qua" in late.body
    apology = render(
        TOPICS["reminder.apology_needed"],
        {"code": "H56-1", "procedure_name": "P", "due_at": due, "apology_deadline": dt.date(2026, 3, 3)},
    )
    assert "chậm nhất ngày 03/03/2026" in apology.body
