"""The nine criteria of a dossier's evaluation (NĐ 61/2018, TT 01/2018; regulations.md §8), each 2/1/0.

``gather(dossier)`` reads what the criteria need (a handful of queries) into ``DossierFacts``;
``score_facts(facts)`` is a pure function of those facts; ``score(dossier)`` does both. A criterion the
data cannot answer (the dossier is not finished yet) has ``points=None``: the total then counts only the
scored criteria and the band is read on the total scaled to 18.

How each is read from the data:
1. total time: the dossier's outcome (early / on time / late against its due moment, pauses excluded);
2. each agency's time: the outcomes of its steps (an agency with a late step is late, all early is early);
3. contacts to complete the dossier: the number of supplement requests (0 / 1 / more);
4. agencies the applicant had to go to: none (online submission, result online or by post) / only the
   Một cửa / — (the system routes inter-agency steps itself, so "more" is not observable);
5. receipt and return at the Một cửa: received at a one-stop point and returned through it;
6. publicity: on the province portal (always, for a published procedure) and on the national database
   with all its constituent parts / only one of them;
7. attitude: no substantiated complaint about the dossier, and early (2) / on time or late (1); a
   substantiated complaint (0);
8. PAKN of the resolving unit during the dossier: all on time / ≥ 90 % / less (none counts as all);
9. online service: the procedure is offered online and the dossier came online and was not late (2) /
   offered online but came in person, or was late (1) / not offered online (0).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.catalogue.choices import OnlineLevel
from motcua.dossiers.models import Channel, Dossier, DossierStep, ReturnMethod
from motcua.org.models import OrgUnitKind

from .conf import bands
from .models import Feedback
from .timeliness import feedback_timeliness

MAX_TOTAL = 18

LABELS: dict[str, Promise] = {
    "c1": _("Thời gian giải quyết so với quy định"),
    "c2": _("Thời gian xử lý của từng cơ quan tham gia"),
    "c3": _("Số lần liên hệ để hoàn thiện hồ sơ"),
    "c4": _("Số cơ quan phải liên hệ"),
    "c5": _("Tiếp nhận, giải quyết, trả kết quả tại bộ phận một cửa"),
    "c6": _("Công khai thủ tục hành chính"),
    "c7": _("Thái độ phục vụ"),
    "c8": _("Xử lý phản ánh, kiến nghị"),
    "c9": _("Cung cấp dịch vụ công trực tuyến"),
}

BAND_LABELS: dict[str, Promise] = {
    "excellent": _("Xuất sắc"),
    "good": _("Tốt"),
    "fair": _("Khá"),
    "average": _("Trung bình"),
    "weak": _("Yếu"),
}

OUTCOME_POINTS = {"early": 2, "on_time": 1, "late": 0}


@dataclass(frozen=True)
class Criterion:
    code: str
    label: str
    points: int | None
    reason: str


@dataclass(frozen=True)
class Score:
    criteria: list[Criterion]
    total: int
    scored: int
    band: str
    band_label: str

    @property
    def max_total(self) -> int:
        return MAX_TOTAL

    @property
    def complete(self) -> bool:
        return self.scored == len(self.criteria)

    def as_dict(self) -> dict[str, int | None]:
        return {c.code: c.points for c in self.criteria}


@dataclass(frozen=True)
class DossierFacts:
    outcome: str = ""  # early | on_time | late | "" (not finished)
    #: unit name → the outcomes of its steps ("" for a step without a due moment)
    agency_outcomes: dict[str, list[str]] = field(default_factory=dict)
    supplement_count: int = 0
    channel: str = Channel.ONLINE
    return_method: str = ""
    received_at_one_stop: bool = True
    online_level: str = OnlineLevel.NONE
    on_national_database: bool = False
    parts_complete: bool = False
    substantiated_complaints: int = 0
    unit_feedback_total: int = 0
    unit_feedback_on_time: int = 0


def band_for(total: float) -> str:
    for lowest, key in bands():
        if total >= lowest:
            return key
    return bands()[-1][1] if bands() else ""


def _c(code: str, points: int | None, reason: str | Promise) -> Criterion:
    return Criterion(code=code, label=str(LABELS[code]), points=points, reason=str(reason))


def _c1(f: DossierFacts) -> Criterion:
    if f.outcome not in OUTCOME_POINTS:
        return _c("c1", None, _("Hồ sơ chưa có kết quả."))
    reasons = {
        "early": _("Có kết quả trước hạn."),
        "on_time": _("Có kết quả đúng hạn."),
        "late": _("Có kết quả quá hạn."),
    }
    return _c("c1", OUTCOME_POINTS[f.outcome], reasons[f.outcome])


def _c2(f: DossierFacts) -> Criterion:
    agencies = {name: [o for o in outs if o] for name, outs in f.agency_outcomes.items()}
    agencies = {name: outs for name, outs in agencies.items() if outs}
    if not agencies:
        return _c("c2", None, _("Chưa có bước xử lý nào được tính thời hạn."))
    late = sorted(name for name, outs in agencies.items() if "late" in outs)
    if late:
        return _c("c2", 0, _("Quá hạn tại: %(units)s.") % {"units": ", ".join(late)})
    if all(o == "early" for outs in agencies.values() for o in outs):
        return _c("c2", 2, _("Mọi cơ quan tham gia (%(n)s) đều xử lý trước hạn.") % {"n": len(agencies)})
    return _c("c2", 1, _("Các cơ quan tham gia (%(n)s) xử lý đúng hạn.") % {"n": len(agencies)})


def _c3(f: DossierFacts) -> Criterion:
    if f.supplement_count == 0:
        return _c("c3", 2, _("Không phải bổ sung hồ sơ."))
    if f.supplement_count == 1:
        return _c("c3", 1, _("Phải bổ sung hồ sơ một lần."))
    return _c("c3", 0, _("Phải bổ sung hồ sơ nhiều lần."))


def _c4(f: DossierFacts) -> Criterion:
    remote_return = f.return_method in (ReturnMethod.ONLINE, ReturnMethod.POST)
    if f.channel in (Channel.ONLINE, Channel.POSTAL) and remote_return:
        return _c("c4", 2, _("Nộp và nhận kết quả không phải đến cơ quan nào."))
    return _c("c4", 1, _("Chỉ liên hệ bộ phận một cửa; các bước liên thông do cơ quan tự chuyển."))


def _c5(f: DossierFacts) -> Criterion:
    returned = bool(f.return_method)
    if f.received_at_one_stop and returned:
        return _c("c5", 2, _("Tiếp nhận và trả kết quả qua bộ phận một cửa."))
    if f.received_at_one_stop or returned:
        return _c("c5", 1, _("Chỉ một trong hai khâu tiếp nhận, trả kết quả qua bộ phận một cửa."))
    return _c("c5", 0, _("Không tiếp nhận, trả kết quả qua bộ phận một cửa."))


def _c6(f: DossierFacts) -> Criterion:
    if f.on_national_database and f.parts_complete:
        return _c("c6", 2, _("Công khai trên Cổng của tỉnh và Cơ sở dữ liệu quốc gia, đủ bộ phận cấu thành."))
    return _c("c6", 1, _("Công khai trên Cổng của tỉnh; chưa đủ công khai trên Cơ sở dữ liệu quốc gia."))


def _c7(f: DossierFacts) -> Criterion:
    if f.substantiated_complaints:
        return _c("c7", 0, _("Có phản ánh về hồ sơ được xác định là có cơ sở."))
    if f.outcome not in OUTCOME_POINTS:
        return _c("c7", None, _("Hồ sơ chưa có kết quả."))
    if f.outcome == "early":
        return _c("c7", 2, _("Trước hạn, không có phản ánh."))
    return _c("c7", 1, _("Không có phản ánh có cơ sở."))


def _c8(f: DossierFacts) -> Criterion:
    if f.unit_feedback_total == 0:
        return _c(
            "c8", 2, _("Đơn vị không có phản ánh, kiến nghị phải xử lý trong thời gian giải quyết hồ sơ.")
        )
    share = f.unit_feedback_on_time / f.unit_feedback_total
    text = _("%(ok)s/%(n)s phản ánh, kiến nghị của đơn vị được xử lý đúng hạn.") % {
        "ok": f.unit_feedback_on_time,
        "n": f.unit_feedback_total,
    }
    return _c("c8", 2 if share >= 1 else 1 if share >= 0.9 else 0, text)


def _c9(f: DossierFacts) -> Criterion:
    if f.online_level not in (OnlineLevel.FULL, OnlineLevel.PARTIAL):
        return _c("c9", 0, _("Thủ tục chưa được cung cấp trực tuyến."))
    if f.channel == Channel.ONLINE and f.outcome != "late":
        return _c("c9", 2, _("Nộp trực tuyến và không trễ hạn."))
    if f.channel == Channel.ONLINE:
        return _c("c9", 1, _("Nộp trực tuyến nhưng trễ hạn."))
    return _c("c9", 1, _("Thủ tục có dịch vụ trực tuyến nhưng hồ sơ nộp trực tiếp."))


def score_facts(facts: DossierFacts) -> Score:
    """The nine criteria, the total and the band: a pure function of ``facts``."""
    criteria = [rule(facts) for rule in (_c1, _c2, _c3, _c4, _c5, _c6, _c7, _c8, _c9)]
    points = [c.points for c in criteria if c.points is not None]
    total = sum(points)
    scaled = total * MAX_TOTAL / (2 * len(points)) if points else 0.0
    band = band_for(scaled)
    return Score(
        criteria=criteria,
        total=total,
        scored=len(points),
        band=band,
        band_label=str(BAND_LABELS.get(band, band)),
    )


def gather(dossier: Dossier, *, as_of: dt.datetime | None = None) -> DossierFacts:
    """Read what the criteria need about ``dossier``."""
    as_of = as_of or timezone.now()
    agencies: dict[str, list[str]] = {}
    for name, outcome in (
        DossierStep.objects.filter(dossier=dossier, finished_at__isnull=False)
        .order_by("seq")
        .values_list("unit__name", "outcome")
    ):
        agencies.setdefault(name, []).append(outcome)
    version = dossier.procedure_version
    substantiated = Feedback.objects.filter(dossier=dossier, substantiated=True).count()
    start = dossier.received_at or dossier.submitted_at
    end = dossier.returned_at or dossier.finished_at or as_of
    total = on_time = 0
    if start is not None:
        unit_feedback = Feedback.objects.filter(
            handling_unit_id=dossier.resolving_unit_id, received_at__gte=start, received_at__lt=end
        )
        for f in unit_feedback:
            verdict = feedback_timeliness(f, as_of=end)
            if verdict == "pending":
                continue
            total += 1
            on_time += verdict == "on_time"
    return DossierFacts(
        outcome=dossier.outcome or "",
        agency_outcomes=agencies,
        supplement_count=dossier.supplement_count,
        channel=dossier.channel,
        return_method=dossier.return_method,
        received_at_one_stop=dossier.receiving_point.kind
        in (OrgUnitKind.ONE_STOP_CENTRE, OrgUnitKind.COMMUNE),
        online_level=version.online_level,
        on_national_database=version.published_on is not None,
        parts_complete=version.parts_complete,
        substantiated_complaints=substantiated,
        unit_feedback_total=total,
        unit_feedback_on_time=on_time,
    )


def score(dossier: Dossier) -> Score:
    return score_facts(gather(dossier))
