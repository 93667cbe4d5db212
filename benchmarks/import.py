"""The dossier history import (issue 13) against PostgreSQL's own COPY of the same dossier rows.

    .venv/bin/python benchmarks/import.py                          # 1,000,000 lines (~20–40 min here)
    .venv/bin/python benchmarks/import.py --lines 20000            # a quick run
    .venv/bin/python benchmarks/import.py --lines 20000 --profile  # the import under cProfile: top functions
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_bench_import .venv/bin/python benchmarks/import.py

What it does, in one run:

1. Creates a throwaway PostgreSQL database (default
   ``postgres://postgres@127.0.0.1:5432/motcua_bench_import``; it must not exist unless ``--replace``),
   migrates it, loads the demo organisation, accounts, calendar and catalogue.
2. Writes ``--lines`` history lines (``motcua.dossier-history/1``) to a temporary ``.jsonl`` file with a
   deterministic generator (``--seed``): receipts on working days of 2021-01-01 … 2025-12-31 over the
   published catalogue versions, each with a resolving unit valid on the receipt day (the agency, or the unit
   it succeeded — Sở TN&MT before the 2025 merger, a district before 1 July 2025 for commune procedures —
   since the importer rejects units not valid on the receipt day); online, counter and postal channels;
   2–6 steps (intake at the one-stop point, some inter-agency at tax, police or social insurance, electronic
   or on paper); supplement requests (a few twice) and suspensions; apologies; approved, not eligible,
   withdrawn, stopped for want of a supplement, refused at intake, and recent dossiers still open; fees and
   payments online or at the counter; 2–5 components of every origin; e-results; evaluations; a few PAKN.
   Due moments are given on most lines and left to the calendar engine on the others.
3. Dry-runs the first ``--sample`` lines (default 2,000) and stops with the rejection reasons if any line is
   rejected: the timed run must import every line.
4. Times ``history_import(path)`` of the whole file (wall clock, one transaction, commit included), with
   progress on stderr, and splits the time into phases by wrapping the importer's steps with a timer (a few
   microseconds per line): parse, schema, line hash, checks, lookups, build, ids and event chain, the COPY of
   each table, facts, history records, evaluations and PAKN, code counters, audit chain, commit (the deferred
   foreign-key checks), the rest (reading the file, the batch loop).
5. The baseline in the same run: the dossier rows as the import wrote them are copied out
   (``COPY (SELECT … FROM dossiers_dossier) TO STDOUT``, binary and text, into temporary files) and then,
   timed, copied in with ``COPY … FROM STDIN`` into a new table ``LIKE dossiers_dossier INCLUDING ALL`` (its
   indexes and defaults; no foreign keys), one transaction each, commit included. Prints lines, seconds,
   lines/s, the COPY's seconds and rows/s, and the ratio import / COPY (goal of issue 13: at most 10×,
   against the faster of the two formats). A second baseline does the same, in binary, for the other rows
   the import writes per line (steps, events, components, pauses): the ratio against it is the price of
   everything but the writing itself.

Peak RSS of this process (``resource.getrusage``) is printed after each stage. With ``--profile`` the import
runs under cProfile instead of the phase timer and the top functions (own time and cumulative) are printed;
its times are inflated by the profiler. The database is dropped at the end whatever happens (``--keep``
keeps it).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import itertools
import json
import os
import pstats
import random
import resource
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from lifecycle import Pg  # the throwaway database helper of the lifecycle benchmark

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/motcua_bench_import"
SETTINGS = "config.settings.dev"
FIRST_DAY = dt.date(2021, 1, 1)
LAST_DAY = dt.date(2025, 12, 31)  # receipts up to here
HORIZON = dt.date(2026, 10, 30)  # later moments (finishing, returning) stay before this day
DAY_MINUTES = 570  # a working day 07:30–17:00 as the generator counts it
OPEN_FROM = dt.date(2025, 11, 17)  # dossiers received from here on may still be open at the end of 2025


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@contextmanager
def stage(label: str) -> Iterator[None]:
    print(f"… {label}", end="", flush=True)
    started = time.perf_counter()
    yield
    print(f" ({time.perf_counter() - started:.1f} s; peak RSS {peak_rss_mb():,.0f} MB)", flush=True)


def prepare() -> None:
    from django.core.management import call_command

    from motcua.accounts.demo import seed_demo_accounts
    from motcua.calendar.demo import seed_demo_calendar
    from motcua.catalogue.demo import seed_demo_catalogue
    from motcua.org.demo import seed_demo_org

    call_command("migrate", verbosity=0, interactive=False)
    seed_demo_org()
    seed_demo_accounts()
    seed_demo_calendar()
    seed_demo_catalogue()


# -- the generator -----------------------------------------------------------------------------------------

SURNAMES = ["Nguyễn", "Lê", "Trần", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Trịnh", "Mai", "Lương", "Đặng"]
MIDDLE = ["Văn", "Thị", "Minh", "Thu", "Quốc", "Thanh", "Đức", "Ngọc", "Hữu", "Xuân"]
GIVEN = [
    "An",
    "Bình",
    "Châu",
    "Dũng",
    "Hoa",
    "Hùng",
    "Lan",
    "Mai",
    "Nam",
    "Phương",
    "Sơn",
    "Tâm",
    "Trang",
    "Vinh",
]
COMPANIES = ["Xây dựng Lam Sơn", "Thương mại Hạc Thành", "Vận tải Nghi Sơn", "Nông sản Thọ Xuân",
             "Dược phẩm Sầm Sơn", "Cơ khí Bỉm Sơn", "Du lịch Hải Tiến", "Thủy sản Hậu Lộc"]  # fmt: skip
STREETS = ["Lê Lợi", "Trần Phú", "Quang Trung", "Bà Triệu", "Hạc Thành", "Nguyễn Trãi", "Phan Chu Trinh"]
DOCUMENTS = [
    ("Đơn đề nghị (theo mẫu)", "DON"),
    ("Bản sao Giấy khai sinh", "GKS"),
    ("Căn cước công dân", "CCCD"),
    ("Giấy xác nhận tình trạng hôn nhân", "XNHN"),
    ("Giấy chứng nhận quyền sử dụng đất", "GCN"),
    ("Bản vẽ thiết kế", ""),
    ("Giấy chứng nhận đăng ký doanh nghiệp", "GCNDKDN"),
    ("Hợp đồng chuyển nhượng", ""),
    ("Tờ khai lệ phí trước bạ", ""),
    ("Văn bản ủy quyền (nếu có)", ""),
]
STEP_NAMES = [("XL", "Xử lý hồ sơ"), ("TD", "Thẩm định hồ sơ"), ("PD", "Trình phê duyệt"),
              ("KY", "Lãnh đạo ký duyệt"), ("VT", "Vào sổ, đóng dấu")]  # fmt: skip
PARTNERS = [
    ("H56.52", "Xác định nghĩa vụ tài chính"),
    ("H56.51", "Xác định nghĩa vụ tài chính"),
    ("H56.55", "Xác minh thông tin cư trú"),
    ("H56.54", "Xác nhận quá trình đóng bảo hiểm"),
]
DEMO_OFFICERS = {
    "H56.40": ["motcua.tinh"],
    "H56.19": ["chuyenvien.tnmt", "truongphong.tnmt", "lanhdao.tnmt"],
    "H56.52": ["chuyenvien.thue"],
    "H56.101": ["motcua.hacthanh", "lanhdao.hacthanh"],
}
CENTRE = "H56.40"
CCCD_PROVINCES = ["038", "038", "038", "038", "001", "040", "079", "037"]


class Generator:
    """History lines, reproducible by seed. Moments are counted in working minutes (``day index × 570 +
    minutes since 07:30``) over the calendar's working days, so that every moment falls within working
    hours and order is plain integer order."""

    def __init__(self, seed: int) -> None:
        from motcua.calendar.selectors import calendar_snapshot
        from motcua.catalogue.choices import OnlineLevel, ProcedureLevel, ResultType
        from motcua.catalogue.models import ProcedureVersion
        from motcua.core.validators import mst_check_digit
        from motcua.org.models import OrgUnit, OrgUnitKind

        self.rng = random.Random(seed)
        self.mst_check_digit = mst_check_digit
        cal = calendar_snapshot()
        days = [FIRST_DAY + dt.timedelta(days=i) for i in range((HORIZON - FIRST_DAY).days + 1)]
        self.days = [d for d in days if cal.is_working_day(d)]
        self.day_text = [d.isoformat() for d in self.days]
        self.yymmdd = [d.strftime("%y%m%d") for d in self.days]
        self.receipt_days = sum(1 for d in self.days if d <= LAST_DAY)
        self.open_from = next(i for i, d in enumerate(self.days) if d >= OPEN_FROM)
        self.last_minute = len(self.days) * DAY_MINUTES - 1

        units = {
            u["code"]: u
            for u in OrgUnit.objects.values("pk", "code", "kind", "valid_from", "valid_to", "successor__code")
        }
        self.units = units
        predecessors: dict[str, list[str]] = {}
        for u in units.values():
            if u["successor__code"]:
                predecessors.setdefault(u["successor__code"], []).append(u["code"])

        def family(code: str) -> list[str]:
            """The unit, the units it succeeded (transitively) and the ones that succeeded it."""
            seen, todo = [], [code]
            while todo:
                c = todo.pop()
                if c in seen:
                    continue
                seen.append(c)
                todo.extend(predecessors.get(c, []))
                if units[c]["successor__code"]:
                    todo.append(units[c]["successor__code"])
            return seen

        local = [c for c, u in units.items() if u["kind"] in (OrgUnitKind.COMMUNE, OrgUnitKind.DISTRICT)]
        self.versions: list[dict[str, Any]] = []
        for v in ProcedureVersion.objects.select_related("agency").order_by("code", "number"):
            if v.level == ProcedureLevel.COMMUNE:
                candidates, point = local, None
            elif v.agency is not None:
                candidates, point = family(v.agency.code), CENTRE
            else:
                continue
            amount = float(v.time_limit_amount)
            minutes = {
                "working_days": amount * DAY_MINUTES,
                "working_hours": amount * 60,
                "calendar_days": amount * DAY_MINUTES * 5 / 7,
                "same_day": DAY_MINUTES / 2,
            }[v.time_limit_unit]
            due_days = {"working_days": amount, "calendar_days": amount * 5 / 7}.get(v.time_limit_unit, 0)
            self.versions.append(
                {
                    "code": v.code,
                    "number": v.number,
                    "candidates": candidates,
                    "point": point,
                    "minutes": max(60.0, minutes),
                    "due_days": round(due_days),
                    "fee": v.has_fees,
                    "citizen": v.for_citizen or not v.for_business,
                    "business": v.for_business,
                    "full_online": v.online_level == OnlineLevel.FULL,
                    "electronic_result": v.result_type == ResultType.ELECTRONIC,
                }
            )
        weights = [1 + 20 * self.rng.random() ** 3 for _ in self.versions]
        self.cum_weights = list(itertools.accumulate(weights))
        # Units valid on a working day, by day index (only 6 or so distinct sets over the five years).
        self._valid: dict[int, frozenset[str]] = {}
        self.officers = {
            code: DEMO_OFFICERS.get(code, []) + [f"cb.{code.lower()}.{n}" for n in range(1, 4)]
            for code in units
        }
        self.counters: Counter[tuple[str, int]] = Counter()

    # moments

    def at(self, t: int) -> str:
        d, r = divmod(min(t, self.last_minute), DAY_MINUTES)
        m = 450 + r
        return f"{self.day_text[d]}T{m // 60:02d}:{m % 60:02d}:00+07:00"

    def at_day(self, d: int, minute: int) -> str:
        """A moment on working day ``d`` at any minute of the day (online submissions, due moments)."""
        d = min(d, len(self.days) - 1)
        return f"{self.day_text[d]}T{minute // 60:02d}:{minute % 60:02d}:00+07:00"

    def valid_on(self, d: int, code: str) -> bool:
        u = self.units[code]
        day = self.days[d]
        return (u["valid_from"] is None or u["valid_from"] <= day) and (
            u["valid_to"] is None or day <= u["valid_to"]
        )

    # people

    def citizen_id(self) -> str:
        rng = self.rng
        year = rng.randint(1950, 2006)
        century = (0 if year < 2000 else 2) + rng.randint(0, 1)
        return f"{rng.choice(CCCD_PROVINCES)}{century}{year % 100:02d}{rng.randrange(10**6):06d}"

    def tax_code(self) -> str:
        while True:
            first = f"28{self.rng.randrange(10**7):07d}"
            check = self.mst_check_digit(first)
            if check < 10:
                branch = f"-{self.rng.randint(1, 20):03d}" if self.rng.random() < 0.1 else ""
                return f"{first}{check}{branch}"

    def applicant(self, version: dict[str, Any], i: int) -> dict[str, Any]:
        rng = self.rng
        business = version["business"] and (not version["citizen"] or rng.random() < 0.2)
        a: dict[str, Any] = {"kind": "business" if business else "citizen"}
        if rng.random() < 0.05:
            a["pseudonym"] = f"anon-{i:x}-{rng.randrange(16**6):06x}"
        elif business:
            a["name"] = f"Công ty TNHH {rng.choice(COMPANIES)}"
            a["tax_code"] = self.tax_code()
        else:
            a["name"] = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            a["personal_id"] = self.citizen_id()
        if rng.random() < 0.7:
            a["phone"] = f"+849{rng.randrange(10**8):08d}"
        if rng.random() < 0.2:
            a["email"] = f"nguoinop{i}@example.vn"
        if rng.random() < 0.6:
            a["address"] = f"Số {rng.randint(1, 300)}, đường {rng.choice(STREETS)}, tỉnh Thanh Hóa"
        return a

    def components(self, channel: str) -> list[dict[str, Any]]:
        rng = self.rng
        if channel == "online":
            origins, weights = ["upload", "reused", "registry", "none"], [60, 15, 15, 10]
        else:
            origins, weights = ["counter_scan", "paper", "reused", "registry", "none"], [55, 30, 5, 5, 5]
        out = []
        for name, kind in rng.sample(DOCUMENTS, rng.randint(2, 5)):
            origin = rng.choices(origins, weights)[0]
            c: dict[str, Any] = {"name": name, "origin": origin}
            if kind:
                c["document_type"] = kind
            if origin == "none":
                c["required"] = False
            else:
                c["digitised"] = origin != "paper"
                c["pages"] = rng.randint(1, 12)
            out.append(c)
        return out

    # one line

    def line(self, i: int) -> dict[str, Any]:
        rng = self.rng
        while True:  # a version with a unit valid on the day (tax units have a gap in 2025)
            version = rng.choices(self.versions, cum_weights=self.cum_weights)[0]
            d = rng.randrange(self.receipt_days)
            units = [c for c in version["candidates"] if self.valid_on(d, c)]
            if units:
                break
        resolving = rng.choice(units)
        point = version["point"] or resolving
        channel = rng.choices(["online", "counter", "postal"], [45, 50, 5])[0]
        t0 = d * DAY_MINUTES + rng.randrange(DAY_MINUTES - 120)
        system = "igate-th" if version["point"] else "motcua-xa"
        self.counters[(point, d)] += 1
        obj: dict[str, Any] = {
            "format": "motcua.dossier-history/1",
            "source": {"system": system, "id": f"HS-{i:08d}"},
            "code": f"{point}-{self.yymmdd[d]}-{self.counters[(point, d)]:04d}",
            "procedure": {"code": version["code"]},
        }
        if rng.random() < 0.5:
            obj["procedure"]["version"] = version["number"]
        obj["applicant"] = self.applicant(version, i)
        obj["channel"] = channel
        obj["receiving_point"] = point
        obj["resolving_unit"] = resolving
        submitted: str | None = None
        if channel == "online":
            previous = max(d - rng.randint(0, 2), 0)
            minute = rng.randrange(0, 1380) if previous < d else 0
            submitted = (
                self.at_day(previous, minute) if previous < d else self.at(max(0, t0 - rng.randint(5, 60)))
            )
            obj["submitted_at"] = submitted

        roll = rng.random()
        is_open = d >= self.open_from and rng.random() < 0.5
        never_received = (not is_open and roll < 0.03) or (
            channel == "online" and not is_open and roll < 0.035
        )
        if channel == "online" and (never_received or is_open):
            # A dossier never received is checked against its units on the submission day: submitted on the
            # night before day ``d``'s opening, on the same day. (Dossiers still open may be the same.)
            obj["submitted_at"] = self.at_day(d, rng.randrange(450))
        if not is_open and roll < 0.03:  # refused at intake: never received
            if channel != "online":
                obj["submitted_at"] = self.at(t0)
            obj["decision"] = "refused"
            obj["decision_note"] = "Hồ sơ không thuộc thẩm quyền giải quyết"
            obj["finished_at"] = self.at(t0 + rng.randint(5, 40))
            obj["components"] = self.components(channel)
            return obj
        if channel == "online" and not is_open and roll < 0.035:  # withdrawn before the intake
            obj["decision"] = "withdrawn"
            obj["decision_note"] = "Công dân rút hồ sơ trước khi tiếp nhận"
            obj["finished_at"] = self.at(t0 + rng.randint(5, 600))
            obj["components"] = self.components(channel)
            return obj
        if is_open and channel == "online" and rng.random() < 0.02:  # still awaiting the intake
            obj["components"] = self.components(channel)
            return obj

        if is_open:
            decision = ""
        else:
            decision = rng.choices(["approved", "not_eligible", "withdrawn", "stopped"], [93, 3, 2.5, 1.5])[0]
        decided = decision in ("approved", "not_eligible")
        obj["received_at"] = self.at(t0)
        if rng.random() < 0.7:
            obj["due_at"] = self.at_day(d + version["due_days"], 1020)
        span = int(version["minutes"] * min(rng.lognormvariate(-0.5, 0.5), 4.0)) + 180

        # Pauses inside the processing time: a supplement (some twice), a suspension; a stop for want of
        # a supplement ends with the supplement still open.
        pauses: list[dict[str, Any]] = []
        pause_total = 0
        wanted = []
        if decision == "stopped":
            wanted = ["supplement_open"]
        else:
            if rng.random() < 0.08:
                wanted.append("supplement")
                if rng.random() < 0.15:
                    wanted.append("supplement")
            if rng.random() < 0.01:
                wanted.append("suspension")
        cursor = t0 + rng.randint(30, max(31, span // 3))
        for kind in wanted:
            length = rng.randint(1, 8) * DAY_MINUTES + rng.randrange(DAY_MINUTES)
            p: dict[str, Any] = {
                "kind": "suspension" if kind == "suspension" else "supplement",
                "from": self.at(cursor),
                "reason": "Bổ sung giấy tờ còn thiếu" if kind != "suspension" else "Chờ kết quả giám định",
            }
            if kind == "supplement_open":
                p["to"] = None
                pause_total += length * 3
            else:
                p["to"] = self.at(cursor + length)
                pause_total += length
            pauses.append(p)
            cursor += length + rng.randint(60, 600)
        end = max(t0 + span + pause_total, cursor + 30)
        if decision == "withdrawn":
            end = t0 + rng.randint(60, span + pause_total)
            pauses = [p for p in pauses if p["to"] is None or p["to"] <= self.at(end)]
        if is_open:  # cut at the end of 2025: what happened by then
            end = min(end, self.receipt_days * DAY_MINUTES - 1)
            pauses = [p for p in pauses if p["from"] <= self.at(end)]
            for p in pauses:
                if p["to"] is not None and p["to"] > self.at(end):
                    p["to"] = None
            if len(pauses) > 1 and pauses[0]["to"] is None:
                pauses = pauses[:1]

        # Steps: intake at the receiving point, then the resolving unit, perhaps an inter-agency one.
        count = rng.randint(2, 6) if version["point"] else rng.randint(2, 4)
        if decision == "withdrawn" and end - t0 < 200:
            count = 1
        partner = None
        if count >= 3 and version["point"] and rng.random() < 0.3:
            partners = [p for p in PARTNERS if p[0] != resolving and self.valid_on(d, p[0])]
            partner = rng.choice(partners) if partners else None
        intake_end = t0 + rng.randint(5, 60)
        cuts = sorted(rng.randint(intake_end + 1, max(intake_end + 2, end - 1)) for _ in range(count - 2))
        bounds = [t0, intake_end, *cuts, end] if count > 1 else [t0, end]
        steps = []
        partner_at = rng.randint(1, count - 2) if partner and count >= 3 else -1
        names = rng.sample(STEP_NAMES, len(STEP_NAMES))
        for k in range(count):
            if k == 0:
                unit, code, name = point, "TN", "Tiếp nhận hồ sơ"
            elif k == partner_at and partner is not None:
                unit, code, name = partner[0], "LT", partner[1]
            else:
                unit = resolving
                code, name = names[k % len(names)]
                code = f"{code}{k}"
            s: dict[str, Any] = {
                "code": code,
                "name": name,
                "unit": unit,
                "officer": rng.choice(self.officers[unit]),
                "received_at": self.at(bounds[k]),
                "handed_over_at": self.at(bounds[k + 1]),
            }
            if k == partner_at:
                s["inter_agency"] = True
                s["mode"] = "electronic" if rng.random() < 0.85 else "paper"
            elif rng.random() < 0.05:
                s["mode"] = "paper"
            if rng.random() < 0.5:
                s["due_at"] = self.at(
                    bounds[k] + max(60, (bounds[k + 1] - bounds[k]) * rng.choice([1, 1, 2]))
                )
            steps.append(s)
        if is_open:
            steps[-1]["handed_over_at"] = None
        obj["steps"] = steps
        if pauses:
            obj["pauses"] = pauses

        if decided and "due_at" in obj and not pauses and rng.random() < 0.03:
            apology_at = t0 + (end - t0) // 2
            obj["apology"] = {
                "at": self.at(apology_at),
                "new_due_at": self.at_day(max(d + version["due_days"], apology_at // DAY_MINUTES) + 3, 1020),
                "reason": "Cần xác minh thêm tại thực địa",
            }
        if decision:
            obj["decision"] = decision
            obj["decision_note"] = {
                "approved": "Cấp kết quả theo đề nghị",
                "not_eligible": "Không đủ điều kiện theo quy định",
                "withdrawn": "Công dân đề nghị dừng giải quyết",
                "stopped": "Quá hạn bổ sung hồ sơ",
            }[decision]
            obj["finished_at"] = self.at(end)
        if decided:
            electronic = rng.random() < (0.4 + 0.1 * (self.days[d].year - 2021))
            obj["result"] = {
                "electronic": electronic,
                "signed": electronic,
                "reference": f"KQ-{i:08d}",
                "issued_at": self.at(end + rng.randint(0, 30)),
            }
            if rng.random() < 0.95:
                returned = end + rng.randint(30, 4 * DAY_MINUTES)
                obj["returned_at"] = self.at(returned)
                if channel == "online" and electronic and rng.random() < 0.7:
                    obj["return_method"] = "online"
                else:
                    obj["return_method"] = "post" if rng.random() < 0.1 else "counter"
            else:
                returned = end
            if rng.random() < 0.25:
                obj["evaluation"] = {
                    "satisfaction": rng.choices(["very_satisfied", "satisfied", "dissatisfied"], [55, 40, 5])[
                        0
                    ],
                    "channel": rng.choice(["portal", "kiosk", "link"]),
                    "at": self.at(returned + rng.randint(0, 2 * DAY_MINUTES)),
                }
                if rng.random() < 0.2:
                    obj["evaluation"]["comment"] = "Cán bộ hướng dẫn tận tình"
            if rng.random() < 0.003:
                if "phone" not in obj["applicant"]:
                    obj["applicant"]["phone"] = f"+849{rng.randrange(10**8):08d}"
                f: dict[str, Any] = {
                    "code": f"PA{i:09d}",
                    "received_at": self.at(end + DAY_MINUTES),
                    "title": "Phản ánh về thời gian giải quyết hồ sơ",
                    "content": "Hồ sơ trả kết quả chậm so với giấy hẹn.",
                }
                if rng.random() < 0.8:
                    f["answered_at"] = self.at(end + 4 * DAY_MINUTES)
                    f["answer"] = "Đơn vị đã kiểm tra và xin lỗi công dân."
                obj["feedback"] = [f]
        obj["components"] = self.components(channel)
        if version["fee"]:
            amount = rng.choice([20_000, 50_000, 100_000, 200_000, 500_000])
            obj["fee_amount"] = amount
            if decision != "withdrawn" or rng.random() < 0.5:
                online = rng.random() < (0.7 if channel == "online" else 0.1)
                paid = t0 + rng.randint(1, 30)
                obj["payments"] = [
                    {
                        "amount": amount,
                        "channel": rng.choice(["vnpay", "dvcqg"]) if online else "counter",
                        "online": online,
                        "at": self.at(paid),
                    }
                ]
        return obj

    def write(self, path: Path, count: int, *, progress: bool = True) -> int:
        """``count`` lines into ``path``; returns the file's size in bytes."""
        dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        started = time.perf_counter()
        with path.open("w", encoding="utf-8") as out:
            chunk: list[str] = []
            for i in range(1, count + 1):
                chunk.append(dumps(self.line(i)))
                if len(chunk) == 10_000 or i == count:
                    out.write("\n".join(chunk) + "\n")
                    chunk.clear()
                    if progress:
                        rate = i / (time.perf_counter() - started)
                        print(
                            f"\r… generating {i:,} / {count:,} lines ({rate:,.0f}/s)", end="", file=sys.stderr
                        )
        if progress:
            print(file=sys.stderr)
        return path.stat().st_size


