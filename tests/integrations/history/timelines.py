"""The hand-built history of test_hand_built.py: each dossier written once, as a ``Timeline`` of moments and
facts, from which come both its line in the history format (``line``: docs/formats/dossier-history.md) and
the calls to the real services that make the same dossier in motcua (``moments``, ``do``; ``play`` makes
them in time order with the clock at each moment).

Two procedures, published by the test (``pa_data``, ``pb_data``):

* PA (unit A): resolved by Sở Nông nghiệp và Môi trường H56.19, received at the provincial centre H56.40;
  5 working days, the wait for a supplement excluded, electronic result, fully online, no fee; process
  TN (H56.40) → TD (H56.19) ⇄ LT (Thuế tỉnh H56.52, inter-agency) → KY (H56.19) → TKQ (H56.40);
* PB (unit B): resolved by UBND phường Hạc Thành H56.101, which also receives it; 3 working days, the time
  limit restarted after a supplement, paper result, a fee of 8 000 đ due at submission, partly online;
  process TN → LD (the ward's leader signs) → TKQ.
"""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.accounts.models import User
from motcua.core.blobs import put_blob
from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier
from motcua.dossiers.services.intake import CounterApplicant
from motcua.org.models import OrgUnit
from motcua.payments.counter import payment_order_record_offline
from motcua.payments.gateways import vnpay
from motcua.payments.models import PaymentTransaction
from motcua.payments.services import payment_order_for, vnpay_ipn, vnpay_start

from ...dossiers.data import procedure_data
from ...reporting.test_correctness import PA_PROCESS, PB_PROCESS  # the same two processes as there

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
FORMAT = "motcua.dossier-history/1"
SOURCE = "igate-th"
FEE = 8000


def feb(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 2, day, hour, minute, tzinfo=VN)


def mar(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=VN)


def apr(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 4, day, hour, minute, tzinfo=VN)


# -- the two procedures ----------------------------------------------------------------------------------

PA_CODE, PB_CODE = "1.009913", "2.009914"


def pa_data() -> dict[str, Any]:
    return procedure_data(
        code=PA_CODE, name="Cấp phép khai thác nước (kiểm thử nhập lịch sử)", process=PA_PROCESS
    )


def pb_data() -> dict[str, Any]:
    return procedure_data(
        code=PB_CODE, name="Cấp bản sao trích lục (kiểm thử nhập lịch sử)",
        sector={"code": "HO_TICH", "name": "Hộ tịch"}, level="commune", agency="commune",
        resolving_unit="receiving_point", applicant_types=["citizen"], result_type="paper",
        result_name="Bản sao trích lục", supplement_rule="restart", online_level="partial",
        full_online_eligible=False, time_limit={"amount": 3, "unit": "working_days", "after_cutoff": False},
        fees=[{"name": "Lệ phí cấp bản sao", "kind": "charge", "amount": FEE, "due": "at_submission"}],
        process=PB_PROCESS,
    )  # fmt: skip


#: Per unit: the receiving point, the resolving unit, the procedure, the one-stop officer, who holds the
#: first processing step (and asks for supplements there), who signs.
UNITS = {
    "A": {"point": "H56.40", "resolving": "H56.19", "procedure": PA_CODE, "officer": "motcua.tinh",
          "handler": "chuyenvien.tnmt", "first": "TD", "leader": "lanhdao.tnmt"},
    "B": {"point": "H56.101", "resolving": "H56.101", "procedure": PB_CODE, "officer": "motcua.hacthanh",
          "handler": "lanhdao.hacthanh", "first": "LD", "leader": "lanhdao.hacthanh"},
}  # fmt: skip
TAX_UNIT, TAX_OFFICER, SPECIALIST = "H56.52", "chuyenvien.thue", "chuyenvien.tnmt"
CITIZEN = {"kind": "citizen", "name": "Lê Thị Hoa", "personal_id": "038195001234"}  # the demo citizen
AT_COUNTER = {"kind": "citizen", "name": "Lê Văn Kiểm", "personal_id": "038090012345"}
COMPONENTS = ("Đơn đề nghị cấp giấy phép", "Sơ đồ khu vực khai thác", "Giấy tờ khác (nếu có)")
NOTES = {
    "approved": "Cấp giấy phép",
    "not_eligible": "Không đủ điều kiện theo quy định",
    "withdrawn": "Không còn nhu cầu",
    "stopped": "Quá 15 ngày làm việc không nhận được hồ sơ bổ sung",
}


