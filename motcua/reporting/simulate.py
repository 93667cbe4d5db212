"""A simulated history of dossiers, written in bulk, that obeys the rules of the dossier services.

``motcua simulate --dossiers N --start DATE --end DATE --seed S`` gives the scorecard, the reports and the
benchmarks data: dossiers that arrived between two dates and went through the published procedures'
processes. The per-dossier services are far too slow for a million dossiers, so this module replays what
they would write — the same fields, step rows, pause rows and hash-chained events, with the due moments from
the same calendar engine functions — in memory, and stores each batch at once (COPY on PostgreSQL,
``executemany`` on SQLite; model instances and ``bulk_create`` cost more than the simulation itself).

What the services do and this module copies (keep the two in step when a service changes):

* codes ``{point}-{YYMMDD}-{seq:04d}`` per receiving point and day (``motcua.dossiers.codes``), continuing the
  ``DossierCodeCounter`` rows, issued at the online submission or at the counter intake;
* receipt (``services.intake``): deemed receipt and due moment from the resolving unit's calendar, the intake
  step at the receiving point, the event data ``due_at`` (and ``channel`` at the counter) and ``components``
  as they stand at intake (paper at the counter: scans are attached after the receipt);
* routing, forwarding, hand-over and hand-back, send-back (``services.processing``, ``services.steps``): step
  due moments, the after-15:00 transfer rule, early / on time / late of every closed step;
* one supplement request with its pause, then the supplement, a withdrawal, or the closure by the nightly
  ``close_expired_supplements`` after 15 working days (``services.supplement``, ``services.pauses``); rare
  suspensions; one apology at least one day before the due date; withdrawals before the decision; the
  decision (with ``e_result``) and the return of the result. Fees are taken as paid at intake.

A story that runs past ``end`` stops there: the dossier keeps the state it had at the end of that day and has
no event after it. The days are simulated in blocks of ``BLOCK_DAYS``, each from its own random stream
derived from the seed, so the same seed, range, count and catalogue give the same dossiers whatever the
number of worker processes (only their database ids differ, and their codes when other dossiers were
received on those days). Simulated dossiers carry ``form_data["_simulated"] = True``; ``simulate`` refuses a
range that already has some unless asked to append.

Component files are not stored: a component keeps its origin, ``digitised`` flag and page count, with an
empty file. Applicants are synthetic, without accounts; officers are the demo staff where one holds the
step's role in the step's unit on that day, and otherwise an invented name without an account.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import multiprocessing
import queue
import random
import threading
import time
import traceback
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from decimal import Decimal
from functools import cached_property, partial
from operator import attrgetter
from typing import Any, cast

from django.conf import settings
from django.db import connection, connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Membership
from motcua.calendar.engine.deadlines import (
    Limit,
    Pause,
    classify,
    deemed_receipt,
    due_moment,
    shift_by_pauses,
)
from motcua.calendar.engine.snapshot import TZ, CalendarSnapshot, local_moment
from motcua.calendar.selectors import calendar_snapshot, resolve_hours
from motcua.catalogue.choices import (
    END,
    HOURS_PER_WORKING_DAY,
    PROCESS_ROLES,
    OnlineLevel,
    ResolvingRule,
    ResultType,
    StepUnitKind,
    SupplementRule,
)
from motcua.catalogue.conditions import ConditionFacts, available_actions
from motcua.catalogue.selectors import published_versions
from motcua.catalogue.spec import COMMUNE_AGENCY, ProcedureSpec, StepSpec
from motcua.core.text import fold
from motcua.core.validators import mst_check_digit
from motcua.dossiers.codes import DEFAULT_PATTERN
from motcua.dossiers.events import GENESIS, _digest
from motcua.dossiers.models import (
    ApplicantKind,
    Channel,
    ComponentOrigin,
    Decision,
    Dossier,
    DossierCodeCounter,
    DossierComponent,
    DossierEvent,
    DossierPause,
    DossierStep,
    FeeStatus,
    HandoverMode,
    PauseKind,
    ReturnMethod,
)
from motcua.dossiers.procedure import (
    ROUTING_CUTOFF,
    SUPPLEMENT_WAIT_DAYS,
    legal_limit,
    procedure_spec,
    step_limit,
)
from motcua.dossiers.process import is_decision_action
from motcua.dossiers.status import DossierAction as A
from motcua.dossiers.status import DossierStatus as S
from motcua.org.models import OrgUnit, OrgUnitKind

#: The key of ``Dossier.form_data`` that marks a simulated dossier.
SIMULATED_KEY = "_simulated"

SECOND_US = 1_000_000
HOUR_US = 3600 * SECOND_US
DAY_US = HOURS_PER_WORKING_DAY * HOUR_US
#: ``close_expired_supplements`` is taken to run every night at this time (the scheduler's choice).
CLOSE_JOB_TIME = dt.time(0, 5)


@dataclass(frozen=True)
class SimulationConfig:
    """What to simulate. Shares are of the dossiers; the online share grows linearly over the range."""

    dossiers: int
    start: dt.date
    end: dt.date
    seed: int = 1
    batch: int = 2000
    online_start: float = 0.30
    online_end: float = 0.60
    postal: float = 0.03  # of the dossiers that are not online
    refused: float = 0.03  # of the online dossiers, refused at intake
    supplement: float = 0.08
    supplement_never: float = 0.25  # of the supplement requests: no supplement comes
    suspension: float = 0.005
    withdrawal: float = 0.01
    slow: float = 0.07  # dossiers whose processing overruns (most become late, some apologise)
    apology: float = 0.35  # of the slow dossiers
    send_back: float = 0.03
    not_eligible: float = 0.05
    e_result_start: float = 0.35
    e_result_end: float = 0.65
    paper_handover: float = 0.15

    def __post_init__(self) -> None:
        if self.dossiers < 0:
            raise ValueError("dossiers must be >= 0")
        if self.end < self.start:
            raise ValueError("end must not be before start")
        if self.batch < 1:
            raise ValueError("batch must be >= 1")


@dataclass
class SimulationResult:
    dossiers: int = 0
    events: int = 0
    steps: int = 0
    components: int = 0
    seconds: float = 0.0
    by_status: Counter[str] = field(default_factory=Counter)
    by_channel: Counter[str] = field(default_factory=Counter)
    by_outcome: Counter[str] = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        return self.dossiers / self.seconds if self.seconds > 0 else 0.0

    @property
    def late_share(self) -> float:
        """Late among the decided dossiers."""
        decided = sum(self.by_outcome.values())
        return self.by_outcome["late"] / decided if decided else 0.0


class SimulationError(Exception):
    """The simulation cannot run (nothing to simulate with, or the range is already simulated)."""


# -- synthetic people ------------------------------------------------------------------------------------

SURNAMES = (
    ("Nguyễn", 30), ("Lê", 12), ("Trần", 10), ("Phạm", 6), ("Trịnh", 5), ("Hoàng", 4), ("Vũ", 4),
    ("Lương", 2), ("Đỗ", 3), ("Bùi", 3), ("Đặng", 2), ("Ngô", 2), ("Mai", 2), ("Hà", 2), ("Đinh", 2),
    ("Cao", 1), ("Lường", 1), ("Quách", 1), ("Lò", 1), ("Phan", 2),
)  # fmt: skip
_SURNAME_LIST = [name for name, _w in SURNAMES]
_SURNAME_CUMULATIVE = list(itertools.accumulate(w for _n, w in SURNAMES))
MALE_MIDDLE = ("Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Xuân", "Ngọc", "Thanh", "Đình")
FEMALE_MIDDLE = ("Thị", "Thu", "Ngọc", "Thanh", "Minh", "Hồng", "Phương", "Thị Thu", "Kim", "Diệu")
MALE_GIVEN = (
    "An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hùng", "Huy", "Khánh", "Long", "Mạnh", "Nam",
    "Phong", "Quân", "Sơn", "Tâm", "Thắng", "Trung", "Tuấn", "Việt", "Vinh", "Lâm", "Toàn",
)  # fmt: skip
FEMALE_GIVEN = (
    "Anh", "Chi", "Dung", "Giang", "Hà", "Hằng", "Hạnh", "Hoa", "Hương", "Huyền", "Lan", "Linh", "Loan",
    "Mai", "Nga", "Nhung", "Oanh", "Phương", "Thảo", "Trang", "Vân", "Yến", "Thủy", "Ngân",
)  # fmt: skip
BUSINESS_FORMS = ("Công ty TNHH", "Công ty TNHH", "Công ty Cổ phần", "Hợp tác xã", "Doanh nghiệp tư nhân")
BUSINESS_NAMES = (
    "Thương mại Lam Sơn", "Xây dựng Hàm Rồng", "Dịch vụ Sầm Sơn", "Vận tải Nghi Sơn", "Nông sản Thọ Xuân",
    "Thực phẩm Hoằng Hóa", "Du lịch Biển Xanh", "Kỹ thuật Đông Sơn", "Đầu tư Hạc Thành", "Môi trường Xanh",
    "Cơ khí Bỉm Sơn", "May mặc Quảng Xương", "Dược phẩm Sông Mã", "Gốm sứ Hà Trung", "Thủy sản Hải Tiến",
)  # fmt: skip
STREETS = ("Lê Lợi", "Trần Phú", "Quang Trung", "Bà Triệu", "Lý Thường Kiệt", "Hàng Than", "Nguyễn Trãi",
           "Lê Hoàn", "Phan Chu Trinh", "Hạc Thành")  # fmt: skip
MOBILE_PREFIXES = ("32", "33", "34", "35", "36", "37", "38", "39", "86", "88", "90", "91", "94", "96",
                   "97", "98", "81", "83", "84", "70", "76", "77", "78", "79")  # fmt: skip

REFUSE_REASONS = (
    "Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan, đề nghị nộp tại cơ quan có thẩm quyền.",
    "Tệp đính kèm không đọc được, thành phần hồ sơ không đúng mẫu quy định.",
    "Người nộp đã nộp trùng hồ sơ cho cùng một yêu cầu.",
)
SUPPLEMENT_REASONS = (
    "Tờ khai chưa ghi đầy đủ thông tin theo mẫu.",
    "Giấy tờ nộp kèm chưa rõ nét, chưa đủ căn cứ để giải quyết.",
    "Thông tin kê khai chưa khớp với giấy tờ nộp kèm.",
    "Giấy tờ đã hết hiệu lực, cần nộp bản còn hiệu lực.",
)
SUSPEND_REASONS = (
    "Chờ kết quả xác minh của cơ quan có liên quan.",
    "Chờ ý kiến của cơ quan phối hợp theo quy định của thủ tục.",
)
SUSPEND_BASIS = "Thời gian xác minh, lấy ý kiến không tính vào thời hạn giải quyết theo quy định của thủ tục"
APOLOGY_REASONS = (
    "Hồ sơ cần xác minh thêm thông tin với cơ quan có liên quan.",
    "Số lượng hồ sơ tăng cao, cán bộ xử lý chưa kịp hoàn thành trong thời hạn.",
    "Cần lấy thêm ý kiến của cơ quan phối hợp trước khi ban hành kết quả.",
)
WITHDRAW_REASONS = (
    "Tôi không còn nhu cầu giải quyết.",
    "Nộp nhầm thủ tục, xin rút hồ sơ để nộp lại.",
    "Gia đình thay đổi kế hoạch, xin dừng giải quyết hồ sơ.",
)
NOT_ELIGIBLE_NOTES = (
    "Không đủ điều kiện giải quyết theo quy định của thủ tục.",
    "Thông tin kê khai không khớp với cơ sở dữ liệu, không đủ căn cứ giải quyết.",
)
SEND_BACK_NOTES = (
    "Đề nghị rà soát lại nội dung thẩm định trước khi trình ký.",
    "Cần bổ sung ý kiến đánh giá của chuyên viên.",
)
APPROVED_NOTE = "Đủ điều kiện giải quyết."

#: Document types the national databases provide, and those a citizen's data store usually holds.
REGISTRY_TYPES = frozenset({"CCCD", "GIAY_KHAI_SINH", "XAC_NHAN_CU_TRU", "GCN_DKDN", "GCN_QSDD"})
NOT_REUSABLE_TYPES = frozenset({"", "TO_KHAI"})

#: Popularity of a procedure by its sector (folded name); others weigh 1.
SECTOR_WEIGHTS = (
    ("chung thuc", 10.0), ("ho tich", 6.0), ("cu tru", 6.0), ("dat dai", 4.0), ("bao hiem", 3.0),
    ("can cuoc", 3.0), ("duong bo", 3.0), ("thue", 2.0), ("ho kinh doanh", 2.0), ("doanh nghiep", 2.0),
    ("ly lich tu phap", 2.0), ("xuat nhap canh", 2.0), ("xay dung", 1.5),
)  # fmt: skip
WEEKDAY_LOAD = (1.15, 1.0, 1.0, 1.0, 0.9, 0.8, 0.8)


# -- the world: what the simulation reads from the database once ------------------------------------------


_SHARED_CALENDARS: dict[Any, CalendarSnapshot] = {}


@dataclass(eq=False)
class _Unit:
    pk: int
    code: str
    name: str
    kind: str
    valid_from: dt.date | None
    valid_to: dt.date | None

    @cached_property
    def cal(self) -> CalendarSnapshot:
        """The unit's calendar (its working hours), as ``procedure.calendar_for`` gives it to the services;
        units with the same working hours share one snapshot (building one takes tens of milliseconds)."""
        hours = resolve_hours(self.pk)
        shared = _SHARED_CALENDARS.get(hours)
        if shared is None:
            shared = _SHARED_CALENDARS[hours] = calendar_snapshot(org_unit=self.pk)
        return shared

    def valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


@dataclass(frozen=True)
class _Path:
    """The way through the process for one kind of applicant and channel (``None`` step: no such step)."""

    intake: StepSpec | None  # the first step when it is at the receiving point
    chain: tuple[StepSpec, ...]  # from the routing target to the decision step
    ending: StepSpec | None  # the step the decision opens (the return step), None when the process ends
    back: dict[int, tuple[int, ...]]  # chain index → earlier chain indices the process may send back to


@dataclass(eq=False)
class _Plan:
    version_id: int
    code: str
    spec: ProcedureSpec
    weight: float
    limit: Limit
    due_cutoff: dt.time | None  # as ``procedure.dossier_due`` uses it
    deemed_cutoff: dt.time | None  # as ``services.intake._start_clock`` uses it
    restart: bool
    day_based: bool
    fee: bool
    agency: _Unit | None
    fixed_units: dict[str, _Unit]  # step code → unit, for steps at a named unit
    paths: dict[tuple[str, str], _Path | None] = field(default_factory=dict)

    @property
    def online(self) -> bool:
        return self.spec.online_level != OnlineLevel.NONE


@dataclass(frozen=True)
class _Actor:
    pk: int | None
    label: str


class _Picker:
    """Weighted choice from a fixed list by bisection over the cumulative weights."""

    def __init__(self, items: Sequence[Any], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))

    def __bool__(self) -> bool:
        return bool(self.items)

    def pick(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.cumulative[-1])]


@dataclass(frozen=True)
class _Pickers:
    plans: _Picker
    online_plans: _Picker
    communes: _Picker
    commune_weights: list[float]


class World:
    """Units, calendars, procedures, staff and code counters, read once; the stories read only this."""

    def __init__(self, *, start: dt.date, end: dt.date) -> None:
        self.start, self.end = start, end
        _SHARED_CALENDARS.clear()  # the calendar tables may have changed since the last simulation
        self.pattern: str = getattr(settings, "MOTCUA_DOSSIER_CODE_PATTERN", DEFAULT_PATTERN)
        self.province_cal = calendar_snapshot(org_unit=None)
        for day in (start, end + dt.timedelta(days=400)):
            self.province_cal.index(day)  # raises OutOfCalendarRange early
        self.units: dict[int, _Unit] = {}
        self.by_code: dict[str, _Unit] = {}
        flags: dict[int, bool] = {}
        for unit in OrgUnit.objects.order_by("code"):
            u = _Unit(unit.pk, unit.code, unit.name, unit.kind, unit.valid_from, unit.valid_to)
            self.units[unit.pk] = u
            self.by_code[unit.code] = u
            flags[unit.pk] = unit.has_one_stop
        self.one_stop = [u for u in self.units.values() if flags[u.pk]]
        self.communes = [u for u in self.units.values() if u.kind == OrgUnitKind.COMMUNE]
        self.centres = [u for u in self.one_stop if u.kind == OrgUnitKind.ONE_STOP_CENTRE]
        self.plans = self._plans()
        if not self.plans:
            raise SimulationError(
                _("Không có thủ tục đã công bố nào có quy trình nội bộ dùng được để mô phỏng hồ sơ.")
            )
        if not self.communes or not self.one_stop:
            raise SimulationError(_("Chưa có đơn vị hành chính cấp xã hoặc điểm tiếp nhận một cửa."))
        self.staff = self._staff()
        self.counters: dict[tuple[str, dt.date], int] = {
            (prefix, day): last
            for prefix, day, last in DossierCodeCounter.objects.filter(day__range=(start, end)).values_list(
                "prefix", "day", "last"
            )
        }
        self.touched: set[tuple[str, dt.date]] = set()
        self._synthetic: dict[tuple[int, str], _Actor] = {}
        self._pickers: _Pickers | None = None

    def pickers(self) -> _Pickers:
        if self._pickers is None:
            online = [p for p in self.plans if p.online]
            weights = [1.5 if u.name.startswith("Phường") else 1.0 for u in self.communes]
            self._pickers = _Pickers(
                plans=_Picker(self.plans, [p.weight for p in self.plans]),
                online_plans=_Picker(online, [p.weight for p in online]),
                communes=_Picker(self.communes, weights),
                commune_weights=weights,
            )
        return self._pickers

    # procedures

    def _plans(self) -> list[_Plan]:
        plans = []
        for version in published_versions().select_related("sector").order_by("code"):
            spec = procedure_spec(version)
            if not spec.process.steps or not spec.components:
                continue
            agency = self.by_code.get(spec.agency) if spec.agency and spec.agency != COMMUNE_AGENCY else None
            if spec.resolving_unit == ResolvingRule.AGENCY and agency is None:
                continue
            fixed = {s.code: self.by_code.get(s.unit) for s in spec.process.steps if s.unit_kind == "unit"}
            if any(unit is None for unit in fixed.values()):
                continue
            sector = fold(version.sector.name)
            weight = next((w for key, w in SECTOR_WEIGHTS if key in sector), 1.0)
            limit = legal_limit(spec)
            tl = spec.time_limit
            plans.append(
                _Plan(
                    version_id=version.pk,
                    code=spec.code,
                    spec=spec,
                    weight=weight,
                    limit=limit,
                    due_cutoff=(tl.cutoff or dt.time(15, 0)) if tl.after_cutoff else None,
                    deemed_cutoff=(tl.cutoff or None) if tl.after_cutoff else None,
                    restart=spec.supplement_rule == SupplementRule.RESTART,
                    day_based=limit.is_day_based,
                    fee=any(f.amount > 0 for f in spec.fees),
                    agency=agency,
                    fixed_units={code: unit for code, unit in fixed.items() if unit is not None},
                )
            )
        return [p for p in plans if any(self.path(p, k, c) for k in p.spec.applicant_types for c in Channel)]

    def path(self, plan: _Plan, kind: str, channel: str) -> _Path | None:
        key = (kind, channel)
        if key not in plan.paths:
            plan.paths[key] = _walk(plan.spec, kind, channel)
        return plan.paths[key]

    # people

    def _staff(self) -> dict[tuple[int, str], list[tuple[_Actor, dt.date | None, dt.date | None]]]:
        staff: dict[tuple[int, str], list[tuple[_Actor, dt.date | None, dt.date | None]]] = {}
        rows = Membership.objects.select_related("user").filter(user__is_active=True).order_by("pk")
        for m in rows:
            label = m.user.get_full_name() or m.user.get_username()
            staff.setdefault((m.org_unit_id, m.role), []).append(
                (_Actor(m.user.pk, label), m.valid_from, m.valid_to)
            )
        return staff

    def actor(self, unit: _Unit, role: str, day: dt.date) -> _Actor:
        """The demo officer holding ``role`` at ``unit`` on ``day``, else an invented officer (no account)."""
        key = (unit.pk, role)
        for actor, valid_from, valid_to in self.staff.get(key, ()):
            if (valid_from is None or valid_from <= day) and (valid_to is None or day <= valid_to):
                return actor
        found = self._synthetic.get(key)
        if found is None:
            h = zlib.crc32(f"{unit.code}/{role}".encode())
            female = h % 2 == 1
            surname = SURNAMES[h % len(SURNAMES)][0]
            middle = (FEMALE_MIDDLE if female else MALE_MIDDLE)[(h >> 3) % 10]
            given = (FEMALE_GIVEN if female else MALE_GIVEN)[(h >> 7) % len(MALE_GIVEN)]
            found = self._synthetic[key] = _Actor(None, f"{surname} {middle} {given}")
        return found

    def next_code(self, point: _Unit, moment: dt.datetime) -> str:
        local = moment.astimezone(TZ)
        key = (point.code, local.date())
        seq = self.counters.get(key, 0) + 1
        self.counters[key] = seq
        self.touched.add(key)
        return self.pattern.format(agency=point.code, yymmdd=local.strftime("%y%m%d"), seq=seq)


def _walk(spec: ProcedureSpec, kind: str, channel: str) -> _Path | None:
    """The forward path through the process, as ``dossiers.demo`` walks it: the first available action to a
    step not visited yet, and the first decision action when none is left. None when there is no way."""
    process = spec.process
    facts = ConditionFacts(
        fee_paid=True,  # fee-bearing dossiers are paid at intake in the simulation
        result_type=spec.result_type,
        applicant_type=kind,
        channel="post" if channel == Channel.POSTAL else channel,
    )

    def actions(code: str) -> list[Any]:
        return available_actions(process, step=code, facts=facts, roles=PROCESS_ROLES)

    first = process.steps[0]
    intake: StepSpec | None = None
    target: StepSpec | None = first
    if first.unit_kind == StepUnitKind.RECEIVING:
        intake = first
        # ``dossier_route`` takes the first action of the process from the intake step, if available
        wanted = next((a.to_step for a in process.actions if a.from_step == first.code), "")
        if wanted not in {a.to_step for a in actions(first.code)}:
            return None
        target = process.step(wanted)
        if target is None or target.unit_kind == StepUnitKind.RECEIVING:
            return None
    assert target is not None  # noqa: S101 - steps[0] exists
    chain = [target]
    visited = {target.code, *([intake.code] if intake else [])}
    while True:
        available = actions(chain[-1].code)
        onward = [a for a in available if not is_decision_action(spec, a) and a.to_step not in visited]
        if onward:
            nxt = process.step(onward[0].to_step)
            if nxt is None:
                return None
            chain.append(nxt)
            visited.add(nxt.code)
            continue
        endings = [a for a in available if is_decision_action(spec, a)]
        if not endings:
            return None
        ending = None if endings[0].to_step == END else process.step(endings[0].to_step)
        break
    index = {s.code: i for i, s in enumerate(chain)}
    back: dict[int, tuple[int, ...]] = {}
    for i, step in enumerate(chain):
        targets = tuple(
            sorted(
                {index[a.to_step] for a in actions(step.code) if a.to_step in index and index[a.to_step] < i}
            )
        )
        if targets:
            back[i] = targets
    return _Path(intake=intake, chain=tuple(chain), ending=ending, back=back)


# -- one dossier's story ---------------------------------------------------------------------------------


class _Stop(Exception):
    """The story is over: it reached its end, or the next event would fall after the simulated range."""


_STEP_LIMITS: dict[int, tuple[StepSpec, Limit, int]] = {}


def _step_limit(step: StepSpec) -> tuple[Limit, int]:
    """``procedure.step_limit`` of a step and its nominal working time, memoised (specs are immutable)."""
    found = _STEP_LIMITS.get(id(step))
    if found is None or found[0] is not step:
        limit = step_limit(step)
        nominal = limit.days * DAY_US if limit.is_day_based else limit.microseconds
        found = _STEP_LIMITS[id(step)] = (step, limit, nominal)
    return found[1], found[2]


def _after(cal: CalendarSnapshot, moment: dt.datetime, work_us: float) -> dt.datetime:
    """The moment when ``work_us`` of working time has passed since ``moment`` (whole seconds, >= 1 min)."""
    us = max(60 * SECOND_US, int(work_us) // SECOND_US * SECOND_US)
    return cal.moment_at(cal.working_us(moment) + us)


def _utc_iso(moment: dt.datetime) -> str:
    """A moment as the services write one they read back from the database (UTC)."""
    return moment.astimezone(dt.UTC).isoformat()


@dataclass
class _Arrival:
    at: dt.datetime
    plan: _Plan
    path: _Path
    channel: str
    kind: str
    point: _Unit
    commune: _Unit
    resolving: _Unit
    position: float  # 0 at the start of the range, 1 at its end


@dataclass(slots=True)
class _DossierRow:
    """A ``Dossier`` row, with the same attribute names as the model (fields not named here get the
    model's default when written)."""

    procedure_version_id: int
    channel: str
    applicant_kind: str
    applicant_name: str
    applicant_personal_id: str
    applicant_tax_code: str
    applicant_phone: str
    applicant_email: str
    applicant_address: str
    applicant_commune_id: int
    receiving_point_id: int
    resolving_unit_id: int
    form_data: dict[str, Any]
    fee_status: str
    created_at: dt.datetime
    status: str = S.DRAFT.value
    code: str | None = None
    applicant_id: int | None = None
    submitted_at: dt.datetime | None = None
    received_at: dt.datetime | None = None
    deemed_received_at: dt.datetime | None = None
    due_at: dt.datetime | None = None
    original_due_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    returned_at: dt.datetime | None = None
    decision: str = ""
    decision_note: str = ""
    return_method: str = ""
    outcome: str = ""
    paused_from: str = ""
    supplement_count: int = 0
    apology_count: int = 0
    closing_reason: str = ""
    lock_version: int = 0
    search_text: str = ""
    id: int = 0


@dataclass(slots=True)
class _StepRow:
    """A ``DossierStep`` row (plain values: model instances cost too much per row)."""

    seq: int
    step_code: str
    name: str
    role: str
    unit_id: int
    inter_agency: bool
    handover_mode: str
    handed_over_by_id: int | None
    budget_amount: Decimal
    budget_unit: str
    started_at: dt.datetime
    due_at: dt.datetime | None
    finished_at: dt.datetime | None = None
    finished_by_id: int | None = None
    assignee_id: int | None = None
    outcome: str = ""
    note: str = ""
    dossier_id: int = 0


@dataclass(slots=True)
class _PauseRow:
    kind: str
    started_at: dt.datetime
    reason: str
    items: list[str]
    ended_at: dt.datetime | None = None
    dossier_id: int = 0


@dataclass(slots=True)
class _ComponentRow:
    position: int
    name: str
    required: bool
    document_type: str
    originals: int
    copies: int
    origin: str
    digitised: bool
    page_count: int
    checked: bool = False
    file: str = ""  # not stored: simulated components have no file
    original_name: str = ""
    sha256: str = ""
    size: int = 0
    dossier_id: int = 0


@dataclass(slots=True)
class _EventRow:
    """A ``DossierEvent`` row; ``events._digest`` reads the same attributes as on the model."""

    seq: int
    occurred_at: dt.datetime
    actor_id: int | None
    actor_label: str
    action: str
    from_status: str
    to_status: str
    from_step: str
    to_step: str
    unit_code: str
    note: str
    data: dict[str, Any]
    prev_hash: str = ""
    hash: str = ""
    dossier_id: int = 0


@dataclass
class Story:
    """What one dossier's story writes: the dossier row and its children (ids set when stored)."""

    dossier: _DossierRow
    steps: list[_StepRow]
    pauses: list[_PauseRow]
    components: list[_ComponentRow]
    events: list[_EventRow]


class _Sim:
    """Plays one dossier through the services' transitions, writing what each would write."""

    def __init__(self, world: World, config: SimulationConfig, rng: random.Random, arrival: _Arrival,
                 end_moment: dt.datetime) -> None:  # fmt: skip
        self.w, self.cfg, self.rng, self.a = world, config, rng, arrival
        self.end = end_moment
        self.plan = arrival.plan
        self.spec = arrival.plan.spec
        self.rcal = arrival.resolving.cal
        self.steps: list[_StepRow] = []
        self.pauses: list[_PauseRow] = []
        self.events: list[_EventRow] = []
        self.open: _StepRow | None = None
        self.open_unit: _Unit | None = None
        self.pause: _PauseRow | None = None
        self.last = arrival.at
        self.apology_u: float | None = None
        self.pace = 0.0
        self.supplement_at = self.suspend_at = self.withdraw_at = -1
        self.scan_share = 0.5 + 0.35 * arrival.position  # paper components scanned after a counter intake
        self.d = self._dossier()
        self.components = self._components()

    # -- the dossier row and its components -------------------------------------------------------------

    def _dossier(self) -> _DossierRow:
        rng, a = self.rng, self.a
        if a.kind == ApplicantKind.BUSINESS:
            name = f"{rng.choice(BUSINESS_FORMS)} {rng.choice(BUSINESS_NAMES)}"
            personal_id, tax_code = "", _tax_code(rng)
        else:
            name, personal_id = _person(rng)
            tax_code = ""
        if a.commune.name.startswith("Phường"):
            address = f"Số {rng.randint(1, 250)} phố {rng.choice(STREETS)}, {a.commune.name}, tỉnh Thanh Hóa"
        else:
            address = f"Thôn {rng.randint(1, 15)}, {a.commune.name}, tỉnh Thanh Hóa"
        email = ""
        if a.channel == Channel.ONLINE and rng.random() < 0.45:
            email = f"{fold(name).replace(' ', '.')}{rng.randint(1, 999)}@example.com"
        return _DossierRow(
            procedure_version_id=self.plan.version_id,
            channel=a.channel,
            applicant_kind=a.kind,
            applicant_name=name,
            applicant_personal_id=personal_id,
            applicant_tax_code=tax_code,
            applicant_phone=f"+84{rng.choice(MOBILE_PREFIXES)}{rng.randint(0, 9_999_999):07d}",
            applicant_email=email,
            applicant_address=address,
            applicant_commune_id=a.commune.pk,
            receiving_point_id=a.point.pk,
            resolving_unit_id=a.resolving.pk,
            form_data={SIMULATED_KEY: True},
            fee_status=FeeStatus.UNPAID if self.plan.fee else FeeStatus.NONE,
            created_at=a.at - dt.timedelta(minutes=rng.randint(5, 90))
            if a.channel == Channel.ONLINE
            else a.at,
        )

    def _components(self) -> list[_ComponentRow]:
        rng, pos, online = self.rng, self.a.position, self.a.channel == Channel.ONLINE
        p_registry, p_reused = 0.2 + 0.2 * pos, 0.15 + 0.2 * pos
        out = []
        for i, c in enumerate(self.spec.components, start=1):
            provided = c.required or rng.random() < 0.5
            origin, digitised, pages = "", False, 0
            if provided and online:
                if c.document_type in REGISTRY_TYPES and rng.random() < p_registry:
                    origin = ComponentOrigin.REGISTRY
                elif c.document_type not in NOT_REUSABLE_TYPES and rng.random() < p_reused:
                    origin, digitised, pages = ComponentOrigin.REUSED, True, rng.randint(1, 4)
                else:
                    origin, digitised, pages = ComponentOrigin.UPLOAD, True, rng.randint(1, 8)
            elif provided:
                origin = ComponentOrigin.PAPER
            out.append(
                _ComponentRow(
                    i, c.name, c.required, c.document_type, c.originals, c.copies, origin, digitised, pages
                )
            )
        return out

    def _component_summary(self) -> dict[str, int]:
        rows = self.components
        return {
            "total": len(rows),
            "digitised": sum(1 for c in rows if c.digitised),
            "reused": sum(1 for c in rows if c.origin == ComponentOrigin.REUSED),
            "from_store": sum(1 for c in rows if c.origin == ComponentOrigin.REGISTRY),
        }

    # -- the event log ----------------------------------------------------------------------------------

    def _at(self, moment: dt.datetime) -> dt.datetime:
        """Before a transition at ``moment``: stop when it is past the range, apologise when it is due."""
        if moment > self.end:
            self._maybe_apologise(self.end)
            raise _Stop
        self._maybe_apologise(moment)
        return moment

    def _record(self, at: dt.datetime, action: str, actor: _Actor, *, to_status: str | None = None,
                from_step: str = "", to_step: str = "", unit_code: str = "", note: str = "",
                data: dict[str, Any] | None = None) -> None:  # fmt: skip
        d = self.d
        from_status = d.status
        if to_status is not None:
            d.status = to_status
        d.lock_version += 1
        row = _EventRow(len(self.events) + 1, at, actor.pk, actor.label, action, from_status, d.status,
                        from_step, to_step, unit_code, note, data or {})  # fmt: skip
        self.events.append(row)
        self.last = at

    def _officer(self, unit: _Unit, role: str, at: dt.datetime) -> _Actor:
        if (unit.pk, role) not in self.w.staff:
            return self.w.actor(unit, role, self.end.date())  # an invented officer, whatever the day
        return self.w.actor(unit, role, at.astimezone(TZ).date())

    def _applicant(self) -> _Actor:
        return _Actor(None, self.d.applicant_name)

    # -- steps (services.steps) -------------------------------------------------------------------------

    def _unit_of(self, step: StepSpec) -> _Unit:
        kind = step.unit_kind
        if kind == StepUnitKind.RECEIVING:
            return self.a.point
        if kind == StepUnitKind.RESOLVING:
            return self.a.resolving
        return self.plan.fixed_units[step.code]

    def _open_step(self, step: StepSpec, *, at: dt.datetime, by: _Actor | None, mode: str = HandoverMode.ELECTRONIC,
                   routing: bool = False) -> _StepRow:  # fmt: skip
        unit = self._unit_of(step)
        start = deemed_receipt(unit.cal, at, cutoff=ROUTING_CUTOFF) if routing else at
        row = _StepRow(
            len(self.steps) + 1, step.code, step.name, step.role, unit.pk, step.inter_agency, mode,
            by.pk if by else None, step.budget.amount, step.budget.unit, start,
            due_moment(unit.cal, start, _step_limit(step)[0]),
        )  # fmt: skip
        self.steps.append(row)
        self.open, self.open_unit = row, unit
        return row

    def _close_step(self, at: dt.datetime, actor: _Actor | None, note: str = "") -> _StepRow:
        step, unit = self.open, self.open_unit
        assert step is not None and unit is not None  # noqa: S101 - callers hold an open step
        step.finished_at = max(at, step.started_at)
        step.finished_by_id = actor.pk if actor else None
        if step.due_at is not None:
            step.outcome = str(
                classify(unit.cal, finished=step.finished_at, due=step.due_at, day_based=self.plan.day_based)
            )
        step.note = note or step.note
        self.open = self.open_unit = None
        return step

    def _end_open_step(self, at: dt.datetime, *, note: str = "") -> str:
        """The open step ends without an outcome: at ``at`` for a closure, not before its start for a
        withdrawal (which also notes the reason), as those two services do."""
        step = self.open
        if step is None:
            return ""
        step.finished_at = max(at, step.started_at) if note else at
        step.note = note or step.note
        self.open = self.open_unit = None
        return step.step_code

    # -- pauses (services.pauses) -----------------------------------------------------------------------

    def _pause_open(self, kind: str, at: dt.datetime, reason: str, items: list[str] | None = None) -> None:
        self.d.paused_from = self.d.status
        self.pause = _PauseRow(kind, at, reason, items or [])
        self.pauses.append(self.pause)

    def _pause_close(self, at: dt.datetime) -> str | None:
        """End the open pause and move the due moments by it; returns the ``due_at`` the event shows (as
        the services write it: a moment computed now in local time, one read back from the row in UTC)."""
        d, pause = self.d, self.pause
        if pause is None:
            return None
        self.pause = None
        pause.ended_at = max(at, pause.started_at)
        assert d.due_at is not None and d.received_at is not None  # noqa: S101 - pauses come after receipt
        if pause.ended_at == pause.started_at:
            return _utc_iso(d.due_at)
        moved = Pause(pause.started_at, pause.ended_at)
        fresh = False
        if pause.started_at >= d.received_at:
            if d.apology_count:  # the agreed new date moves by the same pause
                due = shift_by_pauses(self.rcal, d.due_at.astimezone(dt.UTC), [moved])
            else:
                closed = [
                    Pause(p.started_at, p.ended_at)
                    for p in self.pauses
                    if p.ended_at and p.ended_at > p.started_at
                ]
                due = due_moment(self.rcal, d.received_at, self.plan.limit, cutoff=self.plan.due_cutoff,
                                 pauses=closed, restart=self.plan.restart)  # fmt: skip
            fresh = due.tzinfo is not dt.UTC
            d.due_at = due
        step, unit = self.open, self.open_unit
        if (
            step is not None
            and unit is not None
            and step.due_at is not None
            and pause.started_at >= step.started_at
        ):
            step.due_at = shift_by_pauses(unit.cal, step.due_at, [moved])
        return d.due_at.isoformat() if fresh else _utc_iso(d.due_at)

    # -- transitions ------------------------------------------------------------------------------------

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
        self._record(at, A.RECEIVE, officer, to_status=S.RECEIVED, to_step=to_step,
                     unit_code=self.a.point.code, data=data)  # fmt: skip

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
        self._pause_close(at)
        d.closing_reason = str(
            _("Quá %(days)s ngày làm việc không nhận được hồ sơ bổ sung.") % {"days": SUPPLEMENT_WAIT_DAYS}
        )
        d.finished_at = at
        self._end_open_step(at)
        self._record(at, A.CLOSE, _Actor(None, "system"), to_status=S.CLOSED, note=d.closing_reason)

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

    def withdraw(self, at: dt.datetime) -> None:
        d = self.d
        self._at(at)
        reason = self.rng.choice(WITHDRAW_REASONS)
        self._pause_close(at)
        from_step = self._end_open_step(at, note=reason)
        d.closing_reason = reason
        d.finished_at = at
        actor = (
            self._applicant()
            if d.channel == Channel.ONLINE
            else self._officer(self.a.point, "one_stop_officer", at)
        )
        self._record(at, A.WITHDRAW, actor, to_status=S.STOPPED, from_step=from_step, note=reason)

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
                     data={"decision": decision, "outcome": d.outcome, "e_result": e_result})  # fmt: skip

    def return_result(self, at: dt.datetime, method: str) -> None:
        d = self.d
        self._at(at)
        officer = self._officer(self.a.point, "one_stop_officer", at)
        from_step = self._close_step(at, officer).step_code if self.open is not None else ""
        d.returned_at, d.return_method = at, method
        self._record(at, A.RETURN_RESULT, officer, to_status=S.RETURNED, from_step=from_step,
                     unit_code=self.a.point.code, data={"method": method})  # fmt: skip

    # -- apology (services.apology) ---------------------------------------------------------------------

    def _maybe_apologise(self, until: dt.datetime) -> None:
        d = self.d
        if self.apology_u is None or d.apology_count or d.due_at is None:
            return
        if d.status not in (S.RECEIVED, S.PROCESSING, S.SUSPENDED):
            return
        cal = self.rcal
        due_day = d.due_at.astimezone(TZ).date()
        day = due_day - dt.timedelta(days=1)
        while not cal.is_working_day(day):
            day -= dt.timedelta(days=1)
        base = cal.working_us(cal.day_start(day))
        moment = cal.moment_at(
            base + int(self.apology_u * (cal.working_us(cal.day_end(day)) - base)) // SECOND_US * SECOND_US
        )
        if not (self.last <= moment <= until):
            return
        new_due = cal.day_end(cal.nth_working_day_after(due_day, self.rng.randint(3, 8)))
        previous = d.due_at
        d.due_at = new_due
        d.apology_count += 1
        leader = self._officer(self.a.resolving, "agency_leader", moment)
        self._record(moment, A.APOLOGISE, leader, note=self.rng.choice(APOLOGY_REASONS),
                     data={"previous_due_at": _utc_iso(previous), "new_due_at": new_due.isoformat()})  # fmt: skip

    # -- the story --------------------------------------------------------------------------------------

    def play(self) -> Story:
        with suppress(_Stop):
            self._story()
        return Story(self.d, self.steps, self.pauses, self.components, self.events)

    def _story(self) -> None:
        rng, cfg, a = self.rng, self.cfg, self.a
        if a.channel == Channel.ONLINE:
            self.submit(a.at)
            received = _after(a.point.cal, a.at, min(rng.expovariate(1 / (3 * HOUR_US)), 3 * DAY_US))
            if rng.random() < cfg.refused:
                self.refuse(received)
                return
        else:
            received = a.at
        self.receive(received)

        # The dossier's fortune, drawn once: its pace against the step budgets, and where (station 0 is the
        # intake step, station i + 1 the chain's step i) the exceptional things happen, each at most once.
        chain = a.path.chain
        stations: list[StepSpec | None] = [a.path.intake, *chain]
        slow = rng.random() < cfg.slow
        self.pace = rng.uniform(1.15, 1.9) if slow else 0.04 + 0.6 * rng.betavariate(2, 5)
        if slow and rng.random() < cfg.apology:
            self.apology_u = rng.uniform(0.05, 0.9)
        self.supplement_at = self.suspend_at = self.withdraw_at = -1
        if rng.random() < cfg.supplement:
            able = [i for i, s in enumerate(stations) if s is not None and s.can_request_supplement]
            self.supplement_at = rng.choice(able) if able else -1
        if rng.random() < cfg.suspension:
            self.suspend_at = rng.randrange(1, len(stations))
        if rng.random() < cfg.withdrawal:
            self.withdraw_at = rng.randrange(0 if a.path.intake else 1, len(stations))
        send_back = rng.random() < cfg.send_back and bool(a.path.back)

        if a.path.intake is not None:
            done = self._work(0, a.path.intake)
        else:
            done = _after(a.point.cal, received, rng.uniform(0.2, 2) * HOUR_US)
        self.route(done, chain[0], paper=rng.random() < 0.02)
        i = 0
        while True:
            done = self._work(i + 1, chain[i])
            targets = a.path.back.get(i, ())
            if send_back and targets:
                send_back = False
                j = rng.choice(targets)
                self.send_back(done, chain[j])
                i = j
                continue
            if i == len(chain) - 1:
                break
            nxt = chain[i + 1]
            handover = nxt.inter_agency != chain[i].inter_agency
            paper = handover and rng.random() < cfg.paper_handover * (1.3 - 0.6 * a.position)
            self.forward(done, nxt, paper=paper)
            i += 1
        self._decide_and_return(done)

    def _work(self, station: int, spec_step: StepSpec) -> dt.datetime:
        """The open step's work, with what happens inside it; returns the moment it is done."""
        rng, cfg = self.rng, self.cfg
        step, unit = self.open, self.open_unit
        assert step is not None and unit is not None  # noqa: S101 - a step is open while work goes on
        duration = self.pace * math.exp(rng.gauss(0, 0.35)) * _step_limit(spec_step)[1]
        t = step.started_at
        if station == self.supplement_at:
            self.supplement_at = -1
            u = rng.uniform(0.1, 0.9)
            t = _after(unit.cal, t, u * duration)
            duration *= 1 - u
            self.request_supplement(t)
            if rng.random() < cfg.supplement_never:
                if rng.random() < 0.3:  # the applicant gives up
                    self.withdraw(_after(self.rcal, t, rng.uniform(2, 12) * DAY_US))
                else:  # the nightly job closes it the night after the 15th working day
                    deadline = due_moment(self.rcal, t, Limit.working_days(SUPPLEMENT_WAIT_DAYS))
                    night = deadline.astimezone(TZ).date() + dt.timedelta(days=1)
                    self.close(dt.datetime.combine(night, CLOSE_JOB_TIME, tzinfo=TZ))
                raise _Stop
            t = _after(self.rcal, t, min(rng.expovariate(1 / (3 * DAY_US)), 14 * DAY_US))
            self.supplement(t)
        if station == self.suspend_at:
            self.suspend_at = -1
            u = rng.uniform(0.1, 0.9)
            t = _after(unit.cal, t, u * duration)
            duration *= 1 - u
            self.suspend(t)
            t = _after(self.rcal, t, rng.uniform(2, 10) * DAY_US)
            self.resume(t)
        if station == self.withdraw_at:
            self.withdraw(_after(unit.cal, t, rng.uniform(0.1, 0.9) * duration))
            raise _Stop
        return _after(unit.cal, t, duration)

    def _decide_and_return(self, at: dt.datetime) -> None:
        rng, cfg, a = self.rng, self.cfg, self.a
        decision = Decision.NOT_ELIGIBLE if rng.random() < cfg.not_eligible else Decision.APPROVED
        result_type = self.spec.result_type
        if result_type == ResultType.ELECTRONIC:
            e_result = rng.random() < 0.95
        elif result_type == ResultType.NONE:
            e_result = False
        else:
            e_result = (
                rng.random() < cfg.e_result_start + (cfg.e_result_end - cfg.e_result_start) * a.position
            )
        e_result = e_result and decision == Decision.APPROVED
        self.decide(at, decision=decision, e_result=e_result)
        cal = a.point.cal
        if a.channel == Channel.ONLINE and e_result and rng.random() < 0.85:
            method, wait = ReturnMethod.ONLINE, rng.uniform(0.05, 4) * HOUR_US
        elif a.channel == Channel.POSTAL or rng.random() < 0.08:
            method, wait = ReturnMethod.POST, rng.uniform(0.5, 2) * DAY_US
        else:
            method, wait = ReturnMethod.COUNTER, min(rng.expovariate(1 / (1.5 * DAY_US)), 40 * DAY_US)
        if rng.random() < 0.02:
            wait += 60 * DAY_US  # the applicant does not come for a long time
        self.return_result(_after(cal, at, wait), method)


