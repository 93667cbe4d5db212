"""Every topic renders in Vietnamese on every channel; SMS texts are short, unaccented GSM-7."""

import datetime as dt
from pathlib import Path

import pytest

from motcua.notifications.render import render
from motcua.notifications.text import GSM_BASIC
from motcua.notifications.topics import TOPICS

from .conftest import DUE

TEMPLATES = Path(__file__).resolve().parents[2] / "motcua" / "notifications" / "templates" / "notifications"
LONG_PROCEDURE = (
    "Cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất lần đầu"
)
CODE = "H56-260313-0001"

# The fullest context each topic can get, as the dossier services will pass it.
CONTEXTS = {
    "dossier.received": {
        "code": CODE,
        "procedure_name": LONG_PROCEDURE,
        "due_at": DUE,
        "received_at": DUE - dt.timedelta(days=7),
        "place": "Trung tâm Phục vụ hành chính công tỉnh",
        "status_url": "https://dichvucong.thanhhoa.gov.vn/ho-so/H56-260313-0001/",
    },
    "dossier.supplement_requested": {
        "code": CODE,
        "procedure_name": LONG_PROCEDURE,
        "items": "Bản sao giấy chứng minh nhân dân\n- Sơ đồ thửa đất có xác nhận",
        "deadline": DUE + dt.timedelta(days=20),
        "note": "Sơ đồ phải do đơn vị đo đạc có giấy phép lập.",
    },
    "dossier.apology": {
        "code": CODE,
        "procedure_name": LONG_PROCEDURE,
        "old_due_at": DUE,
        "new_due_at": DUE + dt.timedelta(days=5),
        "reason": "Cần lấy ý kiến Sở Nông nghiệp và Môi trường.",
    },
    "dossier.result_ready": {
        "code": CODE,
        "procedure_name": LONG_PROCEDURE,
        "return_channel": "counter",
        "place": "Bộ phận một cửa UBND phường Hạc Thành",
        "collect_from": DUE,
    },
    "dossier.returned": {
        "code": CODE,
        "procedure_name": LONG_PROCEDURE,
        "returned_at": DUE,
        "return_channel": "counter",
        "feedback_url": "https://dichvucong.thanhhoa.gov.vn/danh-gia/",
    },
    "dossier.refused": {"code": CODE, "procedure_name": LONG_PROCEDURE, "reason": "Không thuộc thẩm quyền."},
    "dossier.stopped": {
        "code": CODE,
        "procedure_name": LONG_PROCEDURE,
        "reason": "Theo đề nghị của người nộp.",
    },
}


# The applicant's dossier topics; the reminder and invitation topics are covered by test_reminder_templates.
APPLICANT_TOPICS = sorted(key for key in TOPICS if key.startswith("dossier."))


def test_every_topic_has_a_context_here_and_all_four_templates():
    assert set(CONTEXTS) == set(APPLICANT_TOPICS)
    for key in TOPICS:
        for part in ("subject", "email", "inapp", "sms"):
            assert (TEMPLATES / key / f"{part}.txt").is_file(), (key, part)


@pytest.mark.parametrize("key", APPLICANT_TOPICS)
@pytest.mark.parametrize("full", [True, False], ids=["full", "required-only"])
def test_renders_on_every_channel(key, full):
    topic = TOPICS[key]
    context = CONTEXTS[key] if full else {k: CONTEXTS[key][k] for k in topic.required}
    rendered = render(topic, context, recipient_name="Trần Thị Bình")

    assert CODE in rendered.subject
    assert "\n" not in rendered.subject
    assert rendered.body.startswith("Kính gửi Trần Thị Bình,\n\n")
    assert LONG_PROCEDURE in rendered.body
    assert "Trân trọng,\nTrung tâm Phục vụ hành chính công tỉnh Thanh Hóa" in rendered.body
    assert "\n\n\n" not in rendered.body
    assert "None" not in rendered.body + rendered.summary + rendered.sms_text
    assert "{" not in rendered.body + rendered.summary + rendered.sms_text
    assert CODE in rendered.summary

    sms = rendered.sms_text
    assert CODE in sms
    assert len(sms) <= 160
    assert set(sms) <= GSM_BASIC
    assert sms == sms.encode("ascii", "ignore").decode()  # no diacritics left
    assert sms.startswith(("Ho so", "Xin loi"))


def test_moments_are_shown_in_province_time():
    rendered = render(TOPICS["dossier.apology"], CONTEXTS["dossier.apology"])
    assert "hẹn trả kết quả vào 08:00 ngày 20/03/2026" in rendered.body  # 01:00 UTC
    assert "08:00 ngày 25/03/2026" in rendered.body
    assert "08:00 ngay 25/03/2026" in rendered.sms_text


def test_dates_without_time():
    rendered = render(
        TOPICS["dossier.supplement_requested"],
        {**CONTEXTS["dossier.supplement_requested"], "deadline": dt.date(2026, 4, 10)},
    )
    assert "Hạn bổ sung: 10/04/2026." in rendered.body
    assert "- Bản sao giấy chứng minh nhân dân\n- Sơ đồ thửa đất có xác nhận\n" in rendered.body


def test_missing_name_gets_a_polite_default():
    rendered = render(TOPICS["dossier.stopped"], {"code": "A", "procedure_name": "P"})
    assert rendered.body.startswith("Kính gửi Ông/Bà,")


@pytest.mark.parametrize(
    ("channel", "expected"),
    [
        ("counter", "Mời ông/bà đến nhận kết quả tại Bộ phận một cửa UBND phường Hạc Thành"),
        ("post", "qua dịch vụ bưu chính công ích"),
        ("online", "đăng nhập Cổng dịch vụ công để nhận kết quả điện tử"),
    ],
)
def test_result_ready_says_where_and_how_to_collect(channel, expected):
    rendered = render(
        TOPICS["dossier.result_ready"], {**CONTEXTS["dossier.result_ready"], "return_channel": channel}
    )
    assert expected in rendered.body


def test_a_long_reason_is_cut_to_one_sms():
    context = {**CONTEXTS["dossier.refused"], "reason": "Thiếu giấy tờ. " * 30}
    sms = render(TOPICS["dossier.refused"], context).sms_text
    assert len(sms) == 160
    assert sms.startswith("Ho so H56-260313-0001 khong duoc tiep nhan. Ly do: Thieu giay to.")
    assert sms.endswith("...")


def test_text_is_not_html_escaped():
    rendered = render(TOPICS["dossier.refused"], {**CONTEXTS["dossier.refused"], "reason": 'Thiếu "A" & <B>'})
    assert 'Lý do: Thiếu "A" & <B>' in rendered.body