# -- a dossier's timeline ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timeline:
    """One dossier: what happened to it and when. The due moments are worked out by hand (the services are
    asserted to give them; the line gives ``due`` when ``give_due``, else the importer computes it)."""

    name: str
    unit: str  # "A" or "B" (UNITS)
    channel: str  # "online" | "counter"
    submitted: dt.datetime | None = None  # online
    refused: dt.datetime | None = None  # refused at intake (online, never received)
    received: dt.datetime | None = None
    due: dt.datetime | None = None  # the due moment on the receipt
    give_due: bool = True
    reused: bool = False  # online: the first component reused from the applicant's data store
    scanned: dt.datetime | None = None  # counter: both required components scanned by the officer then
    paid: dt.datetime | None = None  # the fee paid (PB only)
    paid_online: bool = False  # through the VNPay gateway; else cash at the counter
    route: dt.datetime | None = None  # to the resolving unit's first step
    hand_over: tuple[dt.datetime, dt.datetime] | None = None  # A: into Thuế tỉnh's step LT, and back to TD
    paper: bool = False  # that hand-over and hand-back on paper
    asked: dt.datetime | None = None  # supplement requested (at the first processing step)
    supplied: dt.datetime | None = None
    due_after: dt.datetime | None = None  # the due moment once supplied (the line leaves it to the importer)
    apology: tuple[dt.datetime, dt.datetime] | None = None  # (when, the new due moment)
    to_sign: dt.datetime | None = None  # A: the specialist submits to the leader (step KY)
    decision: str = ""  # approved | not_eligible (decided) | withdrawn | stopped (closed by the agency)
    finished: dt.datetime | None = None
    result_issued: dt.datetime | None = (
        None  # the signed e-result (A), the certified scan of the paper one (B)
    )
    returned: dt.datetime | None = None
    return_method: str = ""

    @property
    def decided(self) -> bool:
        return self.decision in ("approved", "not_eligible")

    @property
    def code(self) -> str:
        """The code the source gave it (kept as given by the import)."""
        first = self.received or self.submitted
        assert first is not None
        return f"{UNITS[self.unit]['point']}-{first:%y%m%d}-{900 + int(self.name[1:]):04d}"


# -- the line ----------------------------------------------------------------------------------------------


def iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _steps(t: Timeline) -> list[dict[str, Any]]:
    """The control sheet: each move into a step, handed over at the next move or at the end."""
    if t.received is None:
        return []
    u = UNITS[t.unit]
    # (code, unit, officer, moved in at, mode, inter-agency)
    moves: list[tuple[str, str, str, dt.datetime, str, bool]] = [
        ("TN", u["point"], u["officer"], t.received, "electronic", False)
    ]
    if t.route:
        moves.append((u["first"], u["resolving"], u["handler"], t.route, "electronic", False))
    if t.hand_over:
        mode = "paper" if t.paper else "electronic"
        there, back = t.hand_over
        moves.append(("LT", TAX_UNIT, TAX_OFFICER, there, mode, True))
        moves.append(("TD", u["resolving"], SPECIALIST, back, mode, False))
    if t.to_sign:
        moves.append(("KY", u["resolving"], u["leader"], t.to_sign, "electronic", False))
    if t.decided:
        assert t.finished is not None
        moves.append(("TKQ", u["point"], u["officer"], t.finished, "electronic", False))
    last = t.returned if t.decided else t.finished  # the return closes TKQ; a stop closes the open step
    ends = [m[3] for m in moves[1:]] + [last]
    return [
        {"code": code, "unit": unit, "officer": officer, "received_at": iso(at), "handed_over_at": iso(end),
         "mode": mode, "inter_agency": inter}
        for (code, unit, officer, at, mode, inter), end in zip(moves, ends, strict=True)
    ]  # fmt: skip


