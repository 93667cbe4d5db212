"""The services that write: a figure with its source document (``measurement_enter``), a plan task and its
progress reports, a review's compliance-cost estimate; each validates its input (every problem at once,
nothing written), checks permission and writes one audit row in its transaction. ``plan_file`` finds a
stored source file or evidence for download."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User
from motcua.catalogue.models import Review
from motcua.core.audit import audit_record
from motcua.core.blobs import StorageUnavailable
from motcua.core.uploads import UploadRejected, check_upload
from motcua.org.models import OrgUnit

from ..plan_models import Measurement, PlanTarget, PlanTask, PlanTaskReport, PlanTaskStatus, ReviewCost
from .access import plan_can_cost, plan_can_enter, plan_can_report
from .errors import PlanInputError, PlanNotAllowed, _Problems
from .selectors import plan_unit_options
from .values import COUNT, FIRST_YEAR, PERCENT, POINTS, RATIO, num, plan_series_get

D = Decimal

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = getattr(settings, "MOTCUA_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
MAX_RANK = 63  # provinces before 1 July 2025 (34 after): national ranks never exceed it
MAX_COUNT = D("10000000")


def _actor(actor: User | None) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


def _check_file(upload: UploadedFile | None, name: str, problems: _Problems) -> Any:
    if upload is None:
        return None
    try:
        return check_upload(upload, max_bytes=MAX_UPLOAD_BYTES)
    except UploadRejected as exc:
        problems.add(name, exc.message)
        return None


def _store_file(field_file: Any, name: str, upload: UploadedFile, field: str) -> str:
    """Save ``upload`` into ``field_file`` (not the row yet); a storage that cannot write (disk full …)
    becomes the field's error (``PlanInputError``), so the transaction is rolled back with a clear message."""
    try:
        field_file.save(name, upload, save=False)
    except Exception as exc:
        logger.exception("plan: the storage could not write %s", name)
        # A storage that writes in place (not motcua.core.storage's) may leave part of the file behind.
        intended = field_file.field.generate_filename(field_file.instance, name)
        with contextlib.suppress(Exception):
            if field_file.storage.exists(intended) and field_file.storage.size(intended) != upload.size:
                field_file.storage.delete(intended)
        raise PlanInputError({field: [str(StorageUnavailable().message)]}) from exc
    return str(field_file.name or "")


def _delete_file(name: str) -> None:
    if name:
        default_storage.delete(name)


def _check_year(year: int, problems: _Problems, today: dt.date) -> None:
    if not FIRST_YEAR <= year <= today.year:
        problems.add(
            "year", _g("Năm phải từ %(first)s đến %(last)s.") % {"first": FIRST_YEAR, "last": today.year}
        )