def _person(rng: random.Random) -> tuple[str, str]:
    female = rng.random() < 0.5
    surname = rng.choices(_SURNAME_LIST, cum_weights=_SURNAME_CUMULATIVE)[0]
    middle = rng.choice(FEMALE_MIDDLE if female else MALE_MIDDLE)
    given = rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)
    year = rng.randint(1950, 2006)
    century = (0 if year < 2000 else 2) + (1 if female else 0)
    return f"{surname} {middle} {given}", f"038{century}{year % 100:02d}{rng.randint(0, 999_999):06d}"


def _tax_code(rng: random.Random) -> str:
    while True:
        first = f"28{rng.randint(0, 9_999_999):07d}"
        check = mst_check_digit(first)
        if check < 10:
            return f"{first}{check}"


# -- arrivals --------------------------------------------------------------------------------------------


def _spread(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainder: the counts add up exactly)."""
    whole = sum(weights)
    if total == 0 or whole <= 0:
        return [0] * len(weights)
    exact = [total * w / whole for w in weights]
    counts = [int(x) for x in exact]
    rest = total - sum(counts)
    for k in sorted(range(len(exact)), key=lambda k: (counts[k] - exact[k], k))[:rest]:
        counts[k] += 1
    return counts


#: Days simulated together from one random stream: the unit of work of a worker process. Changing it
#: changes the data a seed gives.
BLOCK_DAYS = 7


def day_counts(world: World, cfg: SimulationConfig) -> list[tuple[dt.date, int]]:
    """How many dossiers arrive on each day of the range (working days carry the counter load, and any day
    online submissions), from the seed's own stream."""
    rng = random.Random(cfg.seed)  # noqa: S311 - simulated data, reproducible by seed
    cal = world.province_cal
    span = max(1, (cfg.end - cfg.start).days)
    days = [cfg.start + dt.timedelta(days=k) for k in range((cfg.end - cfg.start).days + 1)]
    weights = []
    for day in days:
        pos = (day - cfg.start).days / span
        base = WEEKDAY_LOAD[day.weekday()] if cal.is_working_day(day) else 0.06
        weights.append(base * (0.9 + 0.2 * pos) * max(0.3, rng.gauss(1, 0.12)))
    return list(zip(days, _spread(cfg.dossiers, weights), strict=True))