# -- measuring the import ------------------------------------------------------------------------------------


#: What the phase timer wraps in ``motcua.integrations.history.store`` (a name missing there is skipped, so
#: that the benchmark follows the importer as it changes): name → label. Each label gets the time spent in
#: it minus the time of the wrapped calls inside it, so the labels add up to the whole import.
STORE_FUNCTIONS = {
    "parse": "parse (json.loads)",
    "schema_error": "schema (fastjsonschema)",
    "line_hash": "line hash (sha256 of sorted JSON)",
    "check": "checks (cross-field, units, IDs)",
    "build": "build (events, due moments, facts state)",
    "new_dossier_ids": "ids + event hash chain",
    "chain_events": "ids + event hash chain",
    "grains": "facts: grains (Python)",
    "facts_add": "facts: write",
    "facts_add_many": "facts: write",
    "audit_record_many": "audit chain",
}
IMPORTER_METHODS = {
    "batch": "lookups (records, codes, PAKN codes), batch loop",
    "_checked": "duplicates in the file, rest of checking",
    "_insert": "rest of insert (lists, loops)",
    "_update": "changed lines (none here)",
    "_feedback_rows": "evaluations, PAKN",
    "_counters": "code counters",
}
COMMIT = "commit (deferred FK checks)"
OUTSIDE = "reading the file, run bookkeeping"