def measurement_enter(
    *,
    actor: User | None,
    target: PlanTarget,
    series: str,
    year: int,
    value: Decimal,
    source_title: str,
    source_date: dt.date,
    source_number: str = "",
    total: Decimal | None = None,
    rank: int | None = None,
    unit: OrgUnit | None = None,
    classification: str = "",
    note: str = "",
    upload: UploadedFile | None = None,
    illustrative: bool = False,
    check_permission: bool = True,
) -> Measurement:
    """Record a figure of ``target`` for ``year`` with its source document; an earlier figure for the same
    series, year and unit is kept, marked superseded. One transaction, one audit row."""
    if check_permission and not plan_can_enter(user=actor):
        raise PlanNotAllowed()
    today = timezone.localdate()
    problems = _Problems()
    spec = plan_series_get(target, series)
    if spec is None:
        problems.add("series", _g("Chỉ tiêu không thuộc mục tiêu %(code)s.") % {"code": target.code})
        problems.raise_if_any()
    assert spec is not None  # noqa: S101 - raised above
    _check_year(year, problems, today)
    if value is None or value < 0:
        problems.add("value", _g("Giá trị phải là số không âm."))
    elif spec.measure in (PERCENT, POINTS) and value > 100:
        problems.add("value", _g("Giá trị theo phần trăm hoặc thang điểm 100 không được lớn hơn 100."))
    elif spec.measure in (COUNT, RATIO) and value > MAX_COUNT:
        problems.add("value", _g("Giá trị quá lớn."))
    elif spec.measure in (COUNT, RATIO) and value != value.to_integral_value():
        problems.add("value", _g("Số lượng phải là số nguyên."))
    if spec.measure == RATIO:
        if total is None:
            problems.add("total", _g("Cần nhập tổng số (mẫu số) để tính tỷ lệ."))
        elif total <= 0 or total != total.to_integral_value():
            problems.add("total", _g("Tổng số phải là số nguyên dương."))
        elif value is not None and value > total:
            problems.add(
                "value",
                _g("Số đạt (%(value)s) không được lớn hơn tổng số (%(total)s).")
                % {"value": num(value), "total": num(total)},
            )
    elif total is not None:
        problems.add("total", _g("Chỉ tiêu này không có tổng số."))
    if spec.rank:
        if rank is None:
            problems.add("rank", _g("Cần nhập thứ hạng của tỉnh."))
        elif not 1 <= rank <= MAX_RANK:
            problems.add("rank", _g("Thứ hạng phải từ 1 đến %(max)s.") % {"max": MAX_RANK})
    elif rank is not None:
        problems.add("rank", _g("Chỉ tiêu này không có thứ hạng."))
    if spec.per_unit and unit is None:
        problems.add("unit", _g("Cần chọn đơn vị."))
    elif not spec.per_unit and unit is not None:
        problems.add("unit", _g("Chỉ tiêu này tính cho cả tỉnh, không chọn đơn vị."))
    elif unit is not None and "year" not in problems.errors:
        allowed = {u.pk for u in plan_unit_options(target, year)}
        if unit.pk not in allowed:
            problems.add(
                "unit",
                _g("Đơn vị “%(name)s” không thuộc danh sách của mục tiêu trong năm %(year)s.")
                % {"name": unit.name, "year": year},
            )
    classification = " ".join((classification or "").split())
    if spec.classification and not classification:
        problems.add("classification", _g("Cần ghi xếp loại (ví dụ: Hoàn thành tốt nhiệm vụ)."))
    title = " ".join((source_title or "").split())
    if not title:
        problems.add("source_title", _g("Cần ghi văn bản nguồn của số liệu (tên văn bản, báo cáo)."))
    if source_date is None:
        problems.add("source_date", _g("Cần ghi ngày của văn bản nguồn."))
    elif source_date > today:
        problems.add("source_date", _g("Ngày văn bản không được sau hôm nay."))
    checked = _check_file(upload, "file", problems)
    problems.raise_if_any()
    with transaction.atomic():
        previous = (
            Measurement.objects.select_for_update()
            .filter(target=target, series=series, year=year, unit=unit, superseded_at__isnull=True)
            .order_by("pk")  # the default ordering joins the nullable unit, which FOR UPDATE refuses
            .first()
        )
        now = timezone.now()
        if previous is not None:
            previous.superseded_at = now
            previous.save(update_fields=["superseded_at"])
        m = Measurement(
            target=target, series=series, year=year, unit=unit, value=value, total=total, rank=rank,
            classification=classification[:100], source_title=title[:500],
            source_number=" ".join((source_number or "").split())[:100], source_date=source_date,
            illustrative=illustrative, note=(note or "").strip(), entered_by=_actor(actor), entered_at=now,
        )  # fmt: skip
        stored = ""
        if checked is not None and upload is not None:
            stored = _store_file(m.file, f"{checked.sha256[:16]}.{checked.kind}", upload, "file")
            m.file_name, m.file_sha256 = checked.filename, checked.sha256
        try:
            m.save()
            audit_record(
                action="plan.measurement_entered",
                actor=_actor(actor),
                obj=m,
                data={
                    "target": target.code, "series": series, "year": year,
                    "unit": unit.code if unit else None, "value": str(value),
                    "total": str(total) if total is not None else None, "rank": rank,
                    "classification": classification, "source": title, "source_number": source_number,
                    "source_date": source_date.isoformat(), "file_sha256": m.file_sha256,
                    "illustrative": illustrative,
                    "replaces": {"id": previous.pk, "value": str(previous.value), "rank": previous.rank}
                    if previous is not None else None,
                },
            )  # fmt: skip
        except Exception:
            _delete_file(stored)
            raise
    return m


def _clean_text(value: str) -> str:
    return (value or "").strip()