def blocks(world: World, cfg: SimulationConfig) -> list[list[tuple[dt.date, int]]]:
    counts = day_counts(world, cfg)
    return [counts[k : k + BLOCK_DAYS] for k in range(0, len(counts), BLOCK_DAYS)]


def _arrivals(world: World, cfg: SimulationConfig, rng: random.Random,
              days: Sequence[tuple[dt.date, int]]) -> Iterator[_Arrival]:  # fmt: skip
    """The arrivals of ``days``, in time order."""
    cal = world.province_cal
    span = max(1, (cfg.end - cfg.start).days)
    pickers = world.pickers()
    for day, count in days:
        working = cal.is_working_day(day)
        if not count or not (working or pickers.online_plans):
            continue
        pos = (day - cfg.start).days / span
        share = cfg.online_start + (cfg.online_end - cfg.online_start) * pos
        valid = [k for k, u in enumerate(world.communes) if u.valid_on(day)]
        communes = (
            pickers.communes
            if len(valid) in (0, len(world.communes))
            else _Picker([world.communes[k] for k in valid], [pickers.commune_weights[k] for k in valid])
        )
        points = [u for u in world.one_stop if u.valid_on(day)] or world.one_stop
        centres = [u for u in world.centres if u.valid_on(day)]
        plans = pickers.plans if working else pickers.online_plans
        arrivals: list[_Arrival] = []
        for _n in range(count):
            arrival = _arrival(world, cfg, rng, day, pos, working, share, plans, communes, points, centres)
            if arrival is not None:
                arrivals.append(arrival)
        arrivals.sort(key=lambda x: x.at)
        yield from arrivals


