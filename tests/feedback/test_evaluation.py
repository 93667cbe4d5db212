"""Evaluation rules: returned only, applicant only, once, edit window, signed links; audit rows."""

import pytest

from motcua.core.models import AuditEvent
from motcua.feedback.errors import EvaluationNotAllowed, InvalidFeedbackInput
from motcua.feedback.models import Evaluation, EvaluationChannel
from motcua.feedback.services import evaluation_edit, evaluation_give, evaluation_link_issue
from motcua.feedback.targets import evaluation_targets

from .conftest import journey

pytestmark = pytest.mark.django_db


def test_give_with_likes_and_dislikes(people, returned):
    targets = evaluation_targets(returned)
    units = [t for t in targets if t.officer_id is None]
    officers = {t.officer_id: t for t in targets if t.officer_id is not None}
    assert {t.label for t in units} >= {"Sở Nông nghiệp và Môi trường"}
    assert people["specialist"].pk in officers and people["tax"].pk in officers
    spec = officers[people["specialist"].pk]
    ev = evaluation_give(
        dossier=returned, actor=people["citizen"], satisfaction="satisfied", comment="  Nhanh  ",
        votes={units[0].key: "like", spec.key: "dislike"},
    )  # fmt: skip
    assert (ev.channel, ev.comment, ev.given_by) == (EvaluationChannel.PORTAL, "Nhanh", people["citizen"])
    assert set(ev.votes.values_list("officer_id", "vote")) == {
        (None, "like"),
        (people["specialist"].pk, "dislike"),
    }
    assert ev.criteria["c1"] == 2 and ev.criteria_total == sum(
        v for v in ev.criteria.values() if v is not None
    )
    assert AuditEvent.objects.filter(action="evaluation.give", object_id=str(ev.pk)).exists()


def test_not_returned(people, version, clock):
    d = journey(people, version, clock, stop_before_return=True)
    with pytest.raises(EvaluationNotAllowed) as info:
        evaluation_give(dossier=d, actor=people["citizen"], satisfaction="satisfied")
    assert info.value.code == "not_returned"
    assert "Chỉ đánh giá được hồ sơ đã trả kết quả" in info.value.message
    assert not Evaluation.objects.exists()


def test_another_citizen_is_refused(people, returned):
    with pytest.raises(EvaluationNotAllowed) as info:
        evaluation_give(dossier=returned, actor=people["citizen2"], satisfaction="dissatisfied")
    assert info.value.code == "not_applicant"
    assert not Evaluation.objects.exists()


def test_second_evaluation_is_refused(people, returned):
    evaluation_give(dossier=returned, actor=people["citizen"], satisfaction="very_satisfied")
    with pytest.raises(EvaluationNotAllowed) as info:
        evaluation_give(dossier=returned, actor=people["citizen"], satisfaction="dissatisfied")
    assert info.value.code == "already_given"
    assert Evaluation.objects.get().satisfaction == "very_satisfied"


def test_bad_input_stores_nothing(people, returned, settings):
    settings.MOTCUA_EVALUATION_COMMENT_MAX = 10
    for kwargs, code in [
        ({"satisfaction": "meh"}, "satisfaction_invalid"),
        ({"satisfaction": "satisfied", "comment": "x" * 11}, "comment_too_long"),
        ({"satisfaction": "satisfied", "votes": {"u999999": "like"}}, "vote_invalid"),
        ({"satisfaction": "satisfied", "votes": {f"u{returned.resolving_unit_id}": "love"}}, "vote_invalid"),
    ]:
        with pytest.raises(InvalidFeedbackInput) as info:
            evaluation_give(dossier=returned, actor=people["citizen"], **kwargs)
        assert info.value.code == code
    assert not Evaluation.objects.exists()


def test_edit_within_the_window_only(people, returned, clock, settings):
    settings.MOTCUA_EVALUATION_EDIT_HOURS = 72
    ev = evaluation_give(dossier=returned, actor=people["citizen"], satisfaction="dissatisfied")
    clock.shift(hours=71)
    unit_key = f"u{returned.resolving_unit_id}"
    ev = evaluation_edit(
        dossier=returned, actor=people["citizen"], satisfaction="satisfied", votes={unit_key: "like"}
    )
    assert ev.satisfaction == "satisfied" and ev.edited_at is not None and ev.votes.count() == 1
    with pytest.raises(EvaluationNotAllowed) as info:
        evaluation_edit(dossier=returned, actor=people["citizen2"], satisfaction="dissatisfied")
    assert info.value.code == "not_applicant"
    clock.shift(hours=2)
    with pytest.raises(EvaluationNotAllowed) as info:
        evaluation_edit(dossier=returned, actor=people["citizen"], satisfaction="dissatisfied")
    assert info.value.code == "edit_window_closed"
    assert Evaluation.objects.get().satisfaction == "satisfied"
    assert AuditEvent.objects.filter(action="evaluation.edit").count() == 1


def test_signed_link_gives_once_without_login(people, returned, clock):
    token = evaluation_link_issue(dossier=returned, channel="kiosk", actor=people["officer"])
    with pytest.raises(EvaluationNotAllowed) as info:
        evaluation_give(token=token[:-2] + "xx", satisfaction="satisfied")
    assert info.value.code == "link_invalid"
    ev = evaluation_give(token=token, satisfaction="very_satisfied")
    assert ev.channel == "kiosk" and ev.given_by is None and ev.link_nonce
    with pytest.raises(EvaluationNotAllowed) as info:
        evaluation_give(token=token, satisfaction="dissatisfied")
    assert info.value.code == "already_given"
    with pytest.raises(EvaluationNotAllowed):
        evaluation_link_issue(dossier=returned, channel="link")


def test_link_expires_and_names_one_dossier(people, version, clock, settings):
    settings.MOTCUA_EVALUATION_LINK_DAYS = 30
    d = journey(people, version, clock)
    token = evaluation_link_issue(dossier=d, channel="link")
    other = journey(people, version, clock)
    with pytest.raises(EvaluationNotAllowed) as info:
        evaluation_give(dossier=other, token=token, satisfaction="satisfied")
    assert info.value.code == "link_invalid"
    clock.shift(days=31)
    with pytest.raises(EvaluationNotAllowed) as info:
        evaluation_give(token=token, satisfaction="satisfied")
    assert info.value.code == "link_expired"
    assert not Evaluation.objects.exists()


def test_link_only_for_returned_dossiers(people, version, clock):
    d = journey(people, version, clock, stop_before_return=True)
    with pytest.raises(EvaluationNotAllowed):
        evaluation_link_issue(dossier=d)


def test_edit_window_setting_is_read(people, returned, clock, settings):
    settings.MOTCUA_EVALUATION_EDIT_HOURS = 1
    evaluation_give(dossier=returned, actor=people["citizen"], satisfaction="satisfied")
    clock.shift(minutes=61)
    with pytest.raises(EvaluationNotAllowed):
        evaluation_edit(dossier=returned, actor=people["citizen"], satisfaction="dissatisfied")