def _components(t: Timeline) -> list[dict[str, Any]]:
    optional = {"name": COMPONENTS[2], "required": False, "origin": "none"}
    if t.channel == "online":
        first = "reused" if t.reused else "upload"
        return [
            {"name": COMPONENTS[0], "origin": first, "digitised": True, "pages": 1},
            {"name": COMPONENTS[1], "origin": "upload", "digitised": True, "pages": 1},
            optional,
        ]
    if t.scanned:
        scan = {"origin": "counter_scan", "digitised": True, "digitised_at": iso(t.scanned), "pages": 1}
        return [{"name": COMPONENTS[0], **scan}, {"name": COMPONENTS[1], **scan}, optional]
    return [
        {"name": COMPONENTS[0], "origin": "paper", "digitised": False},
        {"name": COMPONENTS[1], "origin": "paper", "digitised": False},
        optional,
    ]


def line(t: Timeline) -> dict[str, Any]:
    """The dossier's line in the history format, as a source system would write it."""
    u = UNITS[t.unit]
    obj: dict[str, Any] = {
        "format": FORMAT,
        "source": {"system": SOURCE, "id": f"HS-{t.name}"},
        "code": t.code,
        # A's lines name the version, B's leave it to the version in force on the receipt day.
        "procedure": {"code": u["procedure"], "version": 1} if t.unit == "A" else {"code": u["procedure"]},
        "applicant": CITIZEN if t.channel == "online" else AT_COUNTER,
        "channel": t.channel,
        "receiving_point": u["point"],
        "resolving_unit": u["resolving"],
    }
    if t.submitted:
        obj["submitted_at"] = iso(t.submitted)
    if t.refused:
        obj.update(
            decision="refused", decision_note="Không thuộc thẩm quyền giải quyết", finished_at=iso(t.refused)
        )
    if t.received:
        obj["received_at"] = iso(t.received)
        if t.give_due:
            obj["due_at"] = iso(t.due)
    if t.asked:
        # ``due_after`` left out: the importer computes it (exclude the wait for PA, restart for PB).
        obj["pauses"] = [
            {"kind": "supplement", "from": iso(t.asked), "to": iso(t.supplied), "reason": "Thiếu giấy tờ"}
        ]
    if t.apology:
        obj["apology"] = {"at": iso(t.apology[0]), "new_due_at": iso(t.apology[1]), "reason": "Chờ xác minh"}
    steps = _steps(t)
    if steps:
        obj["steps"] = steps
    if t.decision:
        obj.update(decision=t.decision, decision_note=NOTES[t.decision], finished_at=iso(t.finished))
    if t.returned:
        obj.update(returned_at=iso(t.returned), return_method=t.return_method)
    if t.result_issued:
        obj["result"] = {
            "electronic": True,
            "signed": True,
            "reference": f"KQ-{t.name}",
            "issued_at": iso(t.result_issued),
        }
    obj["components"] = _components(t)
    if t.unit == "B":
        obj["fee_amount"] = FEE
    if t.paid:
        obj["payments"] = [{"amount": FEE, "channel": "vnpay" if t.paid_online else "counter",
                            "online": t.paid_online, "at": iso(t.paid)}]  # fmt: skip
    return obj


# -- the service calls ---------------------------------------------------------------------------------------


def pdf() -> SimpleUploadedFile:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile("giay-to.pdf", buffer.getvalue(), content_type="application/pdf")


class Desk:
    """The people of both units acting through the real services (the clock is set by the caller)."""

    def __init__(self, pa: Any, pb: Any) -> None:
        self.versions = {"A": pa, "B": pb}
        self.units = {code: OrgUnit.objects.get(code=code) for code in ("H56.40", "H56.101")}
        self.users = {
            name: User.objects.get(username=name)
            for name in ("congdan.hoa", "motcua.tinh", "motcua.hacthanh", "chuyenvien.tnmt",
                         "chuyenvien.thue", "lanhdao.tnmt", "lanhdao.hacthanh")
        }  # fmt: skip
        self.citizen = self.users["congdan.hoa"]
        self.made: dict[str, int] = {}  # timeline name → dossier pk

    def get(self, t: Timeline) -> Any:
        return Dossier.objects.get(pk=self.made[t.name])

    def user(self, t: Timeline, role: str) -> Any:
        return self.users[UNITS[t.unit][role]]

    def applicant(self, t: Timeline) -> Any:
        """Who acts for the applicant: the citizen online, the one-stop officer at the counter."""
        return self.citizen if t.channel == "online" else self.user(t, "officer")