def _arrival(world: World, cfg: SimulationConfig, rng: random.Random, day: dt.date, pos: float, working: bool,
             share: float, plans: _Picker, communes: _Picker, points: list[_Unit],
             centres: list[_Unit]) -> _Arrival | None:  # fmt: skip
    """One arrival on ``day`` (``plans``: the online-capable ones on a day off), or None when none fits."""
    for _attempt in range(20):
        plan: _Plan = plans.pick(rng)
        types = plan.spec.applicant_types
        business_share = 0.25 if len(types) > 1 else (1.0 if ApplicantKind.BUSINESS in types else 0.0)
        kind = ApplicantKind.BUSINESS if rng.random() < business_share else ApplicantKind.CITIZEN
        if kind not in types:
            kind = ApplicantKind(types[0])
        p_online = min(0.95, share * (1.3 if plan.spec.online_level == OnlineLevel.FULL else 0.8))
        if not working or (plan.online and rng.random() < p_online):
            channel = Channel.ONLINE
        else:
            channel = Channel.POSTAL if rng.random() < cfg.postal else Channel.COUNTER
        path = world.path(plan, kind, channel)
        if path is None:
            continue
        commune: _Unit = communes.pick(rng)
        point = _receiving_point(world, rng, plan, commune, points, centres)
        if point is None:
            continue
        rule = plan.spec.resolving_unit
        resolving = (
            plan.agency
            if rule == ResolvingRule.AGENCY
            else commune
            if rule == ResolvingRule.APPLICANT_COMMUNE
            else point
        )
        assert resolving is not None  # noqa: S101 - plans with the agency rule have an agency
        at = _arrival_moment(rng, point.cal, day, online=channel == Channel.ONLINE)
        return _Arrival(at, plan, path, channel, kind, point, commune, resolving, pos)
    return None