class Phases:
    """Time spent in the importer's steps, by wrapping them (module functions, methods, the bulk table
    writer, a manager's ``bulk_create``, the connection's ``commit``) with a timer that counts each call's own
    time (without the wrapped calls inside it)."""

    def __init__(self) -> None:
        self.seconds: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()
        self._undo: list[tuple[Any, str, Any, bool]] = []
        self._stack = [0.0]

    def wrap(self, owner: Any, name: str, label: str | Callable[..., str]) -> None:
        original = getattr(owner, name, None)
        if original is None:
            return
        had_own = name in getattr(owner, "__dict__", {})
        seconds, calls, stack = self.seconds, self.calls, self._stack
        perf = time.perf_counter

        def timed(*args: Any, **kwargs: Any) -> Any:
            key = label(*args) if callable(label) else label
            stack.append(0.0)
            started = perf()
            try:
                return original(*args, **kwargs)
            finally:
                elapsed = perf() - started
                inner = stack.pop()
                seconds[key] += elapsed - inner
                stack[-1] += elapsed
                calls[key] += 1

        self._undo.append((owner, name, getattr(owner, "__dict__", {}).get(name, original), had_own))
        setattr(owner, name, timed)

    def install(self) -> None:
        from django.db import connections

        from motcua.integrations.history import store
        from motcua.integrations.models import HistoryRecord

        try:
            from motcua.core.bulk import Table
        except ImportError:  # before the writer moved to core
            from motcua.dossiers.bulk.tables import Table  # type: ignore[attr-defined,no-redef]

        for name, label in STORE_FUNCTIONS.items():
            self.wrap(store, name, label)
        for name, label in IMPORTER_METHODS.items():
            self.wrap(store._Importer, name, label)

        def table_label(table: Any, *_args: Any) -> str:
            name = getattr(table, "table", None) or getattr(getattr(table, "model", None), "__name__", "?")
            return f"COPY {str(name).strip(chr(34))}"

        self.wrap(Table, "write", table_label)
        self.wrap(HistoryRecord.objects, "bulk_create", "history records (bulk_create)")
        self.wrap(connections["default"], "commit", COMMIT)

    def uninstall(self) -> None:
        for owner, name, original, had_own in reversed(self._undo):
            if had_own:
                setattr(owner, name, original)
            else:
                delattr(owner, name)
        self._undo.clear()

    def table(self, total: float) -> list[tuple[str, float]]:
        rows = list(self.seconds.items())
        rows.append((OUTSIDE, total - sum(self.seconds.values())))
        return rows