def moments(t: Timeline) -> list[tuple[dt.datetime, str]]:
    """(moment, what happened) for each thing that happened to ``t`` (``play`` puts them in time order)."""
    there, back = t.hand_over or (None, None)
    steps: list[tuple[dt.datetime | None, str]] = [
        (t.submitted, "submit"),
        (t.refused, "refuse"),
        (t.received, "receive"),
        (t.scanned, "scan"),
        (t.paid, "pay"),
        (t.route, "route"),
        (there, "hand over"),
        (back, "hand back"),
        (t.asked, "request a supplement"),
        (t.supplied, "supplement"),
        (t.apology[0] if t.apology else None, "apologise"),
        (t.to_sign, "submit for signing"),
        (t.finished, {"withdrawn": "withdraw", "stopped": "close"}.get(t.decision, "decide")),
        (t.result_issued, "result issued"),
        (t.returned, "return the result"),
    ]
    return [(moment, what) for moment, what in steps if moment is not None]


def do(what: str, t: Timeline, k: Desk) -> None:
    """What happened, through the services, at the moment the clock now shows."""
    version, point = k.versions[t.unit], k.units[UNITS[t.unit]["point"]]
    officer = k.user(t, "officer")
    if what == "submit":
        draft = s.dossier_create_draft(applicant=k.citizen, procedure_version=version, receiving_point=point)
        for c in draft.components.filter(required=True).order_by("position"):
            if t.reused and c.position == 1:
                blob = put_blob(pdf(), extension="pdf")
                s.dossier_component_provide(
                    dossier=draft, actor=k.citizen, component_id=c.pk, origin="reused", blob=blob,
                    original_name="don.pdf", content_type="application/pdf", page_count=1,
                )  # fmt: skip
            else:
                s.dossier_component_attach(dossier=draft, actor=k.citizen, component_id=c.pk, upload=pdf())
        k.made[t.name] = s.dossier_submit(dossier=draft, applicant=k.citizen).pk
    elif what == "refuse":
        s.dossier_refuse(dossier=k.get(t), officer=officer, reason="Không thuộc thẩm quyền giải quyết")
    elif what == "receive" and t.channel == "online":
        d = k.get(t)
        ids = list(d.components.values_list("pk", flat=True))
        s.dossier_receive(dossier=d, officer=officer, checked_component_ids=ids)
        assert k.get(t).due_at == t.due, t.name
    elif what == "receive":
        d = s.dossier_receive_at_counter(
            officer=officer, receiving_point=point, procedure_version=version, provided_positions=[1, 2],
            applicant=CounterApplicant(**AT_COUNTER),
        )  # fmt: skip
        k.made[t.name] = d.pk
        assert k.get(t).due_at == t.due, t.name
    elif what == "scan":  # both required components, by the one-stop officer, one page each
        d = k.get(t)
        for c in d.components.filter(required=True):
            s.dossier_component_attach(
                dossier=d, actor=officer, component_id=c.pk, upload=pdf(), declared_pages=1
            )
    elif what == "pay" and t.paid_online:  # through VNPay: the order, the transaction, the gateway's IPN
        order = payment_order_for(k.get(t), actor=k.citizen)
        assert order is not None
        vnpay_start(order=order, ip_addr="127.0.0.1", actor=k.citizen)
        txn = PaymentTransaction.objects.get(order=order)
        gateway = settings.MOTCUA_PAYMENT_GATEWAYS["default"]
        params = {
            "vnp_Amount": str(txn.amount * 100), "vnp_BankCode": "NCB", "vnp_ResponseCode": "00",
            "vnp_TmnCode": gateway["tmn_code"], "vnp_TransactionNo": "14000001",
            "vnp_TransactionStatus": "00", "vnp_TxnRef": txn.txn_ref,
        }  # fmt: skip
        params["vnp_SecureHash"] = vnpay.sign(params, gateway["hash_secret"])
        assert vnpay_ipn(params).code == "00"
    elif what == "pay":  # cash at the counter, with the receipt number
        order = payment_order_for(k.get(t), actor=officer)
        assert order is not None
        payment_order_record_offline(
            order=order, actor=officer, channel="counter", amount=FEE, receipt_number=f"BL{t.name}"
        )
    elif what == "route":
        s.dossier_route(dossier=k.get(t), officer=officer)
    elif what in ("hand over", "hand back"):
        actor, to_step = (k.users[SPECIALIST], "LT") if what == "hand over" else (k.users[TAX_OFFICER], "TD")
        s.dossier_forward(dossier=k.get(t), actor=actor, to_step=to_step, paper=t.paper)
    elif what == "request a supplement":
        s.dossier_request_supplement(
            dossier=k.get(t), actor=k.user(t, "handler"), reason="Thiếu giấy tờ", items=["Bản vẽ"]
        )
    elif what == "supplement":
        s.dossier_supplement(dossier=k.get(t), actor=k.applicant(t))
        assert k.get(t).due_at == t.due_after, t.name
    elif what == "apologise":
        assert t.apology is not None
        s.dossier_apologise(
            dossier=k.get(t), actor=k.user(t, "leader"), reason="Chờ xác minh", new_due_at=t.apology[1]
        )
    elif what == "submit for signing":
        s.dossier_forward(dossier=k.get(t), actor=k.users[SPECIALIST], to_step="KY")
    elif what == "decide":
        note = "Không đủ điều kiện theo quy định" if t.decision == "not_eligible" else ""
        s.dossier_decide(dossier=k.get(t), actor=k.user(t, "leader"), decision=t.decision, note=note)
    elif what == "withdraw":
        s.dossier_withdraw(dossier=k.get(t), actor=k.applicant(t), reason="Không còn nhu cầu")
    elif what == "close":  # the daily job: only this dossier's wait has run out
        assert s.dossier_close_expired_supplements(at=t.finished) == [k.get(t).code]
    elif what == "result issued":
        kind = "electronic" if t.unit == "A" else "digitised_paper"
        s.dossier_result_issued(dossier=k.get(t), actor=officer, result_code=f"KQ-{t.name}", kind=kind)
    elif what == "return the result":
        s.dossier_return_result(dossier=k.get(t), officer=officer, method=t.return_method)
    else:
        raise AssertionError(what)