def plan_task_create(
    *,
    actor: User | None,
    unit: OrgUnit | None,
    title: str,
    deadline: dt.date | None,
    target: PlanTarget | None = None,
    description: str = "",
    illustrative: bool = False,
    check_permission: bool = True,
) -> PlanTask:
    """Assign a plan task to a unit with a deadline (province level only)."""
    if check_permission and not plan_can_enter(user=actor):
        raise PlanNotAllowed(_("Chỉ lãnh đạo, quản trị cấp tỉnh được giao nhiệm vụ kế hoạch."))
    problems = _Problems()
    title = " ".join((title or "").split())
    if not title:
        problems.add("title", _g("Cần ghi tên nhiệm vụ."))
    if unit is None:
        problems.add("unit", _g("Cần chọn đơn vị chủ trì."))
    if deadline is None:
        problems.add("deadline", _g("Cần ghi thời hạn hoàn thành."))
    elif deadline < dt.date(FIRST_YEAR, 1, 1):
        problems.add("deadline", _g("Thời hạn phải từ năm %(year)s trở đi.") % {"year": FIRST_YEAR})
    problems.raise_if_any()
    assert unit is not None and deadline is not None  # noqa: S101 - checked above
    with transaction.atomic():
        task = PlanTask.objects.create(
            unit=unit, title=title[:500], deadline=deadline, target=target,
            description=_clean_text(description), created_by=_actor(actor), illustrative=illustrative,
        )  # fmt: skip
        audit_record(
            action="plan.task_created",
            actor=_actor(actor),
            obj=task,
            data={"unit": unit.code, "title": task.title, "deadline": deadline.isoformat(),
                  "target": target.code if target else None},
        )  # fmt: skip
    return task


def plan_task_report(
    *,
    actor: User | None,
    task: PlanTask,
    reported_on: dt.date | None,
    progress: int | None,
    status: str,
    text: str,
    upload: UploadedFile | None = None,
    check_permission: bool = True,
) -> PlanTaskReport:
    """Record a progress report on ``task`` (its unit's leaders or the province) and update the task."""
    if check_permission and not plan_can_report(user=actor, task=task):
        raise PlanNotAllowed(
            _("Chỉ lãnh đạo đơn vị chủ trì hoặc cấp tỉnh được báo cáo tiến độ nhiệm vụ này.")
        )
    today = timezone.localdate()
    problems = _Problems()
    if reported_on is None:
        problems.add("reported_on", _g("Cần ghi ngày báo cáo."))
    elif reported_on > today:
        problems.add("reported_on", _g("Ngày báo cáo không được sau hôm nay."))
    elif reported_on < task.created_at.date() - dt.timedelta(days=366 * 5):
        problems.add("reported_on", _g("Ngày báo cáo quá xa so với ngày giao nhiệm vụ."))
    if progress is None or not 0 <= progress <= 100:
        problems.add("progress", _g("Tiến độ phải từ 0 đến 100 %."))
    if status not in PlanTaskStatus.values:
        problems.add("status", _g("Tình trạng không hợp lệ."))
    elif status == PlanTaskStatus.DONE and progress is not None and progress != 100:
        problems.add("progress", _g("Nhiệm vụ đã hoàn thành thì tiến độ phải là 100 %."))
    elif status == PlanTaskStatus.NOT_STARTED and progress:
        problems.add("status", _g("Đã có tiến độ thì tình trạng không thể là “Chưa thực hiện”."))
    text = _clean_text(text)
    if not text:
        problems.add("text", _g("Cần ghi kết quả thực hiện."))
    checked = _check_file(upload, "evidence", problems)
    problems.raise_if_any()
    assert reported_on is not None and progress is not None  # noqa: S101 - checked above
    with transaction.atomic():
        task = PlanTask.objects.select_for_update().order_by().get(pk=task.pk)
        report = PlanTaskReport(
            task=task, reported_on=reported_on, progress=progress, status=status, text=text,
            reported_by=_actor(actor),
        )  # fmt: skip
        stored = ""
        if checked is not None and upload is not None:
            stored = _store_file(report.evidence, f"{checked.sha256[:16]}.{checked.kind}", upload, "evidence")
            report.evidence_name, report.evidence_sha256 = checked.filename, checked.sha256
        try:
            report.save()
            latest = task.reports.order_by("-reported_on", "-pk").first()
            if latest is not None and latest.pk == report.pk:
                task.progress, task.status = progress, status
                task.completed_on = reported_on if status == PlanTaskStatus.DONE else None
                task.save(update_fields=["progress", "status", "completed_on", "updated_at"])
            audit_record(
                action="plan.task_reported",
                actor=_actor(actor),
                obj=task,
                data={"report": report.pk, "reported_on": reported_on.isoformat(), "progress": progress,
                      "status": status, "evidence_sha256": report.evidence_sha256},
            )  # fmt: skip
        except Exception:
            _delete_file(stored)
            raise
    return report


