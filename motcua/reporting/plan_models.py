"""The reform-plan scorecard: the plan's targets, the figures officers enter for them, the plan tasks of the
key units with their progress reports, and the compliance-cost estimates of procedure reviews.

Imported at the end of ``motcua.reporting.models`` (one line), so the models belong to the ``reporting``
app. Written only by the services of ``motcua.reporting.plan``; the computed values (from the fact table,
the catalogue and these rows) are never stored. docs/architecture/plan-scorecard.md explains the whole.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalogue.models import Review
from motcua.org.models import OrgUnit

__all__ = [
    "Comparison",
    "Measurement",
    "MetricKind",
    "PlanTarget",
    "PlanTask",
    "PlanTaskReport",
    "PlanTaskStatus",
    "ReviewCost",
]


class MetricKind(models.TextChoices):
    COMPUTED = "computed", _("Hệ thống tính")
    ENTERED = "entered", _("Cán bộ nhập, có văn bản nguồn")
    MIXED = "mixed", _("Hệ thống tính và cán bộ nhập")


class Comparison(models.TextChoices):
    AT_LEAST = "gte", _("Đạt tối thiểu")
    RANK_AT_MOST = "rank_lte", _("Trong nhóm dẫn đầu")
    REDUCE_BY = "reduce_pct", _("Giảm tối thiểu so với năm gốc")
    INCREASE = "increase", _("Tăng so với năm trước")


class PlanTarget(models.Model):
    """One target of the province's reform plan (T01–T20), seeded from docs by ``plan_seed``."""

    code = models.CharField(_("mã mục tiêu"), max_length=5, unique=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    title = models.CharField(_("tên ngắn"), max_length=200)
    text = models.TextField(_("mục tiêu đến năm 2025"))
    measured_from = models.TextField(_("đo từ"), blank=True)
    kind = models.CharField(_("cách đo"), max_length=10, choices=MetricKind.choices)
    comparison = models.CharField(_("so sánh"), max_length=12, choices=Comparison.choices)
    target_value = models.DecimalField(
        _("giá trị mục tiêu"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    unit_of_measure = models.CharField(_("đơn vị đo"), max_length=30, blank=True)
    target_year = models.PositiveSmallIntegerField(_("năm phải đạt"), default=2025)
    baseline_year = models.PositiveSmallIntegerField(_("năm gốc"), null=True, blank=True)
    #: What the computation reads (T04: sector codes; T14: key-unit codes; T20: unit kinds), editable.
    scope = models.JSONField(_("phạm vi"), default=dict, blank=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("mục tiêu kế hoạch CCHC")
        verbose_name_plural = _("mục tiêu kế hoạch CCHC")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Measurement(models.Model):
    """A figure an authorised officer entered for a target and a year, with its source document.

    ``series`` names which figure of the target it is (T01: ``PAR_INDEX``, ``SIPAS``, ``PCI``, ``PAPI``;
    most targets: ``value``); ``unit`` is set for per-unit series (T14's 766 totals of earlier years,
    T20's yearly assessments). Entering the same figure again keeps the old row, marked superseded.
    """

    target = models.ForeignKey(
        PlanTarget, verbose_name=_("mục tiêu"), on_delete=models.PROTECT, related_name="measurements"
    )
    series = models.CharField(_("chỉ tiêu"), max_length=30)
    year = models.PositiveSmallIntegerField(_("năm"))
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    value = models.DecimalField(_("giá trị"), max_digits=14, decimal_places=4)
    total = models.DecimalField(_("trên tổng số"), max_digits=14, decimal_places=4, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("xếp hạng"), null=True, blank=True)
    classification = models.CharField(_("xếp loại"), max_length=100, blank=True)
    source_title = models.CharField(_("văn bản nguồn"), max_length=500)
    source_number = models.CharField(_("số, ký hiệu"), max_length=100, blank=True)
    source_date = models.DateField(_("ngày văn bản"))
    file = models.FileField(_("tệp văn bản"), upload_to="plan/evidence/%Y/", blank=True, max_length=300)
    file_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    file_sha256 = models.CharField(_("mã băm SHA-256"), max_length=64, blank=True)
    illustrative = models.BooleanField(_("dữ liệu minh họa"), default=False)
    note = models.TextField(_("ghi chú"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhập"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("nhập lúc"), default=timezone.now)
    superseded_at = models.DateTimeField(_("được thay thế lúc"), null=True, blank=True)

    class Meta:
        ordering = ["target", "series", "year", "unit", "-entered_at"]
        verbose_name = _("số liệu kế hoạch CCHC")
        verbose_name_plural = _("số liệu kế hoạch CCHC")
        indexes = [models.Index(fields=["target", "year"])]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "series", "year"],
                condition=Q(superseded_at__isnull=True, unit__isnull=True),
                name="plan_measurement_one_current",
            ),
            models.UniqueConstraint(
                fields=["target", "series", "year", "unit"],
                condition=Q(superseded_at__isnull=True, unit__isnull=False),
                name="plan_measurement_one_current_per_unit",
            ),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="plan_measurement_year"),
            models.CheckConstraint(condition=Q(value__gte=0), name="plan_measurement_value_positive"),
            models.CheckConstraint(
                condition=Q(total__isnull=True) | Q(total__gt=0), name="plan_measurement_total_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target_id} {self.series} {self.year}"

    @property
    def ratio_percent(self) -> Decimal | None:
        """``value`` as a percentage of ``total`` (None without a total)."""
        if self.total is None or self.total <= 0:
            return None
        return (self.value * 100 / self.total).quantize(Decimal("0.01"))


class PlanTaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa thực hiện")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", _("Đã hoàn thành")


class PlanTask(models.Model):
    """A task of the plan assigned to a key unit (T14), with a deadline; its progress comes in reports."""

    target = models.ForeignKey(
        PlanTarget,
        verbose_name=_("phục vụ mục tiêu"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("đơn vị chủ trì"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("nhiệm vụ"), max_length=500)
    description = models.TextField(_("nội dung, sản phẩm"), blank=True)
    deadline = models.DateField(_("thời hạn"))
    status = models.CharField(
        _("tình trạng"), max_length=12, choices=PlanTaskStatus.choices, default=PlanTaskStatus.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    illustrative = models.BooleanField(_("dữ liệu minh họa"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người giao"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("giao lúc"), default=timezone.now)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        ordering = ["unit__code", "deadline", "pk"]
        verbose_name = _("nhiệm vụ kế hoạch CCHC")
        verbose_name_plural = _("nhiệm vụ kế hoạch CCHC")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="plan_task_progress_max"),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_on__isnull=False), name="plan_task_done_has_date"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: dt.date | None = None) -> bool:
        """Past its deadline and not done, or done after it."""
        if self.status == PlanTaskStatus.DONE:
            return self.completed_on is not None and self.completed_on > self.deadline
        return self.deadline < (today or timezone.localdate())


class PlanTaskReport(models.Model):
    """A progress report on a plan task: date, progress, what was done, optional evidence file."""

    task = models.ForeignKey(
        PlanTask, verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE, related_name="reports"
    )
    reported_on = models.DateField(_("ngày báo cáo"))
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"))
    status = models.CharField(_("tình trạng"), max_length=12, choices=PlanTaskStatus.choices)
    text = models.TextField(_("kết quả thực hiện"))
    evidence = models.FileField(_("tệp minh chứng"), upload_to="plan/tasks/%Y/", blank=True, max_length=300)
    evidence_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    evidence_sha256 = models.CharField(_("mã băm SHA-256"), max_length=64, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người báo cáo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("ghi nhận lúc"), default=timezone.now)

    class Meta:
        ordering = ["task", "-reported_on", "-pk"]
        verbose_name = _("báo cáo tiến độ nhiệm vụ")
        verbose_name_plural = _("báo cáo tiến độ nhiệm vụ")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="plan_report_progress_max")
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.reported_on}"


class ReviewCost(models.Model):
    """The compliance cost of a reviewed procedure before and after the proposed simplification.

    Standard cost model, per dossier: applicant time (hours) × wage rate (đồng per hour) + fees and charges
    + travel and other out-of-pocket costs (đồng). ``yearly_dossiers`` (optional) turns the saving per
    dossier into a saving per year.
    """

    review = models.OneToOneField(
        Review, verbose_name=_("kết quả rà soát"), on_delete=models.CASCADE, related_name="cost_estimate"
    )
    before_hours = models.DecimalField(_("thời gian người nộp trước (giờ)"), max_digits=8, decimal_places=2)
    before_wage_rate = models.BigIntegerField(_("chi phí một giờ công trước (đồng)"))
    before_fees = models.BigIntegerField(_("phí, lệ phí trước (đồng)"), default=0)
    before_travel = models.BigIntegerField(_("đi lại, chi phí khác trước (đồng)"), default=0)
    after_hours = models.DecimalField(_("thời gian người nộp sau (giờ)"), max_digits=8, decimal_places=2)
    after_wage_rate = models.BigIntegerField(_("chi phí một giờ công sau (đồng)"))
    after_fees = models.BigIntegerField(_("phí, lệ phí sau (đồng)"), default=0)
    after_travel = models.BigIntegerField(_("đi lại, chi phí khác sau (đồng)"), default=0)
    yearly_dossiers = models.PositiveIntegerField(_("số hồ sơ một năm"), null=True, blank=True)
    note = models.TextField(_("cách ước tính"), blank=True)
    illustrative = models.BooleanField(_("dữ liệu minh họa"), default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhập"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("nhập lúc"), default=timezone.now)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("chi phí tuân thủ TTHC")
        verbose_name_plural = _("chi phí tuân thủ TTHC")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    before_hours__gte=0, after_hours__gte=0, before_wage_rate__gte=0, after_wage_rate__gte=0
                )
                & Q(before_fees__gte=0, after_fees__gte=0, before_travel__gte=0, after_travel__gte=0),
                name="plan_reviewcost_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.review_id}"

    @staticmethod
    def _cost(hours: Decimal, wage: int, fees: int, travel: int) -> int:
        return int((Decimal(hours) * wage).quantize(Decimal(1))) + fees + travel

    @property
    def before_cost(self) -> int:
        return self._cost(self.before_hours, self.before_wage_rate, self.before_fees, self.before_travel)

    @property
    def after_cost(self) -> int:
        return self._cost(self.after_hours, self.after_wage_rate, self.after_fees, self.after_travel)

    @property
    def saving(self) -> int:
        return self.before_cost - self.after_cost

    @property
    def saving_percent(self) -> Decimal | None:
        if self.before_cost <= 0:
            return None
        return (Decimal(self.saving) * 100 / self.before_cost).quantize(Decimal("0.1"))

    @property
    def yearly_saving(self) -> int | None:
        return self.saving * self.yearly_dossiers if self.yearly_dossiers is not None else None