def run_import(
    path: Path, *, profile: bool, top: int, profile_out: Path | None = None
) -> tuple[Any, float, Phases | None]:
    from motcua.integrations.history.store import history_import

    last = [time.perf_counter()]

    def progress(report: Any) -> None:
        now = time.perf_counter()
        if now - last[0] < 30 and report.lines % 100_000:
            return
        last[0] = now
        rate = report.lines / report.seconds if report.seconds else 0
        print(
            f"… {report.lines:,} lines, {report.imported:,} imported, {len(report.rejections):,} rejected, "
            f"{report.seconds:,.0f} s, {rate:,.0f} lines/s, RSS {rss_mb():,.0f} MB",
            file=sys.stderr,
            flush=True,
        )

    phases = None if profile else Phases()
    if phases is not None:
        phases.install()
    started = time.perf_counter()
    try:
        if profile:
            profiler = cProfile.Profile()
            report = profiler.runcall(history_import, path, progress=progress)
        else:
            report = history_import(path, progress=progress)
    finally:
        if phases is not None:
            phases.uninstall()
    seconds = time.perf_counter() - started
    if profile:
        if profile_out is not None:
            profiler.dump_stats(profile_out)
            print(f"  profile written to {profile_out} (python -m pstats {profile_out})")
        for order in ("tottime", "cumulative"):
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats(order).print_stats(top)
            text = out.getvalue()
            print(f"\n— cProfile, top {top} by {order} —")
            print(text[text.find("   ncalls") :].rstrip())
    return report, seconds, phases


