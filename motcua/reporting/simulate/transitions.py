"""The transitions of one dossier, each writing what its service would write (``services.intake``,
``services.processing``, ``services.steps``, ``services.supplement``, ``services.suspension``,
``services.withdraw``, ``services.decision``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from motcua.calendar.engine.deadlines import classify, deemed_receipt, due_moment
from motcua.catalogue.spec import StepSpec
from motcua.dossiers.models import Channel, ComponentOrigin, Decision, FeeStatus, HandoverMode, PauseKind
from motcua.dossiers.procedure import SUPPLEMENT_WAIT_DAYS
from motcua.dossiers.status import DossierAction as A
from motcua.dossiers.status import DossierStatus as S

from .reference import (
    APPROVED_NOTE,
    NOT_ELIGIBLE_NOTES,
    REFUSE_REASONS,
    SEND_BACK_NOTES,
    SUPPLEMENT_REASONS,
    SUSPEND_BASIS,
    SUSPEND_REASONS,
    WITHDRAW_REASONS,
)
from .replay import _Replay, _utc_iso
from .world import _Actor

#: Share of online applicants who pay the fee online (the rest pay at the counter when they collect).
ONLINE_PAYMENT_SHARE = 0.8


class _Transitions(_Replay):
    """The services' transitions, each changing the rows as the service does and recording its event."""

    def submit(self, at: dt.datetime) -> None:
        d = self.d
        self._at(at)
        d.submitted_at = at
        d.code = self.w.next_code(self.a.point, at)
        self._record(
            at, A.SUBMIT, self._applicant(), to_status=S.AWAITING_INTAKE, unit_code=self.a.point.code
        )

    def _start_clock(self, at: dt.datetime, officer: _Actor) -> str:
        d, plan = self.d, self.plan
        d.received_at = at
        d.deemed_received_at = deemed_receipt(self.rcal, at, cutoff=plan.deemed_cutoff)
        d.due_at = d.original_due_at = due_moment(self.rcal, at, plan.limit, cutoff=plan.due_cutoff,
                                                  restart=plan.restart)  # fmt: skip
        if d.code is None:
            d.code = self.w.next_code(self.a.point, at)
        if d.fee_status == FeeStatus.UNPAID:
            d.fee_status = FeeStatus.PAID
        intake = self.a.path.intake
        if intake is None:
            return ""
        step = self._open_step(intake, at=at, by=None)
        step.assignee_id = officer.pk
        return step.step_code

    def receive(self, at: dt.datetime) -> None:
        """``dossier_receive`` (online) or ``dossier_receive_at_counter``."""
        d = self.d
        self._at(at)
        officer = self._officer(self.a.point, "one_stop_officer", at)
        for c in self.components:
            c.checked = bool(c.origin)
        summary = self._component_summary()
        data: dict[str, Any]
        if d.channel == Channel.ONLINE:
            to_step = self._start_clock(at, officer)
            assert d.due_at is not None  # noqa: S101
            data = {"due_at": d.due_at.isoformat(), "components": summary}
        else:
            d.submitted_at = at
            d.code = self.w.next_code(self.a.point, at)
            to_step = self._start_clock(at, officer)
            assert d.due_at is not None  # noqa: S101
            data = {"channel": d.channel, "due_at": d.due_at.isoformat(), "components": summary}
            for c in self.components:  # scanned after intake (``dossier_component_attach`` by the officer)
                if c.origin == ComponentOrigin.PAPER and self.rng.random() < self.scan_share:
                    c.origin, c.digitised, c.page_count = (
                        ComponentOrigin.COUNTER_SCAN,
                        True,
                        self.rng.randint(1, 8),
                    )
                    c.digitised_at = at + dt.timedelta(seconds=1)
        self._record(at, A.RECEIVE, officer, to_status=S.RECEIVED, to_step=to_step,
                     unit_code=self.a.point.code, data=data)  # fmt: skip
        if self.plan.fee:  # ``dossier_fee_paid``: online through the gateway, or at the counter
            online = d.channel == Channel.ONLINE and self.rng.random() < ONLINE_PAYMENT_SHARE
            amount = sum(int(f.amount) for f in self.plan.spec.fees)
            self._record(at, A.FEE_PAID, self._applicant() if online else officer, unit_code=self.a.point.code,
                         data={"amount": amount, "channel": "vnpay" if online else "counter",
                               "online": online})  # fmt: skip

    def refuse(self, at: dt.datetime) -> None:
        d = self.d
        self._at(at)
        d.closing_reason = self.rng.choice(REFUSE_REASONS)
        d.finished_at = at
        officer = self._officer(self.a.point, "one_stop_officer", at)
        self._record(
            at, A.REFUSE, officer, to_status=S.REFUSED, unit_code=self.a.point.code, note=d.closing_reason
        )

    def route(self, at: dt.datetime, target: StepSpec, *, paper: bool) -> None:
        self._at(at)
        officer = self._officer(self.a.point, "one_stop_officer", at)
        from_step = ""
        if self.open is not None:
            from_step = self._close_step(at, officer).step_code
        mode = HandoverMode.PAPER if paper else HandoverMode.ELECTRONIC
        step = self._open_step(target, at=at, by=officer, mode=mode, routing=True)
        assert step.due_at is not None  # noqa: S101
        self._record(at, A.ROUTE, officer, to_status=S.PROCESSING, from_step=from_step, to_step=step.step_code,
                     unit_code=self._unit_of(target).code,
                     data={"mode": str(mode), "step_due_at": step.due_at.isoformat(),
                           "components": self._component_summary()})  # fmt: skip

    def forward(self, at: dt.datetime, target: StepSpec, *, paper: bool) -> None:
        self._at(at)
        step_unit = self.open_unit
        assert step_unit is not None and self.open is not None  # noqa: S101
        actor = self._officer(step_unit, self.open.role, at)
        was_inter_agency = self.open.inter_agency
        closed = self._close_step(at, actor)
        mode = HandoverMode.PAPER if paper else HandoverMode.ELECTRONIC
        new = self._open_step(target, at=at, by=actor, mode=mode)
        kind = A.FORWARD
        if new.inter_agency and not was_inter_agency:
            kind = A.HAND_OVER
        elif was_inter_agency and not new.inter_agency:
            kind = A.HAND_BACK
        self._record(at, kind, actor, from_step=closed.step_code, to_step=new.step_code,
                     unit_code=self._unit_of(target).code,
                     data={"mode": str(mode), "from_unit": step_unit.code, "outcome": closed.outcome})  # fmt: skip

    def send_back(self, at: dt.datetime, target: StepSpec) -> None:
        self._at(at)
        step_unit = self.open_unit
        assert step_unit is not None and self.open is not None  # noqa: S101
        actor = self._officer(step_unit, self.open.role, at)
        note = self.rng.choice(SEND_BACK_NOTES)
        closed = self._close_step(at, actor, note)
        new = self._open_step(target, at=at, by=actor)
        self._record(at, A.SEND_BACK, actor, from_step=closed.step_code, to_step=new.step_code,
                     unit_code=self._unit_of(target).code, note=note)  # fmt: skip

    def request_supplement(self, at: dt.datetime) -> None:
        d = self.d
        self._at(at)
        step_unit, step = self.open_unit, self.open
        actor = (
            self._officer(step_unit, step.role, at)
            if step_unit and step
            else self._officer(self.a.point, "one_stop_officer", at)
        )
        reason = self.rng.choice(SUPPLEMENT_REASONS)
        required = [c.name for c in self.components if c.required] or [self.components[0].name]
        items = [self.rng.choice(required)]
        self._pause_open(PauseKind.SUPPLEMENT, at, reason, items)
        d.supplement_count += 1
        code = step.step_code if step else ""
        self._record(at, A.REQUEST_SUPPLEMENT, actor, to_status=S.AWAITING_SUPPLEMENT, from_step=code, to_step=code,
                     note=reason, data={"items": items})  # fmt: skip

    def supplement(self, at: dt.datetime) -> None:
        d = self.d
        self._at(at)
        back_to = d.paused_from or S.PROCESSING
        due = self._pause_close(at)
        d.paused_from = ""
        actor = (
            self._applicant()
            if d.channel == Channel.ONLINE
            else self._officer(self.a.point, "one_stop_officer", at)
        )
        self._record(at, A.SUPPLEMENT, actor, to_status=back_to, data={"due_at": due})

    def close(self, at: dt.datetime) -> None:
        """``dossier_close_expired_supplements``, run by the nightly job."""
        d = self.d
        self._at(at)
        due = self._due_after_stop(at)
        d.closing_reason = str(
            _("Quá %(days)s ngày làm việc không nhận được hồ sơ bổ sung.") % {"days": SUPPLEMENT_WAIT_DAYS}
        )
        d.finished_at = at
        self._end_open_step(at)
        # The due moment as the closed pause left it, as ``services.supplement`` writes it.
        self._record(at, A.CLOSE, _Actor(None, "system"), to_status=S.CLOSED, note=d.closing_reason,
                     data={"due_at": due})  # fmt: skip

    def suspend(self, at: dt.datetime) -> None:
        self._at(at)
        step_unit, step = self.open_unit, self.open
        assert step_unit is not None and step is not None  # noqa: S101
        actor = self._officer(step_unit, step.role, at)
        reason = self.rng.choice(SUSPEND_REASONS)
        self._pause_open(PauseKind.SUSPENSION, at, f"{reason} ({SUSPEND_BASIS})")
        self._record(at, A.SUSPEND, actor, to_status=S.SUSPENDED, from_step=step.step_code, note=reason,
                     data={"legal_basis": SUSPEND_BASIS})  # fmt: skip

    def resume(self, at: dt.datetime) -> None:
        d = self.d
        self._at(at)
        step_unit, step = self.open_unit, self.open
        assert step_unit is not None and step is not None  # noqa: S101
        due = self._pause_close(at)
        d.paused_from = ""
        self._record(
            at,
            A.RESUME,
            self._officer(step_unit, step.role, at),
            to_status=S.PROCESSING,
            data={"due_at": due},
        )

    def _due_after_stop(self, at: dt.datetime) -> str | None:
        """A stop or closure ends any pause; the event shows the due moment then (None before the receipt)."""
        due = self._pause_close(at)
        if due is None and self.d.due_at is not None:
            due = _utc_iso(self.d.due_at)
        return due

    def withdraw(self, at: dt.datetime) -> None:
        d = self.d
        self._at(at)
        reason = self.rng.choice(WITHDRAW_REASONS)
        due = self._due_after_stop(at)
        from_step = self._end_open_step(at, note=reason)
        d.closing_reason = reason
        d.finished_at = at
        actor = (
            self._applicant()
            if d.channel == Channel.ONLINE
            else self._officer(self.a.point, "one_stop_officer", at)
        )
        self._record(at, A.WITHDRAW, actor, to_status=S.STOPPED, from_step=from_step, note=reason,
                     data={"due_at": due})  # as ``services.withdraw`` writes it  # fmt: skip

    def decide(self, at: dt.datetime, *, decision: str, e_result: bool) -> None:
        d = self.d
        self._at(at)
        step_unit, step = self.open_unit, self.open
        assert step_unit is not None and step is not None and d.due_at is not None  # noqa: S101
        actor = self._officer(step_unit, step.role, at)
        note = self.rng.choice(NOT_ELIGIBLE_NOTES) if decision == Decision.NOT_ELIGIBLE else APPROVED_NOTE
        closed = self._close_step(at, actor, note)
        d.decision, d.decision_note, d.finished_at = decision, note, at
        d.outcome = str(classify(self.rcal, finished=at, due=d.due_at, day_based=self.plan.day_based))
        to_step = ""
        if self.a.path.ending is not None:
            to_step = self._open_step(self.a.path.ending, at=at, by=actor).step_code
        self._record(at, A.DECIDE, actor, to_status=S.RESULT_READY, from_step=closed.step_code, to_step=to_step,
                     unit_code=step_unit.code, note=note,
                     data={"decision": decision, "outcome": d.outcome, "e_result": False})  # fmt: skip
        if e_result:  # ``dossier_result_issued``: the signed result registered a minute later
            kind = "electronic" if self.spec.result_type == "electronic" else "digitised_paper"
            code = f"KQ-{d.code}"
            self._record(at + dt.timedelta(minutes=1), A.RESULT_ISSUED, actor, unit_code=step_unit.code,
                         note=code, data={"e_result": True, "code": code, "kind": kind})  # fmt: skip

    def return_result(self, at: dt.datetime, method: str) -> None:
        d = self.d
        self._at(at)
        officer = self._officer(self.a.point, "one_stop_officer", at)
        from_step = self._close_step(at, officer).step_code if self.open is not None else ""
        d.returned_at, d.return_method = at, method
        self._record(at, A.RETURN_RESULT, officer, to_status=S.RETURNED, from_step=from_step,
                     unit_code=self.a.point.code, data={"method": method})  # fmt: skip
