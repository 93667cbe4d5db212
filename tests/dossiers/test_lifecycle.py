"""The main journey and each rule of the transition table, through the services."""

import pytest
from django.core.files.base import ContentFile

from motcua.dossiers import services as s
from motcua.dossiers.errors import ActionNotAllowed, ConcurrentChange, InvalidDossierInput, InvalidTransition
from motcua.dossiers.events import dossier_history_verify
from motcua.dossiers.models import ComponentOrigin, DossierEvent, DossierStep
from motcua.dossiers.services.intake import CounterApplicant
from motcua.dossiers.status import DossierStatus
from motcua.org.models import OrgUnit

from .conftest import vn

pytestmark = pytest.mark.django_db


def centre():
    return OrgUnit.objects.get(code="H56.40")


def upload_all(dossier):
    for component in dossier.components.filter(required=True):
        component.file.save(f"c{component.position}.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
        component.origin = ComponentOrigin.UPLOAD
        component.save()


def online_dossier(people, version, clock, at=None):
    clock(at or vn(2026, 3, 2, 9, 0))  # Monday
    d = s.dossier_create_draft(
        applicant=people["citizen"], procedure_version=version, receiving_point=centre()
    )
    upload_all(d)
    return s.dossier_submit(dossier=d, applicant=people["citizen"])


def received(people, version, clock, at=None):
    d = online_dossier(people, version, clock, at)
    clock.shift(hours=1)
    return s.dossier_receive(dossier=d, officer=people["officer"], checked_component_ids=ids(d))


def ids(d):
    return list(d.components.values_list("pk", flat=True))


def test_full_journey_across_two_agencies(people, version, clock):
    d = online_dossier(people, version, clock)
    assert d.status == DossierStatus.AWAITING_INTAKE
    assert d.code.startswith("H56.40-260302-")
    clock(vn(2026, 3, 2, 10, 0))
    d = s.dossier_receive(dossier=d, officer=people["officer"], checked_component_ids=ids(d))
    assert d.status == DossierStatus.RECEIVED
    # 5 working days after Monday 2 March: Monday 9 March, end of the working day.
    assert d.due_at == vn(2026, 3, 9, 17, 0)
    clock(vn(2026, 3, 2, 10, 30))
    d = s.dossier_route(dossier=d, officer=people["officer"])
    step = d.steps.get(finished_at__isnull=True)
    assert (step.step_code, step.unit.code, d.status) == ("TD", "H56.19", DossierStatus.PROCESSING)
    clock(vn(2026, 3, 3, 9, 0))
    d = s.dossier_forward(dossier=d, actor=people["specialist"], to_step="LT")
    tax_step = d.steps.get(finished_at__isnull=True)
    assert tax_step.inter_agency and tax_step.unit.code == "H56.52"
    assert d.events.order_by("-seq").first().action == "hand_over"
    # The tax office works it in its own queue and hands it back.
    clock(vn(2026, 3, 4, 9, 0))
    d = s.dossier_forward(dossier=d, actor=people["tax"], to_step="PD")
    assert d.events.order_by("-seq").first().action == "hand_back"
    clock(vn(2026, 3, 4, 14, 0))
    d = s.dossier_forward(dossier=d, actor=people["head"], to_step="KY")
    clock(vn(2026, 3, 5, 9, 0))
    d = s.dossier_decide(dossier=d, actor=people["leader"], decision="approved")
    assert d.status == DossierStatus.RESULT_READY
    assert d.outcome == "early"
    assert d.steps.get(finished_at__isnull=True).step_code == "TKQ"
    clock(vn(2026, 3, 5, 15, 0))
    d = s.dossier_return_result(dossier=d, officer=people["officer"], method="counter")
    assert d.status == DossierStatus.RETURNED
    assert not d.steps.filter(finished_at__isnull=True).exists()
    actions = list(d.events.order_by("seq").values_list("action", flat=True))
    assert actions == [
        "submit",
        "receive",
        "route",
        "hand_over",
        "hand_back",
        "forward",
        "decide",
        "return_result",
    ]
    assert dossier_history_verify() is None
    outcomes = dict(d.steps.values_list("step_code", "outcome"))
    assert outcomes["LT"] == "on_time"  # started Tue 09:00, 1 working day: due Wed end; finished Wed 09:00
    assert outcomes["TD"] == "early"  # Mon 10:30 + 2 working days = Wed 17:00; finished Tuesday


def test_routing_after_15h_starts_the_step_next_working_day(people, version, clock):
    d = received(people, version, clock, at=vn(2026, 3, 6, 14, 0))  # Friday
    clock(vn(2026, 3, 6, 15, 30))
    d = s.dossier_route(dossier=d, officer=people["officer"])
    step = d.steps.get(finished_at__isnull=True)
    assert step.started_at == vn(2026, 3, 9, 7, 0)  # Monday morning
    assert step.due_at == vn(2026, 3, 11, 17, 0)  # 2 working days after Monday (the start day is not counted)


def test_counter_intake_at_a_commune_for_a_provincial_procedure(people, version, clock):
    clock(vn(2026, 3, 2, 8, 0))
    commune = OrgUnit.objects.get(code=people["commune_officer"].memberships.get().org_unit.code)
    d = s.dossier_receive_at_counter(
        officer=people["commune_officer"],
        receiving_point=commune,
        procedure_version=version,
        applicant=CounterApplicant(
            kind="citizen", name="Trịnh Văn An", personal_id="038090012345", phone="0912 000 111"
        ),
        provided_positions=[1, 2],
    )
    assert d.status == DossierStatus.RECEIVED
    assert d.receiving_point == commune and d.resolving_unit.code == "H56.19"
    assert d.code.startswith(commune.code + "-260302-0001")
    assert d.applicant_phone == "+84912000111"
    assert d.components.filter(origin=ComponentOrigin.PAPER).count() == 2


def test_counter_intake_refuses_bad_input_and_saves_nothing(people, version, clock):
    clock(vn(2026, 3, 2, 8, 0))
    before = (DossierEvent.objects.count(), DossierStep.objects.count())
    for applicant, positions in [
        (CounterApplicant(kind="citizen", name="X", personal_id="123"), [1, 2]),
        (CounterApplicant(kind="citizen", name="X", personal_id="038090012345", phone="12"), [1, 2]),
        (CounterApplicant(kind="citizen", name="X", personal_id="038090012345"), [1]),  # component 2 missing
        (CounterApplicant(kind="citizen", name="  ", personal_id="038090012345"), [1, 2]),
    ]:
        with pytest.raises(InvalidDossierInput):
            s.dossier_receive_at_counter(officer=people["officer"], receiving_point=centre(), procedure_version=version,
                                         applicant=applicant, provided_positions=positions)  # fmt: skip
    from motcua.dossiers.models import Dossier

    assert Dossier.objects.count() == 0
    assert (DossierEvent.objects.count(), DossierStep.objects.count()) == before


def test_submit_needs_every_required_component(people, version, clock):
    clock(vn(2026, 3, 2, 9, 0))
    d = s.dossier_create_draft(
        applicant=people["citizen"], procedure_version=version, receiving_point=centre()
    )
    with pytest.raises(InvalidDossierInput) as info:
        s.dossier_submit(dossier=d, applicant=people["citizen"])
    assert info.value.code == "components_missing"
    d.refresh_from_db()
    assert d.status == DossierStatus.DRAFT and d.code is None


def test_refusal_needs_a_reason(people, version, clock):
    d = online_dossier(people, version, clock)
    with pytest.raises(InvalidDossierInput):
        s.dossier_refuse(dossier=d, officer=people["officer"], reason=" ")
    d = s.dossier_refuse(dossier=d, officer=people["officer"], reason="Hồ sơ không thuộc thẩm quyền")
    assert d.status == DossierStatus.REFUSED
    with pytest.raises(InvalidTransition):
        s.dossier_receive(dossier=d, officer=people["officer"], checked_component_ids=ids(d))


def test_supplement_once_pauses_the_clock(people, version, clock):
    d = received(people, version, clock)
    clock(vn(2026, 3, 2, 11, 0))
    d = s.dossier_route(dossier=d, officer=people["officer"])
    due_before = d.due_at
    clock(vn(2026, 3, 3, 9, 0))  # Tuesday
    d = s.dossier_request_supplement(dossier=d, actor=people["specialist"], reason="Thiếu sơ đồ",
                                     items=["Sơ đồ khu vực khai thác có xác nhận"])  # fmt: skip
    assert d.status == DossierStatus.AWAITING_SUPPLEMENT
    clock(vn(2026, 3, 5, 9, 0))  # Thursday: two working days later
    d = s.dossier_supplement(dossier=d, actor=people["citizen"])
    assert d.status == DossierStatus.PROCESSING
    assert d.due_at == vn(2026, 3, 11, 17, 0)  # moved by exactly two working days
    assert d.due_at > due_before
    with pytest.raises(InvalidDossierInput) as info:
        s.dossier_request_supplement(dossier=d, actor=people["specialist"], reason="Lần hai", items=["x"])
    assert info.value.code == "supplement_once"


def test_supplement_expires_after_15_working_days(people, version, clock):
    d = received(people, version, clock)
    d = s.dossier_request_supplement(
        dossier=d, actor=people["officer"], reason="Thiếu", items=["Đơn có chữ ký"]
    )
    clock(vn(2026, 3, 20, 17, 0))  # 14 working days later: still waiting
    assert s.dossier_close_expired_supplements() == []
    clock(vn(2026, 3, 24, 8, 0))
    assert s.dossier_close_expired_supplements() == [d.code]
    assert s.dossier_close_expired_supplements() == []
    d.refresh_from_db()
    assert d.status == DossierStatus.CLOSED
    assert dossier_history_verify() is None


def test_apology_once_and_not_later_than_a_day_before(people, version, clock):
    d = received(people, version, clock)
    d = s.dossier_route(dossier=d, officer=people["officer"])
    clock(vn(2026, 3, 9, 8, 0))  # the due day itself (Monday 9 March): too late
    with pytest.raises(InvalidDossierInput) as info:
        s.dossier_apologise(
            dossier=d, actor=people["leader"], reason="Chờ xác minh", new_due_at=vn(2026, 3, 13, 17, 0)
        )
    assert info.value.code == "apology_too_late"
    clock(vn(2026, 3, 6, 10, 0))
    with pytest.raises(ActionNotAllowed):
        s.dossier_apologise(
            dossier=d, actor=people["specialist"], reason="x", new_due_at=vn(2026, 3, 13, 17, 0)
        )
    d = s.dossier_apologise(
        dossier=d, actor=people["leader"], reason="Chờ xác minh", new_due_at=vn(2026, 3, 13, 17, 0)
    )
    assert d.due_at == vn(2026, 3, 13, 17, 0) and d.original_due_at == vn(2026, 3, 9, 17, 0)
    with pytest.raises(InvalidDossierInput) as info:
        s.dossier_apologise(
            dossier=d, actor=people["leader"], reason="Lần hai", new_due_at=vn(2026, 3, 20, 17, 0)
        )
    assert info.value.code == "apology_once"


def test_withdraw_before_decision_only(people, version, clock):
    d = received(people, version, clock)
    d = s.dossier_withdraw(dossier=d, actor=people["citizen"], reason="Không còn nhu cầu")
    assert d.status == DossierStatus.STOPPED
    d2 = received(people, version, clock, at=vn(2026, 3, 3, 9, 0))
    d2 = s.dossier_route(dossier=d2, officer=people["officer"])
    d2 = s.dossier_forward(dossier=d2, actor=people["specialist"], to_step="LT")
    d2 = s.dossier_forward(dossier=d2, actor=people["tax"], to_step="PD")
    d2 = s.dossier_forward(dossier=d2, actor=people["head"], to_step="KY")
    d2 = s.dossier_decide(
        dossier=d2, actor=people["leader"], decision="not_eligible", note="Khu vực cấm khai thác"
    )
    with pytest.raises(InvalidTransition):
        s.dossier_withdraw(dossier=d2, actor=people["citizen"], reason="Thôi")


def test_suspend_and_resume_exclude_the_time(people, version, clock):
    d = received(people, version, clock)
    d = s.dossier_route(dossier=d, officer=people["officer"])
    clock(vn(2026, 3, 3, 9, 0))
    with pytest.raises(InvalidDossierInput):
        s.dossier_suspend(dossier=d, actor=people["specialist"], reason="Xác minh", legal_basis="")
    d = s.dossier_suspend(
        dossier=d, actor=people["specialist"], reason="Xác minh thực địa", legal_basis="Điều 10 NĐ 54/2024"
    )
    clock(vn(2026, 3, 4, 9, 0))  # one working day later
    d = s.dossier_resume(dossier=d, actor=people["leader"])
    assert d.status == DossierStatus.PROCESSING
    assert d.due_at == vn(2026, 3, 10, 17, 0)


def test_decision_only_from_the_signing_step(people, version, clock):
    d = received(people, version, clock)
    d = s.dossier_route(dossier=d, officer=people["officer"])
    with pytest.raises(ActionNotAllowed):
        s.dossier_decide(dossier=d, actor=people["specialist"], decision="approved")
    with pytest.raises(InvalidDossierInput):
        s.dossier_decide(dossier=d, actor=people["specialist"], decision="not_eligible", note="")


def test_send_back_to_a_visited_step(people, version, clock):
    d = received(people, version, clock)
    d = s.dossier_route(dossier=d, officer=people["officer"])
    d = s.dossier_forward(dossier=d, actor=people["specialist"], to_step="LT")
    d = s.dossier_forward(dossier=d, actor=people["tax"], to_step="PD")
    with pytest.raises(InvalidDossierInput):
        s.dossier_send_back(dossier=d, actor=people["head"], to_step="KY", note="x")
    d = s.dossier_send_back(dossier=d, actor=people["head"], to_step="TD", note="Bổ sung ý kiến thẩm định")
    assert d.steps.get(finished_at__isnull=True).step_code == "TD"


def test_wrong_unit_and_wrong_role_are_refused(people, version, clock):
    d = received(people, version, clock)
    with pytest.raises(ActionNotAllowed):
        s.dossier_route(dossier=d, officer=people["specialist"])  # not a one-stop officer of H56.40
    d = s.dossier_route(dossier=d, officer=people["officer"])
    with pytest.raises(ActionNotAllowed):
        s.dossier_forward(dossier=d, actor=people["tax"], to_step="LT")  # tax office does not hold TD
    with pytest.raises(ActionNotAllowed):
        s.dossier_forward(dossier=d, actor=people["auditor"], to_step="LT")
    with pytest.raises(ActionNotAllowed):
        s.dossier_forward(dossier=d, actor=people["citizen"], to_step="LT")


def test_stale_version_is_refused(people, version, clock):
    d = received(people, version, clock)
    stale = d.lock_version
    s.dossier_route(dossier=d, officer=people["officer"], expected_version=stale)
    with pytest.raises(ConcurrentChange):
        s.dossier_request_supplement(dossier=d, actor=people["specialist"], reason="x", items=["y"],
                                     expected_version=stale)  # fmt: skip


def test_assign_within_the_unit_only(people, version, clock):
    d = received(people, version, clock)
    d = s.dossier_route(dossier=d, officer=people["officer"])
    with pytest.raises(InvalidDossierInput):
        s.dossier_assign(dossier=d, actor=people["head"], assignee=people["tax"])
    d = s.dossier_assign(dossier=d, actor=people["head"], assignee=people["specialist"])
    assert d.steps.get(finished_at__isnull=True).assignee == people["specialist"]
    with pytest.raises(ActionNotAllowed):
        s.dossier_assign(dossier=d, actor=people["specialist"], assignee=people["specialist"])


def test_codes_are_sequential_per_point_and_day(people, version, clock):
    codes = [online_dossier(people, version, clock, at=vn(2026, 3, 2, 9, m)).code for m in range(3)]
    assert codes == ["H56.40-260302-0001", "H56.40-260302-0002", "H56.40-260302-0003"]
    assert online_dossier(people, version, clock, at=vn(2026, 3, 3, 9, 0)).code == "H56.40-260303-0001"


def test_history_rows_cannot_be_edited(people, version, clock):
    from django.db import DatabaseError, connection, transaction

    d = received(people, version, clock)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE dossiers_dossierevent SET note = 'sửa' WHERE dossier_id = %s", [d.pk])
    assert dossier_history_verify() is None


def test_commands_close_expired_and_verify_history(people, version, clock, capsys):
    from django.core.management import CommandError, call_command
    from django.db import connection

    d = received(people, version, clock)
    s.dossier_request_supplement(dossier=d, actor=people["officer"], reason="Thiếu", items=["Đơn có chữ ký"])
    clock(vn(2026, 4, 1, 8, 0))
    call_command("close_expired_supplements")
    assert d.code in capsys.readouterr().out
    call_command("verify_dossier_history")
    assert "intact" in capsys.readouterr().out
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks before ALTER TABLE
            cursor.execute("ALTER TABLE dossiers_dossierevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER dossiers_dossierevent_no_update")
        cursor.execute(
            "UPDATE dossiers_dossierevent SET note = 'sửa' WHERE dossier_id = %s AND seq = 2", [d.pk]
        )
    with pytest.raises(CommandError, match="seq=2"):
        call_command("verify_dossier_history")


def test_one_dossier_visibility_agrees_with_the_list_rule(people, version, clock):
    """``dossier_get_for_user`` (key, then rule) and ``dossier_visible_queryset`` (the lists) never disagree."""
    from motcua.dossiers.access import dossier_visible_queryset, dossier_visible_to
    from motcua.dossiers.models import Dossier

    draft = s.dossier_create_draft(
        applicant=people["citizen"], procedure_version=version, receiving_point=centre()
    )
    routed = s.dossier_route(dossier=received(people, version, clock), officer=people["officer"])
    at_tax = s.dossier_forward(dossier=routed, actor=people["specialist"], to_step="LT")
    commune = received(people, version, clock, at=vn(2026, 3, 3, 9, 0))
    checked = 0
    for user in people.values():
        listed = set(dossier_visible_queryset(user).values_list("pk", flat=True))
        for dossier in Dossier.objects.filter(pk__in=[draft.pk, at_tax.pk, commune.pk]):
            assert dossier_visible_to(user, dossier) == (dossier.pk in listed), (user.username, dossier.code)
            checked += 1
    assert checked == len(people) * 3
    assert dossier_visible_to(people["tax"], Dossier.objects.get(pk=at_tax.pk))
    assert not dossier_visible_to(people["commune_officer"], Dossier.objects.get(pk=at_tax.pk))