# -- the data set --------------------------------------------------------------------------------------------

#: March 2026: Monday 2 … Tuesday 31, no holiday (Tết was 14–22 February). Due moments: the end (17:00) of the
#: n-th working day after the receipt day (PA n = 5, PB n = 3).
TIMELINES: tuple[Timeline, ...] = (
    # A1 online, received Mon 2/3 09:00, due Mon 9/3. Handed over electronically to Thuế tỉnh Tue 3/3 and
    #    back Wed 4/3; decided Thu 5/3 (early), the signed e-result issued at once, returned online at 14:00.
    Timeline("A1", "A", "online", submitted=mar(2, 8, 30), received=mar(2, 9), due=mar(9, 17),
             route=mar(2, 9, 30), hand_over=(mar(3, 9), mar(4, 9)), to_sign=mar(5, 9, 30),
             decision="approved", finished=mar(5, 10), result_issued=mar(5, 10, 30),
             returned=mar(5, 14), return_method="online"),
    # A2 counter, received Tue 3/3 09:00, due Tue 10/3; both required components scanned at 09:10 (after the
    #    receipt, before the route); handed over on paper Wed 4/3, back on paper Thu 5/3; not eligible,
    #    decided Tue 10/3 15:00 (on time, the due day); returned at the counter Wed 11/3.
    Timeline("A2", "A", "counter", received=mar(3, 9), due=mar(10, 17), scanned=mar(3, 9, 10),
             route=mar(3, 9, 30), hand_over=(mar(4, 9), mar(5, 9)), paper=True, to_sign=mar(10, 14, 30),
             decision="not_eligible", finished=mar(10, 15), returned=mar(11, 9), return_method="counter"),
    # A3 counter (paper only), received Wed 4/3, due Wed 11/3; the leader apologises Mon 9/3 with a new date
    #    Fri 13/3 17:00; decided Fri 13/3 10:00: on time against the new date (late without it).
    Timeline("A3", "A", "counter", received=mar(4, 9), due=mar(11, 17), route=mar(4, 9, 30),
             apology=(mar(9, 9), mar(13, 17)), to_sign=mar(13, 9, 30), decision="approved",
             finished=mar(13, 10)),
    # A4 online, its first component reused from the applicant's data store; received Mon 9/3, due Mon 16/3;
    #    supplement asked Tue 10/3 09:00, supplied Thu 12/3 09:00: two working days excluded, due Wed 18/3;
    #    decided Tue 17/3: early (late without the exclusion).
    Timeline("A4", "A", "online", submitted=mar(9, 8, 30), received=mar(9, 9), due=mar(16, 17), reused=True,
             route=mar(9, 9, 30), asked=mar(10, 9), supplied=mar(12, 9), due_after=mar(18, 17),
             to_sign=mar(17, 9, 30), decision="approved", finished=mar(17, 10)),
    # A5 online, received Tue 3/3, due Tue 10/3; supplement asked Wed 4/3 09:00, never supplied: the 15
    #    working days end Wed 25/3, closed by the agency Thu 26/3 10:00 ("stopped"); judged at the
    #    request: early.
    Timeline("A5", "A", "online", submitted=mar(3, 8, 30), received=mar(3, 9), due=mar(10, 17),
             route=mar(3, 9, 30), asked=mar(4, 9), decision="stopped", finished=mar(26, 10)),
    # A6 online, submitted Thu 5/3 08:00, refused at intake 09:00: never received, counts nothing.
    Timeline("A6", "A", "online", submitted=mar(5, 8), refused=mar(5, 9)),
    # A7 online, received Mon 23/3, due Mon 30/3; the applicant withdraws Wed 25/3: early, stopped.
    Timeline("A7", "A", "online", submitted=mar(23, 8, 30), received=mar(23, 9), due=mar(30, 17),
             route=mar(23, 9, 30), decision="withdrawn", finished=mar(25, 10)),
    # A8 counter, received Thu 26/2, due Thu 5/3 (27/2, 2/3, 3/3, 4/3, 5/3; the line leaves the due moment
    #    to the importer); carried over into March; decided Fri 6/3 09:00: late.
    Timeline("A8", "A", "counter", received=feb(26, 9), due=mar(5, 17), give_due=False,
             route=feb(26, 9, 30), to_sign=mar(6, 8, 30), decision="approved", finished=mar(6, 9)),
    # B1 online (PB is partly online: not "toàn trình"), submitted Mon 2/3 08:00, the fee paid online
    #    (VNPay) 08:10, before the receipt at 09:00; due Thu 5/3; decided Wed 4/3 (early); the paper result
    #    scanned and certified (an electronic copy) 10:00; returned at the counter 15:00.
    Timeline("B1", "B", "online", submitted=mar(2, 8), paid=mar(2, 8, 10), paid_online=True,
             received=mar(2, 9), due=mar(5, 17), route=mar(2, 9, 30), decision="approved",
             finished=mar(4, 9), result_issued=mar(4, 10), returned=mar(4, 15), return_method="counter"),
    # B2 counter, received Tue 3/3 09:00, due Fri 6/3; the fee paid in cash at the counter 09:05; decided
    #    Mon 9/3: late; not yet handed over.
    Timeline("B2", "B", "counter", received=mar(3, 9), due=mar(6, 17), paid=mar(3, 9, 5),
             route=mar(3, 9, 30), decision="approved", finished=mar(9, 9)),
    # B3 counter, received Mon 23/3, due Thu 26/3; supplement asked Tue 24/3 (within), supplied at the
    #    counter Fri 27/3 09:00: the 3 days count again, due Wed 1/4. In progress within at the end of
    #    March; decided Wed 1/4 10:00 (on time, in April).
    Timeline("B3", "B", "counter", received=mar(23, 9), due=mar(26, 17), route=mar(23, 9, 30),
             asked=mar(24, 9), supplied=mar(27, 9), due_after=apr(1, 17), decision="approved",
             finished=apr(1, 10)),
    # B4 counter, received Mon 23/3 10:00, due Thu 26/3 (left to the importer); scanned at 10:10, routed
    #    10:30; never decided: in progress and overdue at the end of March.
    Timeline("B4", "B", "counter", received=mar(23, 10), due=mar(26, 17), give_due=False,
             scanned=mar(23, 10, 10), route=mar(23, 10, 30)),
)  # fmt: skip


def lines() -> list[dict[str, Any]]:
    return [line(t) for t in TIMELINES]


def play(desk: Desk, clock: Any) -> None:
    """Every service call of every timeline in the order of their moments (a dossier's own order kept on
    ties), the clock set to each."""
    calls = sorted(((moment, what, t) for t in TIMELINES for moment, what in moments(t)), key=lambda c: c[0])
    for moment, what, t in calls:
        clock(moment)
        do(what, t, desk)