def _receiving_point(world: World, rng: random.Random, plan: _Plan, commune: _Unit, points: list[_Unit],
                     centres: list[_Unit]) -> _Unit | None:  # fmt: skip
    listed = plan.spec.receiving_points
    if listed:
        options = [u for u in points if u.code in listed] or [
            world.by_code[c] for c in listed if c in world.by_code
        ]
        return rng.choice(options) if options else None
    rule = plan.spec.resolving_unit
    local = [u for u in points if u.kind == OrgUnitKind.COMMUNE]
    if rule in (ResolvingRule.APPLICANT_COMMUNE, ResolvingRule.RECEIVING_POINT):
        r = rng.random()
        if r < 0.85 and commune in points:
            return commune
        if r < 0.9 and centres and rule == ResolvingRule.APPLICANT_COMMUNE:
            return rng.choice(centres)
        return rng.choice(local or points)
    if centres and rng.random() < 0.8:
        return rng.choice(centres)
    return rng.choice(local or points)


def _arrival_moment(rng: random.Random, cal: CalendarSnapshot, day: dt.date, *, online: bool) -> dt.datetime:
    if online and (not cal.is_working_day(day) or rng.random() < 0.25):
        hour = (
            rng.choice((0, 5, 6, 11, 12, 17, 18, 19, 20, 21, 22, 23))
            if rng.random() < 0.8
            else rng.randint(0, 23)
        )
        return local_moment(day, hour * HOUR_US + rng.randrange(0, 3600) * SECOND_US)
    start = cal.working_us(cal.day_start(day))
    span = cal.working_us(cal.day_end(day)) - start
    # mornings are busier
    offset = span * (rng.betavariate(1.3, 1.8) if rng.random() < 0.8 else rng.random())
    return cal.moment_at(start + max(SECOND_US, int(offset) // SECOND_US * SECOND_US))


def block_stories(world: World, cfg: SimulationConfig, index: int,
                  days: Sequence[tuple[dt.date, int]]) -> Iterator[Story]:  # fmt: skip
    """The stories of one block of days, from the block's own random stream."""
    rng = random.Random(f"{cfg.seed}/{index}")  # noqa: S311 - simulated data, reproducible by seed
    end_moment = dt.datetime.combine(cfg.end, dt.time(23, 59, 59), tzinfo=TZ)
    for arrival in _arrivals(world, cfg, rng, days):
        yield _Sim(world, cfg, rng, arrival, end_moment).play()


def stories(world: World, cfg: SimulationConfig) -> Iterator[Story]:
    """Every dossier's story, in arrival order. Pure given ``world`` (which it updates: the code counters)."""
    for index, days in enumerate(blocks(world, cfg)):
        yield from block_stories(world, cfg, index, days)


# -- writing ---------------------------------------------------------------------------------------------


def _chain(story: Story) -> None:
    """Chain the events exactly as ``events.dossier_event_record`` does (the dossier id is known)."""
    prev = GENESIS
    pk = story.dossier.id
    for event in story.events:
        event.dossier_id = pk
        event.prev_hash = prev
        event.hash = _digest(cast(DossierEvent, event))
        prev = event.hash


class _Table:
    """Rows of one model written without model instances: a binary COPY on PostgreSQL (with the columns'
    types, so psycopg dumps datetimes and JSON itself), ``executemany`` elsewhere (values converted as
    Django converts them for SQLite: datetimes as UTC text, JSON as text).

    ``row_type`` names the attributes the rows carry (the model's attribute names); any other concrete
    field except the automatic id gets the model's default.
    """

    def __init__(self, model: type[models.Model], row_type: type) -> None:
        carried = {f.name for f in dataclass_fields(row_type)}
        ops = connection.ops
        copy = connection.vendor == "postgresql"
        utc = connection.vendor == "sqlite" and connection.timezone_name == "UTC"
        given: list[str] = []
        given_columns: list[str] = []
        defaults: list[Any] = []
        default_columns: list[str] = []
        self.converters: list[tuple[int, Callable[[Any], Any]]] = []
        for f in model._meta.concrete_fields:
            converter: Callable[[Any], Any] | None = None
            if not copy and isinstance(f, models.JSONField):
                converter = partial(ops.adapt_json_value, encoder=f.encoder)
            elif not copy and isinstance(f, models.DateTimeField):
                converter = _sqlite_utc if utc else ops.adapt_datetimefield_value
            if f.attname in carried:
                if converter is not None:
                    self.converters.append((len(given), converter))
                given.append(f.attname)
                given_columns.append(f.column)
            elif not f.primary_key:
                default = f.get_default()
                defaults.append(
                    converter(default) if converter is not None and default is not None else default
                )
                default_columns.append(f.column)
        quote = ops.quote_name
        self.table = quote(model._meta.db_table)
        self.columns = ", ".join(quote(c) for c in [*given_columns, *default_columns])
        self.getter = attrgetter(*given)
        self.defaults = tuple(defaults)
        self.types: list[int] = []
        if copy:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {self.columns} FROM {self.table} LIMIT 0")  # noqa: S608 - names from the models
                self.types = [column.type_code for column in cursor.description]

    def write(self, objects: Sequence[Any]) -> None:
        if not objects:
            return
        getter, converters, defaults = self.getter, self.converters, self.defaults
        with connection.cursor() as cursor:
            if self.types:
                with cursor.copy(f"COPY {self.table} ({self.columns}) FROM STDIN (FORMAT BINARY)") as copy:
                    copy.set_types(self.types)
                    for o in objects:
                        copy.write_row((*getter(o), *defaults))
                return
            rows = []
            for o in objects:
                values = list(getter(o))
                for i, convert in converters:
                    if values[i] is not None:
                        values[i] = convert(values[i])
                rows.append((*values, *defaults))
            marks = ", ".join(["%s"] * len(rows[0]))
            cursor.executemany(f"INSERT INTO {self.table} ({self.columns}) VALUES ({marks})", rows)  # noqa: S608 - names from the models


def _sqlite_utc(value: dt.datetime) -> str:
    """``DatabaseOperations.adapt_datetimefield_value`` of SQLite for a UTC connection, without its checks."""
    return str(value.astimezone(dt.UTC).replace(tzinfo=None))


class _Tables:
    def __init__(self) -> None:
        self.dossiers = _Table(Dossier, _DossierRow)
        self.steps = _Table(DossierStep, _StepRow)
        self.pauses = _Table(DossierPause, _PauseRow)
        self.components = _Table(DossierComponent, _ComponentRow)
        self.events = _Table(DossierEvent, _EventRow)


def _new_dossier_ids(n: int) -> list[int]:
    """``n`` ids for new dossier rows, taken from the table's sequence (inside the writing transaction)."""
    table = Dossier._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n]
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor != "sqlite":
            raise SimulationError(_("Chỉ hỗ trợ mô phỏng trên PostgreSQL và SQLite."))
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        top = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        top = max(top, row[0] if row else 0)
    return list(range(top + 1, top + n + 1))


@transaction.atomic
def write_batch(batch: Sequence[Story], counters: dict[tuple[str, dt.date], int], *,
                tables: _Tables | None = None) -> None:  # fmt: skip
    """Store a batch of stories and the code counters they used (``counters``), in one transaction."""
    tables = tables or _Tables()
    for story, pk in zip(batch, _new_dossier_ids(len(batch)), strict=True):
        d = story.dossier
        d.id = pk
        d.search_text = fold(
            " ".join([d.code or "", d.applicant_name, d.applicant_personal_id, d.applicant_tax_code])
        )
        for step in story.steps:
            step.dossier_id = pk
        for pause in story.pauses:
            pause.dossier_id = pk
        for component in story.components:
            component.dossier_id = pk
        _chain(story)
    tables.dossiers.write([s.dossier for s in batch])
    tables.steps.write([row for s in batch for row in s.steps])
    tables.pauses.write([row for s in batch for row in s.pauses])
    tables.components.write([row for s in batch for row in s.components])
    tables.events.write([row for s in batch for row in s.events])
    if counters:
        DossierCodeCounter.objects.bulk_create(
            [DossierCodeCounter(prefix=p, day=d, last=last) for (p, d), last in sorted(counters.items())],
            update_conflicts=True,
            unique_fields=["prefix", "day"],
            update_fields=["last"],
        )


class _Writer:
    """Writes batches: in a thread of its own on PostgreSQL, so the database works while the next batch is
    simulated (waiting on the database releases the GIL); in the caller's thread otherwise, and always
    inside a transaction the caller holds (tests), where another connection would not see its rows."""

    def __init__(self) -> None:
        self.threaded = connection.vendor == "postgresql" and not connection.in_atomic_block
        self.error: BaseException | None = None
        self.queue: queue.Queue[tuple[list[Story], dict[tuple[str, dt.date], int]] | None] = queue.Queue(2)
        self.tables: _Tables | None = None
        self.thread: threading.Thread | None = None
        if self.threaded:
            self.thread = threading.Thread(target=self._run, name="motcua-simulate-writer", daemon=True)
            self.thread.start()

    def submit(self, batch: list[Story], counters: dict[tuple[str, dt.date], int]) -> None:
        if self.error is not None:
            raise self.error
        if self.thread is None:
            self.tables = self.tables or _Tables()
            write_batch(batch, counters, tables=self.tables)
        else:
            self.queue.put((batch, counters))

    def close(self) -> None:
        if self.thread is not None:
            self.queue.put(None)
            self.thread.join()
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        try:
            tables = _Tables()
            while (item := self.queue.get()) is not None:
                if self.error is None:
                    write_batch(*item, tables=tables)
        except BaseException as exc:  # handed to the simulating thread
            self.error = exc
            while self.queue.get() is not None:  # let the producer finish putting
                pass
        finally:
            connection.close()  # this thread's own connection


def simulated_in_range(start: dt.date, end: dt.date) -> int:
    """How many simulated dossiers arrived between ``start`` and ``end`` (local days, inclusive)."""
    lo = dt.datetime.combine(start, dt.time(0), tzinfo=TZ)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=TZ)
    return Dossier.objects.filter(
        **{f"form_data__{SIMULATED_KEY}": True}, submitted_at__gte=lo, submitted_at__lt=hi
    ).count()


