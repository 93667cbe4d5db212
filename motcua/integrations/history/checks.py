"""A line that fits the schema, checked against the rules that span several fields and against the database
(known procedures and units, moments in order, intervals that do not overlap, valid personal IDs and tax
codes), and turned into an ``Entry`` with typed values — or the reason it is rejected."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.calendar.engine.snapshot import TZ
from motcua.core.validators import validate_cccd, validate_mst

from .context import Context, UnitInfo, VersionInfo


class Rejected(Exception):
    """The line is rejected; the message says why."""


@dataclass(slots=True)
class StepIn:
    code: str
    name: str
    unit: UnitInfo
    officer: str
    received_at: dt.datetime
    handed_over_at: dt.datetime | None
    due_at: dt.datetime | None
    mode: str
    inter_agency: bool
    moved_at: dt.datetime  # when the dossier moved into the step (see ``_steps``)


@dataclass(slots=True)
class PauseIn:
    kind: str
    start: dt.datetime
    end: dt.datetime | None
    reason: str
    due_after: dt.datetime | None  # as the source gave it
    due_computed: bool


@dataclass(slots=True)
class PaymentIn:
    amount: int
    channel: str
    online: bool
    at: dt.datetime


@dataclass(slots=True)
class Entry:
    """One checked line: what the builder needs, typed."""

    number: int
    obj: dict[str, Any]
    system: str
    source_id: str
    code: str
    version: VersionInfo
    receiving: UnitInfo
    resolving: UnitInfo
    channel: str
    applicant: dict[str, Any]
    submitted_at: dt.datetime | None
    received_at: dt.datetime | None
    deemed_received_at: dt.datetime | None
    due_at: dt.datetime | None
    due_computed: bool
    pauses: list[PauseIn]
    steps: list[StepIn]
    apology: tuple[dt.datetime, dt.datetime, str] | None
    decision: str
    decision_note: str
    finished_at: dt.datetime | None
    returned_at: dt.datetime | None
    return_method: str
    result: dict[str, Any] | None
    result_issued_at: dt.datetime | None
    components: list[dict[str, Any]]
    fee_amount: int | None
    payments: list[PaymentIn]
    evaluation: dict[str, Any] | None
    evaluation_at: dt.datetime | None
    feedback: list[dict[str, Any]]


def _moment(value: str | None, field: str) -> dt.datetime | None:
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise Rejected(
            _("“%(field)s” = “%(value)s” không phải một ngày giờ có thật") % {"field": field, "value": value}
        ) from None
    if moment.tzinfo is None:  # the schema requires an offset; kept for lines built in code
        raise Rejected(_("“%(field)s” thiếu múi giờ") % {"field": field})
    return moment


def _fmt(moment: dt.datetime) -> str:
    return moment.astimezone(TZ).strftime("%d/%m/%Y %H:%M")


def _order(earlier: dt.datetime | None, later: dt.datetime | None, first: str, second: str) -> None:
    """``first`` must not come after ``second`` (both given)."""
    if earlier is not None and later is not None and later < earlier:
        raise Rejected(
            _("“%(second)s” (%(later)s) trước “%(first)s” (%(earlier)s): thời điểm không theo thứ tự")
            % {"second": second, "later": _fmt(later), "first": first, "earlier": _fmt(earlier)}
        )


def _applicant(applicant: dict[str, Any]) -> None:
    kind, pseudonym = applicant["kind"], applicant.get("pseudonym")
    personal_id, tax_code = applicant.get("personal_id"), applicant.get("tax_code")
    if not pseudonym:
        if not applicant.get("name"):
            raise Rejected(_("người nộp cần “applicant.name” (hoặc một bí danh “applicant.pseudonym”)"))
        if kind == "citizen" and not personal_id:
            raise Rejected(_("công dân cần “applicant.personal_id” (hoặc một bí danh “applicant.pseudonym”)"))
        if kind == "business" and not tax_code:
            raise Rejected(_("tổ chức cần “applicant.tax_code” (hoặc một bí danh “applicant.pseudonym”)"))
    try:
        if personal_id:
            validate_cccd(personal_id)
        if tax_code:
            if len(tax_code) == 12:  # individuals' tax code is their personal ID since 07/2025
                validate_cccd(tax_code)
            else:
                validate_mst(tax_code)
    except ValidationError as exc:
        raise Rejected(" ".join(str(m) for m in exc.messages)) from None


def _unit(ctx: Context, code: str, field: str, day: dt.date) -> UnitInfo:
    unit = ctx.unit(code)
    if unit is None:
        raise Rejected(_("“%(field)s”: không có đơn vị mã “%(code)s”") % {"field": field, "code": code})
    if not unit.valid_on(day):
        raise Rejected(
            _("“%(field)s”: đơn vị “%(code)s” không có hiệu lực ngày %(day)s")
            % {"field": field, "code": unit.code, "day": day.strftime("%d/%m/%Y")}
        )
    return unit


def check(number: int, obj: dict[str, Any], ctx: Context, *, now: dt.datetime | None = None) -> Entry:
    """The line as an ``Entry``, or ``Rejected`` with the first rule it breaks."""
    now = now or timezone.now()
    decision = obj.get("decision", "")
    submitted = _moment(obj.get("submitted_at"), "submitted_at")
    received = _moment(obj.get("received_at"), "received_at")
    finished = _moment(obj.get("finished_at"), "finished_at")
    returned = _moment(obj.get("returned_at"), "returned_at")
    if received is None:
        # Never received: refused at intake, or submitted online and waiting for the intake or withdrawn
        # before it.
        if decision not in ("", "refused", "withdrawn") or (
            decision != "refused" and obj["channel"] != "online"
        ):
            raise Rejected(
                _(
                    "thiếu trường bắt buộc “received_at” (chỉ hồ sơ bị từ chối tiếp nhận, hoặc nộp trực tuyến "
                    "đang chờ tiếp nhận hay đã rút trước khi được tiếp nhận, mới không có)"
                )
            )
        if submitted is None:
            raise Rejected(_("hồ sơ chưa được tiếp nhận cần “submitted_at” (thời điểm nộp)"))
        for name in ("steps", "apology", "returned_at", "result", "evaluation", "due_at"):
            if obj.get(name):
                raise Rejected(_("hồ sơ chưa được tiếp nhận không có “%(field)s”") % {"field": name})
    elif decision == "refused":
        raise Rejected(_("hồ sơ bị từ chối tiếp nhận (decision = refused) không có “received_at”"))
    start = received or submitted
    assert start is not None  # noqa: S101 - one of the two, checked above
    day = start.astimezone(TZ).date()

    procedure = obj["procedure"]
    version = ctx.version(procedure["code"], procedure.get("version"), day)
    if version is None:
        if procedure["code"] not in ctx.versions:
            raise Rejected(_("không có thủ tục mã “%(code)s” trong danh mục") % {"code": procedure["code"]})
        raise Rejected(
            _("thủ tục “%(code)s” không có phiên bản %(number)s")
            % {"code": procedure["code"], "number": procedure.get("version")}
        )
    receiving = _unit(ctx, obj["receiving_point"], "receiving_point", day)
    resolving = _unit(ctx, obj["resolving_unit"], "resolving_unit", day)
    _applicant(obj["applicant"])

    deemed = _moment(obj.get("deemed_received_at"), "deemed_received_at")
    due = _moment(obj.get("due_at"), "due_at")
    _order(submitted, received, "submitted_at", "received_at")
    _order(received, deemed, "received_at", "deemed_received_at")
    _order(received, due, "received_at", "due_at")
    _order(start, finished, "received_at" if received else "submitted_at", "finished_at")
    _order(finished, returned, "finished_at", "returned_at")
    if decision and finished is None:
        raise Rejected(_("có “decision” nhưng thiếu “finished_at” (thời điểm quyết định / dừng)"))
    if finished is not None and not decision:
        raise Rejected(_("có “finished_at” nhưng thiếu “decision”"))
    decided = decision in ("approved", "not_eligible")
    if returned is not None and not decided:
        raise Rejected(_("chỉ hồ sơ đã có quyết định (approved, not_eligible) mới có “returned_at”"))
    if returned is not None and not obj.get("return_method"):
        raise Rejected(_("có “returned_at” nhưng thiếu “return_method” (hình thức trả kết quả)"))
    if obj.get("result") and not decided:
        raise Rejected(_("chỉ hồ sơ đã có quyết định (approved, not_eligible) mới có “result”"))

    steps = _steps(obj.get("steps") or [], ctx, received, day,
                   final=(bool(decision) and not decided) or returned is not None)  # fmt: skip
    pauses = _pauses(obj.get("pauses") or [], submitted, received, finished, decision)
    apology = None
    if obj.get("apology"):
        a = obj["apology"]
        at = _moment(a["at"], "apology.at")
        new_due = _moment(a["new_due_at"], "apology.new_due_at")
        assert at is not None and new_due is not None  # noqa: S101 - required by the schema
        _order(received, at, "received_at", "apology.at")
        _order(at, finished, "apology.at", "finished_at")
        _order(at, new_due, "apology.at", "apology.new_due_at")
        apology = (at, new_due, a.get("reason", ""))
    result = obj.get("result")
    result_issued_at = None
    if result:
        result_issued_at = _moment(result.get("issued_at"), "result.issued_at") or finished
        _order(finished, result_issued_at, "finished_at", "result.issued_at")
    for i, c in enumerate(obj.get("components") or []):
        _order(submitted or received, _moment(c.get("digitised_at"), f"components[{i}].digitised_at"),
               "submitted_at" if submitted else "received_at", f"components[{i}].digitised_at")  # fmt: skip
    payments = []
    for i, p in enumerate(obj.get("payments") or []):
        at = _moment(p["at"], f"payments[{i}].at")
        assert at is not None  # noqa: S101 - required by the schema
        _order(submitted or received, at, "submitted_at" if submitted else "received_at", f"payments[{i}].at")
        payments.append(PaymentIn(p["amount"], p.get("channel", ""), p["online"], at))
    evaluation, evaluation_at = obj.get("evaluation"), None
    if evaluation:
        if not decided:
            raise Rejected(_("chỉ hồ sơ đã có quyết định (approved, not_eligible) mới có “evaluation”"))
        evaluation_at = _moment(evaluation["at"], "evaluation.at")
        _order(finished, evaluation_at, "finished_at", "evaluation.at")
    feedback = []
    for i, f in enumerate(obj.get("feedback") or []):
        f_received = _moment(f["received_at"], f"feedback[{i}].received_at")
        answered = _moment(f.get("answered_at"), f"feedback[{i}].answered_at")
        _order(
            submitted or received,
            f_received,
            "submitted_at" if submitted else "received_at",
            f"feedback[{i}].received_at",
        )
        _order(f_received, answered, f"feedback[{i}].received_at", f"feedback[{i}].answered_at")
        feedback.append({**f, "received_at": f_received, "answered_at": answered})
    if feedback and not (obj["applicant"].get("phone") or obj["applicant"].get("email")):
        raise Rejected(
            _(
                "phản ánh (feedback) cần số điện thoại hoặc email của người nộp (applicant.phone, applicant.email)"
            )
        )
    latest = max(
        [m for m in (submitted, received, finished, returned, result_issued_at, evaluation_at) if m]
        + [p.at for p in payments]
        + [s.moved_at for s in steps]
        + [p.end or p.start for p in pauses]
        + [f["answered_at"] or f["received_at"] for f in feedback]
    )
    if latest > now:
        raise Rejected(_("có thời điểm ở tương lai (%(moment)s)") % {"moment": _fmt(latest)})

    return Entry(
        number=number,
        obj=obj,
        system=obj["source"]["system"],
        source_id=obj["source"]["id"],
        code=obj["code"],
        version=version,
        receiving=receiving,
        resolving=resolving,
        channel=obj["channel"],
        applicant=obj["applicant"],
        submitted_at=submitted,
        received_at=received,
        deemed_received_at=deemed,
        due_at=due,
        due_computed=bool(obj.get("due_computed")),
        pauses=pauses,
        steps=steps,
        apology=apology,
        decision=decision,
        decision_note=obj.get("decision_note", ""),
        finished_at=finished,
        returned_at=returned,
        return_method=obj.get("return_method", ""),
        result=result,
        result_issued_at=result_issued_at,
        components=obj.get("components") or [],
        fee_amount=obj.get("fee_amount"),
        payments=payments,
        evaluation=evaluation,
        evaluation_at=evaluation_at,
        feedback=feedback,
    )


def _steps(items: list[dict[str, Any]], ctx: Context, received: dt.datetime | None, day: dt.date, *,
           final: bool) -> list[StepIn]:  # fmt: skip
    """Steps in the order they came, each moved into at or after the one before, from the receipt on; only the
    last may still be open, and not once the dossier's story is over.

    A step's ``received_at`` is when its clock starts, which after an evening transfer is the next working
    session (§1: transferred after 15:00 → the next working day); its officer may act before that, so the
    next step can be received before this one's ``received_at`` and this one "handed over" at it. The moment
    the dossier moved into a step is therefore the earlier of its ``received_at`` and the hand-over of the
    step before; those moments must not go backwards."""
    steps: list[StepIn] = []
    previous: StepIn | None = None
    for i, s in enumerate(items):
        at = _moment(s["received_at"], f"steps[{i}].received_at")
        handed = _moment(s.get("handed_over_at"), f"steps[{i}].handed_over_at")
        assert at is not None  # noqa: S101 - required by the schema
        _order(at, handed, f"steps[{i}].received_at", f"steps[{i}].handed_over_at")
        moved = (
            at if previous is None or previous.handed_over_at is None else min(at, previous.handed_over_at)
        )
        if previous is None:
            _order(received, at, "received_at", "steps[0].received_at")
        elif moved < previous.moved_at:
            raise Rejected(
                _("bước “steps[%(i)s]” được chuyển đến (%(moved)s) trước bước “steps[%(j)s]” (%(before)s)")
                % {"i": i, "moved": _fmt(moved), "j": i - 1, "before": _fmt(previous.moved_at)}
            )
        if handed is None and (i < len(items) - 1 or final):
            raise Rejected(
                _(
                    "bước “steps[%(i)s]” chưa có “handed_over_at”: chỉ bước cuối của hồ sơ chưa kết thúc mới được mở"
                )
                % {"i": i}
            )
        unit = _unit(ctx, s["unit"], f"steps[{i}].unit", day)
        previous = StepIn(
            code=s.get("code") or f"B{i + 1}",
            name=s.get("name") or unit.name,
            unit=unit,
            officer=s.get("officer", ""),
            received_at=at,
            handed_over_at=handed,
            due_at=_moment(s.get("due_at"), f"steps[{i}].due_at"),
            mode=s.get("mode", "electronic"),
            inter_agency=bool(s.get("inter_agency")),
            moved_at=moved,
        )
        steps.append(previous)
    return steps


def _pauses(items: list[dict[str, Any]], submitted: dt.datetime | None, received: dt.datetime | None,
            finished: dt.datetime | None, decision: str) -> list[PauseIn]:  # fmt: skip
    """Pauses within submission (an online dossier may be asked for a supplement before its receipt) …
    finish, in order and not overlapping; an open one only as the last, and only while the dossier is open or
    when it ended by a stop or closure (which ends the pause)."""
    pauses: list[PauseIn] = []
    previous: PauseIn | None = None
    for i, p in enumerate(sorted(items, key=lambda p: p["from"])):
        start = _moment(p["from"], f"pauses[{i}].from")
        end = _moment(p.get("to"), f"pauses[{i}].to")
        assert start is not None  # noqa: S101 - required by the schema
        _order(
            submitted or received, start, "submitted_at" if submitted else "received_at", f"pauses[{i}].from"
        )
        _order(start, end, f"pauses[{i}].from", f"pauses[{i}].to")
        _order(end, finished, f"pauses[{i}].to", "finished_at")
        _order(start, finished, f"pauses[{i}].from", "finished_at")
        if previous is not None and (previous.end is None or start < previous.end):
            raise Rejected(
                _("khoảng tạm dừng bắt đầu %(start)s chồng lên khoảng trước đó") % {"start": _fmt(start)}
            )
        if end is None and finished is not None and decision not in ("withdrawn", "stopped"):
            raise Rejected(
                _("khoảng tạm dừng bắt đầu %(start)s chưa kết thúc (“to”) nhưng hồ sơ đã có quyết định")
                % {"start": _fmt(start)}
            )
        pause = PauseIn(
            kind=p["kind"],
            start=start,
            end=end,
            reason=p.get("reason", ""),
            due_after=_moment(p.get("due_after"), f"pauses[{i}].due_after"),
            due_computed=bool(p.get("due_computed")),
        )
        pauses.append(pause)
        previous = pause
    return pauses