@dataclass(frozen=True)
class CostSide:
    """One side (before or after) of a standard-cost-model estimate, per dossier."""

    hours: Decimal | None
    wage_rate: int | None
    fees: int | None = 0
    travel: int | None = 0


def review_cost_save(
    *,
    actor: User | None,
    review: Review,
    before: CostSide,
    after: CostSide,
    yearly_dossiers: int | None = None,
    note: str = "",
    illustrative: bool = False,
    check_permission: bool = True,
) -> ReviewCost:
    """Record (or correct) the compliance-cost estimate of a review; one audit row with both versions."""
    if check_permission and not plan_can_cost(user=actor, review=review):
        raise PlanNotAllowed(_("Bạn không có quyền nhập chi phí tuân thủ cho thủ tục này."))
    problems = _Problems()
    for prefix, side in (("before", before), ("after", after)):
        if side.hours is None or side.hours < 0:
            problems.add(f"{prefix}_hours", _g("Thời gian phải là số giờ không âm."))
        elif side.hours > 10000:
            problems.add(f"{prefix}_hours", _g("Thời gian quá lớn (tối đa 10.000 giờ một hồ sơ)."))
        if side.wage_rate is None or side.wage_rate < 0:
            problems.add(f"{prefix}_wage_rate", _g("Chi phí một giờ công phải là số tiền không âm."))
        for name, amount in (("fees", side.fees), ("travel", side.travel)):
            if amount is not None and amount < 0:
                problems.add(f"{prefix}_{name}", _g("Số tiền không được âm."))
            elif amount is not None and amount > 100_000_000_000:
                problems.add(f"{prefix}_{name}", _g("Số tiền quá lớn."))
    if yearly_dossiers is not None and yearly_dossiers < 0:
        problems.add("yearly_dossiers", _g("Số hồ sơ một năm không được âm."))
    problems.raise_if_any()
    with transaction.atomic():
        cost = ReviewCost.objects.select_for_update().filter(review=review).order_by("pk").first()
        old = (
            {"before": cost.before_cost, "after": cost.after_cost, "yearly_dossiers": cost.yearly_dossiers}
            if cost is not None else None
        )  # fmt: skip
        cost = cost or ReviewCost(review=review)
        cost.before_hours, cost.before_wage_rate = before.hours or D(0), before.wage_rate or 0
        cost.before_fees, cost.before_travel = before.fees or 0, before.travel or 0
        cost.after_hours, cost.after_wage_rate = after.hours or D(0), after.wage_rate or 0
        cost.after_fees, cost.after_travel = after.fees or 0, after.travel or 0
        cost.yearly_dossiers, cost.note, cost.illustrative = yearly_dossiers, _clean_text(note), illustrative
        cost.entered_by = _actor(actor) or cost.entered_by
        cost.save()
        audit_record(
            action="plan.review_cost_saved",
            actor=_actor(actor),
            obj=cost,
            data={"review": review.pk, "procedure": review.procedure.code, "before": cost.before_cost,
                  "after": cost.after_cost, "yearly_dossiers": yearly_dossiers, "previous": old},
        )  # fmt: skip
    return cost


def plan_file(kind: str, pk: int) -> tuple[Any, str, str] | None:
    """(file field, download name, sha256) of a measurement's source file or a report's evidence."""
    if kind == "so-lieu":
        m = Measurement.objects.filter(pk=pk).first()
        if m is not None and m.file:
            return m.file, m.file_name or "van-ban", m.file_sha256
    elif kind == "bao-cao":
        r = PlanTaskReport.objects.filter(pk=pk).first()
        if r is not None and r.evidence:
            return r.evidence, r.evidence_name or "minh-chung", r.evidence_sha256
    return None
