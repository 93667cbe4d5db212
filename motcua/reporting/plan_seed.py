"""The plan's targets T01–T20 (from /seed/plan-targets.md and the Báo Thanh Hóa article of 28/09/2021), and
illustrative demo figures so that a demo shows a living scorecard.

``seed_plan_targets()`` creates or refreshes the 20 targets (idempotent; a ``scope`` an administrator has
changed is kept). ``seed_demo_plan()`` does that and then adds illustrative figures for 2021–2025, a few
plan tasks with progress reports and cost estimates for the demo reviews — every one marked "dữ liệu minh
họa" and never over a figure someone entered. The numbers are invented, plausible, **not** official.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.catalogue.models import Review
from motcua.org.models import OrgUnit, OrgUnitKind

from .plan.services import CostSide, measurement_enter, plan_task_create, plan_task_report, review_cost_save
from .plan.units import assessable_units, key_unit_rows
from .plan.values import FIRST_YEAR, PLAN_END_YEAR
from .plan_models import Comparison, Measurement, MetricKind, PlanTarget, PlanTask, PlanTaskStatus, ReviewCost

D = Decimal

#: T04's sectors, by the codes of the demo catalogue (the national database's sector codes differ: adjust
#: ``PlanTarget.scope["sectors"]`` in a real deployment).
T04_SECTORS = [
    "DAT_DAI", "DAU_TU", "XAY_DUNG", "MOI_TRUONG", "TAI_CHINH", "THUE", "HAI_QUAN", "BAO_HIEM_XA_HOI",
    "BAO_HIEM_Y_TE", "QUAN_LY_THI_TRUONG", "KHAM_CHUA_BENH", "HO_TICH", "PHONG_CHAY",
]  # fmt: skip

#: T14's key units by demo org code (motcua/org/demo.py, T14_UNIT_CODES; historic units where they merged).
T14_UNITS = [
    "H56.08", "H56.01", "H56.17", "H56.04", "H56.05", "H56.06", "H56.03", "H56.07", "H56.51", "H56.53",
    "H56.54", "H56.56", "H56.57", "H56.55", "H56.02",
    "H56.380", "H56.382", "H56.381", "H56.407", "H56.399", "H56.406", "H56.405", "H56.395", "H56.398",
    "H56.397", "H56.404", "H56.403", "H56.394", "H56.401", "H56.392", "H56.389",
]  # fmt: skip


@dataclass(frozen=True)
class TargetSpec:
    code: str
    title: str
    text: str
    measured_from: str
    kind: str
    comparison: str
    target_value: Decimal | None
    unit_of_measure: str = "%"
    baseline_year: int | None = None
    scope: dict[str, Any] = field(default_factory=dict)


C, E, M = MetricKind.COMPUTED, MetricKind.ENTERED, MetricKind.MIXED
GTE, RANK, REDUCE, UP = (
    Comparison.AT_LEAST,
    Comparison.RANK_AT_MOST,
    Comparison.REDUCE_BY,
    Comparison.INCREASE,
)

# Titles and texts are Vietnamese data (like the catalogue's), not interface strings.
TARGETS: tuple[TargetSpec, ...] = (
    TargetSpec("T01", "PAR INDEX, SIPAS, PCI, PAPI trong nhóm 10 tỉnh dẫn đầu",
               "Chỉ số cải cách hành chính (PAR INDEX), chỉ số hài lòng (SIPAS), chỉ số năng lực cạnh tranh (PCI), "
               "chỉ số hiệu quả quản trị và hành chính công (PAPI) của tỉnh trong nhóm 10 tỉnh dẫn đầu cả nước.",
               "Nhập hằng năm: thứ hạng, điểm số, văn bản công bố.", E, RANK, D(10), "hạng",
               scope={"indices": ["PAR_INDEX", "SIPAS", "PCI", "PAPI"]}),
    TargetSpec("T02", "Văn bản của Trung ương, Tỉnh ủy được cụ thể hóa kịp thời",
               "100% văn bản quy phạm pháp luật của Trung ương, của Tỉnh ủy được cụ thể hóa hoặc triển khai kịp thời.",
               "Nhiệm vụ kế hoạch và sổ theo dõi văn bản (nhập).", E, GTE, D(100)),
    TargetSpec("T03", "Văn bản QPPL của tỉnh được rà soát",
               "100% văn bản quy phạm pháp luật của tỉnh được rà soát, sửa đổi, bổ sung, thay thế phù hợp với quy định "
               "của Trung ương.", "Sổ rà soát văn bản quy phạm pháp luật (nhập).", E, GTE, D(100)),
    TargetSpec("T04", "TTHC các lĩnh vực trọng tâm được rà soát, đơn giản hóa",
               "100% TTHC liên quan đến đất đai, đầu tư, xây dựng, môi trường, tài chính ngân sách, thuế, hải quan, bảo "
               "hiểm, quản lý thị trường, khám chữa bệnh, hộ tịch, phòng cháy chữa cháy… được rà soát, đánh giá hoặc "
               "kiến nghị cơ quan có thẩm quyền đơn giản hóa.", "Kết quả rà soát TTHC trong danh mục.", C, GTE, D(100),
               scope={"sectors": T04_SECTORS}),
    TargetSpec("T05", "Giải quyết hồ sơ đúng hạn",
               "Duy trì tỷ lệ giải quyết hồ sơ TTHC đúng hạn từ 98% trở lên.", "Hồ sơ (chỉ số 2.1 Bộ chỉ số 766).",
               C, GTE, D(98)),
    TargetSpec("T06", "Hồ sơ đủ điều kiện được giải quyết trực tuyến",
               "100% hồ sơ TTHC đủ điều kiện được giải quyết trực tuyến mức độ 3, mức độ 4 (nay: một phần, toàn trình).",
               "Mức độ trực tuyến trong danh mục (chỉ số 3.1) và hồ sơ trực tuyến (3.3).", C, GTE, D(100)),
    TargetSpec("T07", "Số hóa kết quả giải quyết",
               "100% hồ sơ TTHC đủ điều kiện được số hóa kết quả giải quyết.", "Hồ sơ có kết quả điện tử (chỉ số 4.1).",
               C, GTE, D(100)),
    TargetSpec("T08", "Hài lòng về giải quyết TTHC",
               "Mức độ hài lòng của tổ chức, người dân, doanh nghiệp về giải quyết TTHC đạt tối thiểu 95%.",
               "Chỉ số 5.4 Bộ chỉ số 766 (đến khi có phiếu đánh giá từng hồ sơ).", C, GTE, D(95)),
    TargetSpec("T09", "Luân chuyển hồ sơ điện tử giữa các cơ quan",
               "Tối thiểu 90% hồ sơ TTHC được luân chuyển giữa các cơ quan có thẩm quyền bằng phương thức điện tử.",
               "Lượt chuyển liên thông điện tử / tổng lượt chuyển liên thông.", C, GTE, D(90)),
    TargetSpec("T10", "TTHC có nghĩa vụ tài chính được thanh toán trực tuyến",
               "Tối thiểu 80% TTHC có yêu cầu nghĩa vụ tài chính được triển khai thanh toán trực tuyến.",
               "Cấu hình phí và thanh toán (chỉ số 3.5).", C, GTE, D(80)),
    TargetSpec("T11", "Giao dịch thanh toán trực tuyến",
               "Tỷ lệ giao dịch thanh toán trực tuyến của các TTHC có nghĩa vụ tài chính đạt từ 30% trở lên.",
               "Thanh toán (chỉ số 3.6).", C, GTE, D(30)),
    TargetSpec("T12", "Không phải cung cấp lại giấy tờ đã có",
               "80% người dân, doanh nghiệp không phải cung cấp lại thông tin, giấy tờ, tài liệu đã được chấp nhận khi "
               "thực hiện thành công TTHC trước đó, hoặc đã được cơ quan nhà nước kết nối, chia sẻ.",
               "Thành phần hồ sơ dùng lại từ kho dữ liệu, cơ sở dữ liệu (chỉ số 4.3, 4.4).", C, GTE, D(80)),
    TargetSpec("T13", "Một cửa không phụ thuộc địa giới hành chính",
               "Hoàn thiện đổi mới cơ chế một cửa, một cửa liên thông theo hướng không theo địa giới hành chính, tăng "
               "ứng dụng công nghệ thông tin, giảm thời gian đi lại, chi phí xã hội.",
               "Tỷ lệ hồ sơ trực tuyến (không phải đi lại); hồ sơ nhận ngoài nơi cư trú.", C, UP, None),
    TargetSpec("T14", "Chuyển biến ở các đơn vị trọng điểm",
               "Tạo chuyển biến mạnh mẽ về cải cách TTHC ở các ngành, địa phương, đơn vị trọng điểm (BQL KKT Nghi Sơn "
               "và các KCN, VP UBND tỉnh, các sở TN&MT, KH&ĐT, Xây dựng, GTVT, Tài chính, Y tế, Tư pháp, Cục Thuế, "
               "Cục Hải quan, BHXH tỉnh, Cục QLTT, Cảng vụ Thanh Hóa, Công an tỉnh và UBND 16 huyện, thị xã, thành "
               "phố).", "Điểm Bộ chỉ số 766 và xếp hạng của các đơn vị trọng điểm.", C, UP, None, "điểm",
               scope={"units": T14_UNITS}),
    TargetSpec("T15", "Cơ quan chuyên môn hoàn thiện tổ chức bộ máy",
               "100% cơ quan chuyên môn cấp tỉnh, cấp huyện được hoàn thiện về tổ chức bộ máy và chức năng, nhiệm vụ, "
               "không chồng chéo, trùng lắp.", "Sổ tổ chức bộ máy (nhập).", E, GTE, D(100)),
    TargetSpec("T16", "Giảm đơn vị sự nghiệp công lập",
               "Giảm tối thiểu 10% số lượng đơn vị sự nghiệp công lập so với năm 2021.",
               "Sổ tổ chức bộ máy (nhập, năm gốc 2021).", E, REDUCE, D(10), "%", FIRST_YEAR),
    TargetSpec("T17", "Giảm biên chế sự nghiệp hưởng lương ngân sách",
               "Giảm 10% biên chế sự nghiệp hưởng lương từ ngân sách nhà nước so với năm 2021.",
               "Sổ tổ chức bộ máy (nhập, năm gốc 2021).", E, REDUCE, D(10), "%", FIRST_YEAR),
    TargetSpec("T18", "Hài lòng về sự phục vụ của cơ quan hành chính",
               "Mức độ hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính nhà nước đạt tối thiểu "
               "95%.", "Kết quả SIPAS (nhập tại T01) và phiếu đánh giá.", M, GTE, D(95)),
    TargetSpec("T19", "Hài lòng về dịch vụ y tế, giáo dục công",
               "Mức độ hài lòng của người dân về cung cấp dịch vụ y tế, giáo dục công lập đạt tối thiểu 90%.",
               "Kết quả khảo sát (nhập).", E, GTE, D(90)),
    TargetSpec("T20", "Đánh giá CCHC gắn với người đứng đầu",
               "Gắn việc đánh giá kết quả thực hiện nhiệm vụ cải cách hành chính hằng năm với đánh giá trách nhiệm, năng "
               "lực của người đứng đầu cơ quan, đơn vị.", "Đánh giá CCHC hằng năm của từng đơn vị (nhập).", E, GTE,
               D(100), scope={"unit_kinds": [OrgUnitKind.AGENCY, OrgUnitKind.DISTRICT, OrgUnitKind.COMMUNE]}),
)  # fmt: skip


@transaction.atomic
def seed_plan_targets() -> int:
    """Create or refresh the 20 targets; returns how many were created. Idempotent."""
    created = 0
    for position, spec in enumerate(TARGETS, start=1):
        target, was_created = PlanTarget.objects.get_or_create(
            code=spec.code,
            defaults={"position": position, "title": spec.title, "text": spec.text, "kind": spec.kind,
                      "comparison": spec.comparison, "scope": spec.scope},
        )  # fmt: skip
        target.position, target.title, target.text = position, spec.title, spec.text
        target.measured_from, target.kind, target.comparison = spec.measured_from, spec.kind, spec.comparison
        target.target_value, target.unit_of_measure = spec.target_value, spec.unit_of_measure
        target.target_year, target.baseline_year = PLAN_END_YEAR, spec.baseline_year
        if not target.scope and spec.scope:
            target.scope = spec.scope
        target.save()
        created += was_created
    return created


# -- illustrative demo figures ------------------------------------------------------------------------------

DEMO_SOURCE = "Dữ liệu minh họa"
DEMO_NOTE = "Số liệu minh họa cho bản trình diễn, không phải số liệu chính thức."
YEARS = range(FIRST_YEAR, PLAN_END_YEAR + 1)

# (value, rank) per year 2021–2025 for T01's four indices: illustrative only.
T01_DEMO = {
    "PAR_INDEX": [(D("84.12"), 29), (D("85.40"), 24), (D("87.95"), 15), (D("89.30"), 11), (D("91.02"), 8)],
    "SIPAS": [(D("81.50"), 33), (D("83.20"), 27), (D("85.75"), 18), (D("87.10"), 12), (D("88.60"), 9)],
    "PCI": [(D("65.10"), 22), (D("66.40"), 18), (D("67.85"), 12), (D("68.90"), 10), (D("70.20"), 7)],
    "PAPI": [(D("42.30"), 31), (D("43.05"), 25), (D("43.80"), 19), (D("44.60"), 14), (D("45.10"), 12)],
}
# (done, total) per year for the registers; counts per year for T16, T17; percentages for the rest.
RATIO_DEMO = {
    "T02": [(41, 45), (52, 55), (60, 62), (58, 59), (64, 64)],
    "T03": [(310, 342), (298, 315), (305, 312), (289, 290), (301, 301)],
    "T15": [(31, 46), (36, 46), (40, 45), (42, 44), (19, 19)],
}
COUNT_DEMO = {"T16": [1046, 1021, 998, 962, 918], "T17": [64210, 63120, 61870, 59980, 57450]}
PERCENT_DEMO: dict[tuple[str, str], list[str]] = {
    ("T04", "value"): ["21.5", "46.0", "68.3", "85.2", "97.4"],
    ("T05", "value"): ["96.80", "97.45", "98.12", "98.60", "98.91"],
    ("T06", "value"): ["61.0", "72.5", "84.0", "92.6", "97.8"],
    ("T07", "value"): ["18.2", "39.6", "61.4", "79.9", "92.3"],
    ("T08", "value"): ["91.2", "92.8", "94.1", "95.3", "96.0"],
    ("T09", "value"): ["42.0", "58.5", "71.2", "83.6", "91.4"],
    ("T10", "value"): ["35.0", "52.4", "68.9", "79.2", "86.5"],
    ("T11", "value"): ["4.2", "9.8", "17.5", "26.3", "33.1"],
    ("T12", "value"): ["12.0", "24.5", "41.8", "63.0", "76.4"],
    ("T13", "value"): ["8.6", "17.9", "31.5", "46.2", "58.7"],
    ("T19", "HEALTH"): ["82.1", "84.0", "86.3", "88.2", "90.4"],
    ("T19", "EDUCATION"): ["85.4", "86.9", "88.1", "89.6", "91.2"],
}
HEAD_RATINGS = ["Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ"]

TASKS_DEMO: tuple[tuple[str, str, str, tuple[int, int, int], list[tuple[tuple[int, int, int], int, str, str]]], ...] = (
    ("H56.01", "T02", "Tham mưu UBND tỉnh ban hành kế hoạch cụ thể hóa các văn bản của Trung ương về CCHC năm 2025",
     (2025, 3, 31), [((2025, 3, 20), 100, "done", "Đã trình UBND tỉnh ban hành kế hoạch.")]),
    ("H56.02", "T03", "Rà soát, hệ thống hóa văn bản quy phạm pháp luật của tỉnh kỳ 2024–2025",
     (2025, 12, 31), [((2025, 6, 30), 55, "in_progress", "Đã rà soát 165/301 văn bản."),
                      ((2025, 11, 15), 90, "in_progress", "Đã rà soát 271/301 văn bản; dự thảo báo cáo kết quả.")]),
    ("H56.19", "T04", "Rà soát, đề xuất đơn giản hóa TTHC lĩnh vực đất đai, môi trường",
     (2025, 10, 31), [((2025, 10, 6), 100, "done", "Rà soát 11 thủ tục, đề xuất đơn giản hóa 4 thủ tục.")]),
    ("H56.03", "T10", "Cấu hình thanh toán trực tuyến cho các TTHC có phí, lệ phí của Sở",
     (2025, 9, 30), [((2025, 9, 25), 80, "in_progress", "Đã cấu hình 17/21 thủ tục có phí, lệ phí.")]),
    ("H56.05", "T09", "Liên thông điện tử hồ sơ cấp phép xây dựng với cơ quan thuế",
     (2025, 6, 30), [((2025, 7, 10), 100, "done", "Đã kết nối liên thông điện tử, chạy chính thức từ 10/7/2025.")]),
    ("H56.07", "T19", "Khảo sát mức độ hài lòng của người bệnh tại các cơ sở y tế công lập năm 2025",
     (2025, 11, 30), [((2025, 11, 20), 100, "done", "Đã khảo sát 12.400 người bệnh; báo cáo gửi UBND tỉnh.")]),
    ("H56.08", "T14", "Triển khai tiếp nhận hồ sơ đầu tư trực tuyến toàn trình tại Ban Quản lý KKT Nghi Sơn",
     (2026, 6, 30), [((2026, 3, 31), 40, "in_progress", "Đã đưa 6/15 thủ tục lên trực tuyến toàn trình.")]),
    ("H56.101", "T13", "Tiếp nhận hồ sơ hộ tịch không phụ thuộc nơi cư trú tại phường Hạc Thành",
     (2026, 12, 31), []),
    ("H56.55", "T12", "Khai thác dữ liệu dân cư để không yêu cầu người dân nộp bản sao giấy tờ cư trú",
     (2025, 12, 31), [((2025, 8, 30), 60, "in_progress", "Đã áp dụng cho 9 thủ tục cư trú, xuất nhập cảnh.")]),
)  # fmt: skip


def _day(parts: tuple[int, int, int]) -> dt.date:
    return dt.date(*parts)


def _enter(target: PlanTarget, series: str, year: int, value: Decimal, **kw: Any) -> int:
    """One illustrative figure, unless the year already has one (entered or illustrative)."""
    exists = Measurement.objects.filter(
        target=target, series=series, year=year, unit=kw.get("unit"), superseded_at__isnull=True
    ).exists()
    if exists:
        return 0
    source_date = min(dt.date(year, 12, 31), timezone.localdate())
    measurement_enter(
        actor=None, target=target, series=series, year=year, value=value, source_title=DEMO_SOURCE,
        source_date=source_date, note=DEMO_NOTE, illustrative=True, check_permission=False, **kw,
    )  # fmt: skip
    return 1


def _seed_measurements(targets: dict[str, PlanTarget]) -> int:
    made = 0
    today = timezone.localdate()
    years = [y for y in YEARS if y <= today.year]
    for i, year in enumerate(years):
        for key, rows in T01_DEMO.items():
            value, rank = rows[i]
            made += _enter(targets["T01"], key, year, value, rank=rank)
        for code, ratio_rows in RATIO_DEMO.items():
            done, total = ratio_rows[i]
            made += _enter(targets[code], "value", year, D(done), total=D(total))
        for code, counts in COUNT_DEMO.items():
            made += _enter(targets[code], "value", year, D(counts[i]))
        for (code, series), values in PERCENT_DEMO.items():
            made += _enter(targets[code], series, year, D(values[i]))
    made += _seed_unit_figures(targets, years)
    return made


def _seed_unit_figures(targets: dict[str, PlanTarget], years: list[int]) -> int:
    """T14: 766 totals of the key units for 2022–2025 (the 766 index began in 2022); T20: assessments of a
    growing share of the units, all of them by 2025."""
    made = 0
    today = timezone.localdate()
    for i, year in enumerate(years):
        if year >= 2022:
            for n, row in enumerate(
                key_unit_rows(list(targets["T14"].scope.get("units") or []), year, today=today)
            ):
                if row.unit is None:
                    continue
                points = D(58) + D(6) * (year - 2022) + D((n * 37) % 17) - D((n * 11) % 5)
                made += _enter(targets["T14"], "kpi766", year, min(points, D(97)), unit=row.unit)
        share = [70, 80, 90, 95, 100][i] if i < 5 else 100
        units = list(assessable_units(targets["T20"], year, today=today))
        for n, unit in enumerate(units):
            if (n * 100) // max(len(units), 1) >= share:
                continue
            points = D(72) + D((n * 13) % 25) + D(year - FIRST_YEAR)
            rating = HEAD_RATINGS[0] if points >= 90 else HEAD_RATINGS[1] if points >= 80 else HEAD_RATINGS[2]
            made += _enter(
                targets["T20"], "assessment", year, min(points, D(99)), unit=unit, classification=rating
            )
    return made


def _seed_tasks(targets: dict[str, PlanTarget]) -> int:
    made = 0
    today = timezone.localdate()
    for unit_code, target_code, title, deadline, reports in TASKS_DEMO:
        unit = OrgUnit.objects.filter(code=unit_code).first()
        if unit is None or PlanTask.objects.filter(unit=unit, title=title).exists():
            continue
        task = plan_task_create(
            actor=None, unit=unit, title=title, deadline=_day(deadline), target=targets.get(target_code),
            description=DEMO_NOTE, illustrative=True, check_permission=False,
        )  # fmt: skip
        for day, progress, status, text in reports:
            if _day(day) <= today:
                plan_task_report(
                    actor=None, task=task, reported_on=_day(day), progress=progress,
                    status=PlanTaskStatus(status), text=text, check_permission=False,
                )  # fmt: skip
        made += 1
    return made


def _seed_costs() -> int:
    """Illustrative cost estimates for the demo reviews that proposed a simplification."""
    made = 0
    reviews = Review.objects.filter(simplification_proposed=True).select_related("procedure").order_by("pk")
    for n, review in enumerate(reviews):
        if ReviewCost.objects.filter(review=review).exists():
            continue
        hours = D(6 + (n * 5) % 11)
        review_cost_save(
            actor=None,
            review=review,
            before=CostSide(hours=hours, wage_rate=40_000, fees=0, travel=150_000 + 50_000 * (n % 4)),
            after=CostSide(hours=(hours / 3).quantize(D("0.5")), wage_rate=40_000, fees=0, travel=30_000),
            yearly_dossiers=300 + (n * 170) % 2000,
            note="Mô hình chi phí chuẩn: giờ công × 40.000 đồng/giờ (minh họa) + phí, lệ phí + đi lại. "
            + DEMO_NOTE,
            illustrative=True,
            check_permission=False,
        )
        made += 1
    return made


def seed_demo_plan() -> int:
    """The targets, then illustrative figures 2021–2025, plan tasks and review costs. Idempotent: never
    writes over a figure that exists. Returns the number of rows created."""
    created = seed_plan_targets()
    targets = {t.code: t for t in PlanTarget.objects.all()}
    with transaction.atomic():
        created += _seed_measurements(targets)
        created += _seed_tasks(targets)
        created += _seed_costs()
    return created


__all__ = ["TARGETS", "seed_demo_plan", "seed_plan_targets"]