# -- the baseline: PostgreSQL's own COPY of the dossier rows ------------------------------------------------


def copy_baseline(workdir: Path) -> dict[tuple[str, str], tuple[int, float]]:
    """(rows, seconds) of ``COPY … FROM STDIN`` of the rows the import wrote, each table's into a fresh table
    ``LIKE`` it ``INCLUDING ALL`` (indexes, defaults; no foreign keys), one transaction each, commit included:
    the dossiers in binary and text format, and, for the second baseline, the steps, events, components and
    pauses in binary. Keyed by (table, format)."""
    import psycopg
    from django.db import connection

    from motcua.dossiers.models import Dossier, DossierComponent, DossierEvent, DossierPause, DossierStep

    settings = connection.settings_dict
    params = {
        "host": settings["HOST"] or "127.0.0.1",
        "port": settings["PORT"] or 5432,
        "user": settings["USER"] or None,
        "password": settings["PASSWORD"] or None,
        "dbname": settings["NAME"],
    }
    runs = [(Dossier, "binary"), (Dossier, "text")]
    runs += [(model, "binary") for model in (DossierStep, DossierEvent, DossierComponent, DossierPause)]
    results: dict[tuple[str, str], tuple[int, float]] = {}
    with psycopg.connect(**{k: v for k, v in params.items() if v is not None}) as conn:
        for model, fmt in runs:
            table = model._meta.db_table
            columns = ", ".join(f'"{f.column}"' for f in model._meta.concrete_fields)
            dump = workdir / f"{table}.{fmt}"
            select = f"SELECT {columns} FROM {table} ORDER BY id"  # noqa: S608 - names from the models
            query = f"COPY ({select}) TO STDOUT (FORMAT {fmt.upper()})"
            with conn.cursor() as cur, dump.open("wb") as out, cur.copy(query) as copy:
                for block in copy:
                    out.write(block)
            conn.commit()
            target = f"bench_copy_{table}_{fmt}"
            conn.execute(f"CREATE TABLE {target} (LIKE {table} INCLUDING ALL)")
            conn.commit()
            started = time.perf_counter()
            query = f"COPY {target} ({columns}) FROM STDIN (FORMAT {fmt.upper()})"
            with conn.cursor() as cur, dump.open("rb") as source, cur.copy(query) as copy:
                while block := source.read(1 << 20):
                    copy.write(block)
            conn.commit()
            seconds = time.perf_counter() - started
            row = conn.execute(f"SELECT count(*) FROM {target}").fetchone()  # noqa: S608 - our table
            results[(table, fmt)] = (int(row[0]) if row else 0, seconds)
            dump.unlink()
    return results