def simulated_exist() -> bool:
    return Dossier.objects.filter(**{f"form_data__{SIMULATED_KEY}": True}).exists()


class _Tally:
    """Counts of a batch of stories (what a worker process reports to the parent)."""

    @staticmethod
    def of(batch: Sequence[Story]) -> dict[str, Any]:
        by_status: Counter[str] = Counter()
        by_channel: Counter[str] = Counter()
        by_outcome: Counter[str] = Counter()
        for story in batch:
            d = story.dossier
            by_status[d.status] += 1
            by_channel[d.channel] += 1
            if d.outcome:
                by_outcome[d.outcome] += 1
        return {
            "dossiers": len(batch),
            "events": sum(len(s.events) for s in batch),
            "steps": sum(len(s.steps) for s in batch),
            "components": sum(len(s.components) for s in batch),
            "by_status": dict(by_status),
            "by_channel": dict(by_channel),
            "by_outcome": dict(by_outcome),
        }

    @staticmethod
    def add(result: SimulationResult, tally: dict[str, Any]) -> None:
        result.dossiers += tally["dossiers"]
        result.events += tally["events"]
        result.steps += tally["steps"]
        result.components += tally["components"]
        result.by_status.update(tally["by_status"])
        result.by_channel.update(tally["by_channel"])
        result.by_outcome.update(tally["by_outcome"])