def check_all(path: Path) -> None:
    """Every line through parse, schema and the cross-field checks (no database writes: a few minutes for a
    million lines); stop with the reasons if any line would be rejected."""
    from django.utils import timezone

    from motcua.integrations.history.checks import Rejected, check
    from motcua.integrations.history.context import Context
    from motcua.integrations.history.lines import Unreadable, parse, schema_error

    ctx, now = Context.load(), timezone.now()
    reasons: Counter[str] = Counter()
    examples: dict[str, int] = {}
    with path.open(encoding="utf-8") as lines:
        for number, text in enumerate(lines, start=1):
            obj = parse(text)
            reason = str(obj) if isinstance(obj, Unreadable) else schema_error(obj)
            if reason is None:
                try:
                    check(number, obj, ctx, now=now)
                except Rejected as exc:
                    reason = str(exc)
            if reason is not None:
                reasons[reason] += 1
                examples.setdefault(reason, number)
    if reasons:
        print()
        for reason, n in reasons.most_common(20):
            print(f"  {n:>5} × {reason}  (e.g. line {examples[reason]})")
        raise SystemExit("the generator wrote lines the importer rejects: fix the generator first")


def sample_check(path: Path, lines: int, workdir: Path) -> None:
    """Dry-run the file's first ``lines`` lines; stop with the reasons if any is rejected."""
    from motcua.integrations.history.store import history_import

    sample = workdir / "sample.jsonl"
    with path.open("rb") as source, sample.open("wb") as out:
        for raw in itertools.islice(source, lines):
            out.write(raw)
    report = history_import(sample, dry_run=True)
    rate = report.lines / report.seconds
    print(f" {report.lines:,} lines, {len(report.rejections)} rejected, {rate:,.0f} lines/s", end="")
    if report.rejections:
        print()
        reasons = Counter(r.reason for r in report.rejections)
        for reason, n in reasons.most_common(20):
            example = next(r.line for r in report.rejections if r.reason == reason)
            print(f"  {n:>5} × {reason}  (e.g. line {example})")
        raise SystemExit("the generator wrote lines the importer rejects: fix the generator first")