def _run_blocks(world: World, cfg: SimulationConfig, indices: Iterator[int],
                all_blocks: list[list[tuple[dt.date, int]]], report: Callable[[dict[str, Any]], None]) -> None:  # fmt: skip
    """Simulate and write the given blocks, reporting each batch written (or handed to the writer)."""
    writer = _Writer()
    batch: list[Story] = []

    def flush() -> None:
        writer.submit(list(batch), {key: world.counters[key] for key in world.touched})
        world.touched.clear()
        report(_Tally.of(batch))
        batch.clear()

    try:
        for index in indices:
            for story in block_stories(world, cfg, index, all_blocks[index]):
                batch.append(story)
                if len(batch) >= cfg.batch:
                    flush()
        if batch:
            flush()
    finally:
        writer.close()


def _worker(world: World, cfg: SimulationConfig, all_blocks: list[list[tuple[dt.date, int]]],
            todo: Any, done: Any) -> None:  # fmt: skip
    """A forked worker process: takes block indices until ``None``, reports tallies, then ``done``."""
    try:

        def indices() -> Iterator[int]:
            while (index := todo.get()) is not None:
                yield index

        _run_blocks(world, cfg, indices(), all_blocks, lambda tally: done.put(("batch", tally)))
        done.put(("done", None))
    except BaseException:  # reported to the parent, which stops the others
        done.put(("error", traceback.format_exc()))
    finally:
        connection.close()


def parallel_possible() -> bool:
    """Worker processes need PostgreSQL, fork, and no transaction of the caller (its rows are invisible to
    other connections)."""
    return (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and "fork" in multiprocessing.get_all_start_methods()
    )


def simulate(cfg: SimulationConfig, *, append: bool = False, workers: int = 1,
             progress: Callable[[SimulationResult], None] | None = None) -> SimulationResult:  # fmt: skip
    """Create ``cfg.dossiers`` simulated dossiers; refuses a range already simulated unless ``append``.

    ``workers`` > 1 forks that many processes (PostgreSQL only), each simulating and writing whole blocks
    of days; the data are the same as with one worker, only their ids and the order they are written in
    differ.
    """
    if not append and simulated_in_range(cfg.start, cfg.end):
        raise SimulationError(
            _(
                "Đã có hồ sơ mô phỏng trong khoảng %(start)s–%(end)s. Dùng --append để thêm hồ sơ mô phỏng "
                "vào khoảng này."
            )
            % {"start": cfg.start.strftime("%d/%m/%Y"), "end": cfg.end.strftime("%d/%m/%Y")}
        )
    started = time.perf_counter()
    world = World(start=cfg.start, end=cfg.end)
    all_blocks = blocks(world, cfg)
    result = SimulationResult()

    def report(tally: dict[str, Any]) -> None:
        _Tally.add(result, tally)
        result.seconds = time.perf_counter() - started
        if progress is not None:
            progress(result)

    workers = min(workers, len(all_blocks))
    if workers <= 1 or not parallel_possible():
        _run_blocks(world, cfg, iter(range(len(all_blocks))), all_blocks, report)
    else:
        _run_parallel(world, cfg, all_blocks, workers, report)
    result.seconds = time.perf_counter() - started
    return result


def _run_parallel(world: World, cfg: SimulationConfig, all_blocks: list[list[tuple[dt.date, int]]],
                  workers: int, report: Callable[[dict[str, Any]], None]) -> None:  # fmt: skip
    for unit in world.units.values():
        _ = unit.cal  # build the calendars once, before the fork
    world.pickers()
    connections.close_all()  # the children must not share the parent's connection
    context = multiprocessing.get_context("fork")
    todo: Any = context.Queue()
    done: Any = context.Queue()
    for index in range(len(all_blocks)):
        todo.put(index)
    for _n in range(workers):
        todo.put(None)
    processes = [
        context.Process(target=_worker, args=(world, cfg, all_blocks, todo, done)) for _n in range(workers)
    ]
    for process in processes:
        process.start()
    running, failure = workers, ""
    try:
        while running:
            kind, payload = done.get()
            if kind == "batch":
                report(payload)
            elif kind == "done":
                running -= 1
            else:
                failure, running = str(payload), 0
    finally:
        if failure:
            for process in processes:
                process.terminate()
        for process in processes:
            process.join()
    if failure:
        raise SimulationError(_("Một tiến trình mô phỏng bị lỗi:\n%(error)s") % {"error": failure})


#: The demo's simulated history: how many dossiers over the year before today, from a fixed seed.
DEMO_HISTORY_DOSSIERS = 2000
DEMO_HISTORY_SEED = 2025


def seed_demo_history(*, dossiers: int = DEMO_HISTORY_DOSSIERS) -> int:
    """One year of simulated history for the demo (a year before today to yesterday), then the scorecard's
    facts rebuilt; once: nothing is done when simulated dossiers exist. Returns how many were created."""
    if dossiers <= 0 or simulated_exist():
        return 0
    today = timezone.localdate()
    config = SimulationConfig(
        dossiers=dossiers,
        start=today - dt.timedelta(days=365),
        end=today - dt.timedelta(days=1),
        seed=DEMO_HISTORY_SEED,
    )
    created = simulate(config).dossiers
    from motcua.reporting.facts import facts_rebuild

    facts_rebuild()
    return created