def table_sizes() -> list[tuple[str, str]]:
    """The dossier, fact and import tables with their total size (indexes included), largest first."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, pg_size_pretty(pg_total_relation_size(oid)) FROM pg_class "
            "WHERE relkind = 'r' AND relname ~ '^(dossiers_|reporting_|integrations_|core_audit|feedback_)' "
            "AND pg_total_relation_size(oid) > 10 * 1024 * 1024 ORDER BY pg_total_relation_size(oid) DESC"
        )
        return [(name, size) for name, size in cursor.fetchall()]


def table_counts() -> dict[str, int]:
    from django.db import connection

    names = [
        "dossiers_dossier", "dossiers_dossierstep", "dossiers_dossierevent", "dossiers_dossierpause",
        "dossiers_dossiercomponent", "integrations_historyrecord", "feedback_evaluation", "feedback_feedback",
        "reporting_dossierfact", "reporting_unitfact", "core_auditevent",
    ]  # fmt: skip
    counts = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        present = {r[0] for r in cursor.fetchall()}
        for name in names:
            if name in present:
                cursor.execute(f"SELECT count(*) FROM {name}")  # noqa: S608 - names above
                counts[name] = cursor.fetchone()[0]
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=2000, help="lines dry-run first (0: none)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--check-all", action="store_true", help="check every line (no writes) before the timed import"
    )
    parser.add_argument("--profile", action="store_true", help="run the import under cProfile")
    parser.add_argument("--top", type=int, default=20, help="functions shown with --profile")
    parser.add_argument("--profile-out", type=Path, help="with --profile: also write the pstats file here")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--replace", action="store_true", help="drop the database first if it exists")
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    args = parser.parse_args()

    # A background run (nohup … &) ignores SIGINT: let SIGTERM end it through the cleanup below.
    def stopped(_signum: int, _frame: Any) -> None:
        print(f"… stopped by SIGTERM at {time.strftime('%H:%M:%S')}", file=sys.stderr, flush=True)
        sys.exit(143)

    signal.signal(signal.SIGTERM, stopped)
    pg = Pg.from_url(args.database_url)
    try:
        version = pg.create(replace=args.replace)
    except SystemExit:
        raise
    except Exception as exc:
        print(f"PostgreSQL is not reachable ({exc}); point DATABASE_URL at a server.", file=sys.stderr)
        return 2
    os.environ.update(
        {"DATABASE_URL": pg.url, "DJANGO_SETTINGS_MODULE": SETTINGS, "LOG_LEVEL": "WARNING", "DEBUG": "false"}
    )
    workdir = Path(tempfile.mkdtemp(prefix="motcua_bench_import_"))
    try:
        import django

        django.setup()
        print(
            f"motcua history import benchmark — PostgreSQL {version} (database {pg.name}), "
            f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs"
        )
        with stage("migrate, load the demo organisation, accounts, calendar and catalogue"):
            prepare()
        path = workdir / "history.jsonl"
        with stage(f"generate {args.lines:,} history lines"):
            gen = Generator(args.seed)
            size = gen.write(path, args.lines)
        print(f"  {path} — {size / 2**20:,.0f} MB, {size / args.lines:,.0f} bytes per line")
        if args.sample:
            with stage(f"dry-run the first {min(args.sample, args.lines):,} lines"):
                sample_check(path, min(args.sample, args.lines), workdir)
        if args.check_all:
            with stage(f"check all {args.lines:,} lines (parse, schema, checks; no writes)"):
                check_all(path)
        print(f"… import {args.lines:,} lines{' under cProfile' if args.profile else ''}", flush=True)
        report, seconds, phases = run_import(
            path, profile=args.profile, top=args.top, profile_out=args.profile_out
        )
        print(f"  import done ({seconds:,.1f} s; peak RSS {peak_rss_mb():,.0f} MB)")
        if report.rejections or report.imported != args.lines or not report.written:
            for r in report.rejections[:20]:
                print(f"  {r}")
            print(
                f"the import did not take every line: {report.imported:,} imported, "
                f"{len(report.rejections):,} rejected, written={report.written}",
                file=sys.stderr,
            )
            return 1
        counts = table_counts()
        print("  rows written: " + ", ".join(f"{name} {n:,}" for name, n in counts.items()))
        with stage("baseline: COPY the same rows into tables LIKE the dossier tables INCLUDING ALL"):
            baseline = copy_baseline(workdir)

        rate = args.lines / seconds
        dossier_table = "dossiers_dossier"
        copy_s = min(s for (table, _fmt), (_n, s) in baseline.items() if table == dossier_table)
        print()
        print(f"{'':40} {'rows':>11} {'seconds':>9} {'rows/s':>10} {'× COPY dossiers':>16}")
        label = "history_import (lines)" + (" under cProfile" if args.profile else "")
        print(f"{label:40} {args.lines:>11,} {seconds:>9.1f} {rate:>10,.0f} {seconds / copy_s:>15.1f}×")

        def row(label: str, n: int, s: float) -> None:
            print(f"{label:40} {n:>11,} {s:>9.1f} {n / s:>10,.0f} {s / copy_s:>15.1f}×")

        for (table, fmt), (n, s) in baseline.items():
            row(f"COPY {table} ({fmt})", n, s)
        all_rows = sum(n for (_t, fmt), (n, _s) in baseline.items() if fmt == "binary")
        all_s = sum(s for (_t, fmt), (_n, s) in baseline.items() if fmt == "binary")
        row("COPY of the five tables (binary)", all_rows, all_s)
        print(
            f"import / COPY of the dossier rows: {seconds / copy_s:.1f}× (the faster format; goal ≤ 10×); "
            f"import / COPY of the five tables' rows: {seconds / all_s:.1f}×"
        )
        print("table sizes after the import: " + ", ".join(f"{t} {size}" for t, size in table_sizes()))
        if phases is not None:
            print("\nwhere the import's time goes (wall clock; the timer costs a few µs per line):")
            for label, value in sorted(phases.table(seconds), key=lambda r: -r[1]):
                per_line = value / args.lines * 1e6
                print(f"  {label:50} {value:8.1f} s {value / seconds:6.1%} {per_line:8.0f} µs/line")
        print(f"\npeak RSS of this process: {peak_rss_mb():,.0f} MB")
    finally:
        from django.db import connections

        connections.close_all()
        for leftover in workdir.glob("*"):
            leftover.unlink()
        workdir.rmdir()
        if not args.keep:
            pg.drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
