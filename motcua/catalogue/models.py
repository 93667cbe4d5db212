"""The procedure catalogue: sectors, procedures (the editable draft), their parts, internal processes and
the immutable published versions.

Layering (after OpenCPS, docs/formats/procedures.md): a ``Procedure`` is the catalogue entry and its draft;
its offer (who resolves it, where it is received, how the resolving unit is chosen) lives on the same row;
its ``ProcessTemplate`` holds the internal process (steps and typed actions). Publishing freezes everything
into a ``ProcedureVersion`` whose ``snapshot`` is the procedure in the exchange format; dossiers pin a
version. Versions are never updated: ``save`` refuses an existing row and database triggers refuse UPDATE
(and DELETE on PostgreSQL), see migration 0004.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Role
from motcua.core.models import TimeStampedModel
from motcua.org.models import OrgUnit

from .choices import (
    BudgetUnit,
    ConditionKey,
    DocumentType,
    FeeDue,
    FeeKind,
    OnlineLevel,
    ProcedureLevel,
    ResolvingRule,
    ResultType,
    StepUnitKind,
    SupplementRule,
    TimeUnit,
)


class Sector(TimeStampedModel):
    """A sector (lĩnh vực) of the national procedure database."""

    code = models.CharField(_("mã lĩnh vực"), max_length=40, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=200)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")

    def __str__(self) -> str:
        return self.name


def _time_limit_ok(prefix: str = "time_limit_") -> Q:
    """Same day takes amount 0; every other unit a positive amount."""
    return Q(**{f"{prefix}unit": TimeUnit.SAME_DAY, f"{prefix}amount": 0}) | (
        ~Q(**{f"{prefix}unit": TimeUnit.SAME_DAY}) & Q(**{f"{prefix}amount__gt": 0})
    )


class Procedure(TimeStampedModel):
    """A procedure (thủ tục hành chính) as the catalogue's editable draft.

    The public sees ``current_version`` (the latest published snapshot), never the draft. ``draft_revision``
    grows with every saved edit; a version records the revision it froze, so "unpublished changes" is
    ``current_version.draft_revision != draft_revision`` and edit forms detect concurrent edits.
    """

    code = models.CharField(_("mã thủ tục"), max_length=50, unique=True)
    name = models.CharField(_("tên thủ tục"), max_length=500)
    sector = models.ForeignKey(Sector, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("cấp thực hiện"), max_length=20, choices=ProcedureLevel.choices)
    agency = models.ForeignKey(
        OrgUnit,
        verbose_name=_("cơ quan thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Để trống với thủ tục cấp xã do UBND cấp xã thực hiện."),
    )
    resolving_rule = models.CharField(
        _("đơn vị giải quyết"), max_length=20, choices=ResolvingRule.choices, default=ResolvingRule.AGENCY
    )
    receiving_points = models.ManyToManyField(
        OrgUnit,
        verbose_name=_("điểm tiếp nhận"),
        blank=True,
        related_name="+",
        help_text=_("Để trống: mọi điểm tiếp nhận một cửa của tỉnh."),
    )
    for_citizen = models.BooleanField(_("công dân"), default=True)
    for_business = models.BooleanField(_("tổ chức, doanh nghiệp"), default=False)
    result_type = models.CharField(
        _("loại kết quả"), max_length=20, choices=ResultType.choices, default=ResultType.PAPER
    )
    result_name = models.CharField(_("tên kết quả"), max_length=500, blank=True)
    result_document_type = models.CharField(
        _("loại giấy tờ của kết quả"), max_length=40, choices=DocumentType.choices, blank=True, default=""
    )
    time_limit_amount = models.DecimalField(_("thời hạn giải quyết"), max_digits=7, decimal_places=2)
    time_limit_unit = models.CharField(_("đơn vị thời hạn"), max_length=20, choices=TimeUnit.choices)
    time_limit_after_cutoff = models.BooleanField(_("nhận sau giờ chốt tính sang ngày sau"), default=False)
    time_limit_cutoff = models.TimeField(_("giờ chốt"), null=True, blank=True)
    supplement_rule = models.CharField(
        _("khi bổ sung hồ sơ"),
        max_length=20,
        choices=SupplementRule.choices,
        default=SupplementRule.EXCLUDE_WAIT,
    )
    online_level = models.CharField(
        _("mức độ dịch vụ công trực tuyến"),
        max_length=10,
        choices=OnlineLevel.choices,
        default=OnlineLevel.NONE,
    )
    full_online_eligible = models.BooleanField(_("đủ điều kiện trực tuyến toàn trình"), default=False)
    requirements = models.TextField(_("yêu cầu, điều kiện"), blank=True)
    keywords = models.JSONField(_("từ khóa"), default=list, blank=True)
    decision_number = models.CharField(_("số quyết định công bố"), max_length=100, blank=True)
    decision_date = models.DateField(_("ngày quyết định công bố"), null=True, blank=True)
    published_on = models.DateField(_("ngày công khai trên CSDL quốc gia"), null=True, blank=True)
    illustrative = models.BooleanField(_("dữ liệu minh họa"), default=False)
    source_note = models.TextField(_("ghi chú nguồn"), blank=True)
    draft_revision = models.PositiveIntegerField(_("lần sửa bản nháp"), default=1)
    current_version = models.ForeignKey(
        "ProcedureVersion",
        verbose_name=_("phiên bản đang công bố"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="current_for",
    )
    search_text = models.TextField(editable=False, blank=True, default="")

    class Meta:
        ordering = ["code"]
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        constraints = [
            models.CheckConstraint(
                condition=Q(for_citizen=True) | Q(for_business=True),
                name="procedure_has_applicant_type",
                violation_error_message=_("Thủ tục phải có ít nhất một đối tượng thực hiện."),
            ),
            models.CheckConstraint(
                condition=_time_limit_ok(),
                name="procedure_time_limit_positive",
                violation_error_message=_(
                    "Thời hạn giải quyết phải lớn hơn 0 (trừ thủ tục giải quyết trong ngày)."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(online_level=OnlineLevel.FULL) | Q(full_online_eligible=True),
                name="procedure_full_online_eligible",
            ),
            models.CheckConstraint(
                condition=~Q(resolving_rule=ResolvingRule.AGENCY) | Q(agency__isnull=False),
                name="procedure_agency_rule_has_agency",
            ),
            models.CheckConstraint(
                condition=Q(agency__isnull=False) | Q(level=ProcedureLevel.COMMUNE),
                name="procedure_agency_unless_commune",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def applicant_types(self) -> list[str]:
        kinds = []
        if self.for_citizen:
            kinds.append("citizen")
        if self.for_business:
            kinds.append("business")
        return kinds


class Component(models.Model):
    """One part of the dossier (thành phần hồ sơ)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="components")
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("tên giấy tờ"), max_length=1000)
    originals = models.PositiveSmallIntegerField(_("số bản chính"), default=1)
    copies = models.PositiveSmallIntegerField(_("số bản sao"), default=0)
    required = models.BooleanField(_("bắt buộc"), default=True)
    document_type = models.CharField(
        _("loại giấy tờ dùng lại"), max_length=40, choices=DocumentType.choices, blank=True, default=""
    )
    template = models.CharField(_("mẫu đơn, tờ khai"), max_length=200, blank=True)
    template_url = models.URLField(_("đường dẫn tải mẫu"), max_length=500, blank=True)

    class Meta:
        ordering = ["procedure", "position"]
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "position"], name="component_unique_position"),
        ]

    def __str__(self) -> str:
        return self.name


class Fee(models.Model):
    """One fee or charge (phí, lệ phí) in đồng; 0 = free."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="fees")
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("tên khoản thu"), max_length=500)
    kind = models.CharField(_("loại"), max_length=10, choices=FeeKind.choices, default=FeeKind.CHARGE)
    amount = models.BigIntegerField(_("mức thu (đồng)"))
    condition = models.TextField(_("điều kiện áp dụng"), blank=True)
    exemption = models.TextField(_("miễn, giảm"), blank=True)
    due = models.CharField(
        _("thời điểm nộp"), max_length=20, choices=FeeDue.choices, default=FeeDue.AT_SUBMISSION
    )

    class Meta:
        ordering = ["procedure", "position"]
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "position"], name="fee_unique_position"),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="fee_amount_not_negative",
                violation_error_message=_("Mức phí, lệ phí không được âm."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class LegalBasis(models.Model):
    """One legal document the procedure rests on (căn cứ pháp lý)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="legal_basis")
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    title = models.CharField(_("văn bản"), max_length=1000)
    effective_date = models.DateField(_("ngày có hiệu lực"), null=True, blank=True)

    class Meta:
        ordering = ["procedure", "position"]
        verbose_name = _("căn cứ pháp lý")
        verbose_name_plural = _("căn cứ pháp lý")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "position"], name="legalbasis_unique_position"),
        ]

    def __str__(self) -> str:
        return self.title


class Review(models.Model):
    """A review of the procedure (rà soát, đánh giá) — plan target T04. Not part of published versions."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("ngày rà soát"))
    reviewed_by = models.CharField(_("người, đơn vị rà soát"), max_length=200)
    simplification_proposed = models.BooleanField(_("đề xuất đơn giản hóa"), default=False)
    note = models.TextField(_("nội dung"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi nhận"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("ghi nhận lúc"), auto_now_add=True)

    class Meta:
        ordering = ["procedure", "-reviewed_on", "-id"]
        verbose_name = _("kết quả rà soát")
        verbose_name_plural = _("kết quả rà soát")

    def __str__(self) -> str:
        return f"{self.procedure_id} {self.reviewed_on}"


class ProcessTemplate(models.Model):
    """The internal process (quy trình nội bộ) of a procedure's draft."""

    procedure = models.OneToOneField(Procedure, on_delete=models.CASCADE, related_name="process")

    class Meta:
        verbose_name = _("quy trình nội bộ")
        verbose_name_plural = _("quy trình nội bộ")

    def __str__(self) -> str:
        return f"{self.procedure_id}"


class ProcessStep(models.Model):
    """One step: who (role) in which unit does it, within which budget. Position 0 is the first step."""

    template = models.ForeignKey(ProcessTemplate, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    code = models.CharField(_("mã bước"), max_length=20)
    name = models.CharField(_("tên bước"), max_length=300)
    role = models.CharField(_("vai trò thực hiện"), max_length=20, choices=Role.choices, blank=True)
    unit_kind = models.CharField(
        _("đơn vị thực hiện"), max_length=10, choices=StepUnitKind.choices, blank=True
    )
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("đơn vị cụ thể"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    budget_amount = models.DecimalField(_("thời gian xử lý"), max_digits=6, decimal_places=2)
    budget_unit = models.CharField(_("đơn vị thời gian"), max_length=20, choices=BudgetUnit.choices)
    inter_agency = models.BooleanField(_("liên thông"), default=False)
    can_request_supplement = models.BooleanField(_("được yêu cầu bổ sung"), default=False)

    class Meta:
        ordering = ["template", "position"]
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("bước xử lý")
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="processstep_unique_code"),
            models.UniqueConstraint(fields=["template", "position"], name="processstep_unique_position"),
            models.CheckConstraint(
                condition=(Q(unit_kind=StepUnitKind.UNIT) & Q(unit__isnull=False))
                | (~Q(unit_kind=StepUnitKind.UNIT) & Q(unit__isnull=True)),
                name="processstep_unit_matches_kind",
            ),
            models.CheckConstraint(condition=Q(budget_amount__gte=0), name="processstep_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class ProcessAction(models.Model):
    """An allowed move from one step to another (``to_step`` None = the end of the process)."""

    template = models.ForeignKey(ProcessTemplate, on_delete=models.CASCADE, related_name="actions")
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    from_step = models.ForeignKey(ProcessStep, on_delete=models.CASCADE, related_name="actions_out")
    to_step = models.ForeignKey(
        ProcessStep, null=True, blank=True, on_delete=models.CASCADE, related_name="actions_in"
    )
    name = models.CharField(_("tên thao tác"), max_length=300)
    roles = models.JSONField(_("vai trò được thực hiện"), default=list, blank=True)

    class Meta:
        ordering = ["template", "position"]
        verbose_name = _("thao tác chuyển bước")
        verbose_name_plural = _("thao tác chuyển bước")
        constraints = [
            models.UniqueConstraint(fields=["template", "position"], name="processaction_unique_position"),
        ]

    def __str__(self) -> str:
        return self.name


class ProcessActionCondition(models.Model):
    """One typed condition of an action; the key is one of ``ConditionKey`` (checked by the database)."""

    action = models.ForeignKey(ProcessAction, on_delete=models.CASCADE, related_name="conditions")
    key = models.CharField(_("điều kiện"), max_length=30, choices=ConditionKey.choices)

    class Meta:
        ordering = ["action", "id"]
        verbose_name = _("điều kiện")
        verbose_name_plural = _("điều kiện")
        constraints = [
            models.UniqueConstraint(fields=["action", "key"], name="processactioncondition_unique_key"),
            models.CheckConstraint(
                condition=Q(key__in=ConditionKey.values), name="processactioncondition_known_key"
            ),
        ]

    def __str__(self) -> str:
        return self.key


class ImmutableVersionError(RuntimeError):
    """A published version was about to be changed or deleted."""

    code = "procedure_version_immutable"


class ProcedureVersion(models.Model):
    """A published, immutable snapshot of a procedure.

    ``snapshot`` is the whole procedure in the exchange format (docs/formats/procedures.md) at publication;
    the other columns copy the keys reports, search and dossiers query.
    """

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("phiên bản số"))
    draft_revision = models.PositiveIntegerField(_("từ lần sửa bản nháp"))
    published_at = models.DateTimeField(_("công bố lúc"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người công bố"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("ghi chú thay đổi"), blank=True)
    snapshot = models.JSONField(_("nội dung"))
    # Key columns, copied from the snapshot.
    code = models.CharField(_("mã thủ tục"), max_length=50)
    name = models.CharField(_("tên thủ tục"), max_length=500)
    name_folded = models.CharField(max_length=500, editable=False)
    sector = models.ForeignKey(Sector, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("cấp thực hiện"), max_length=20, choices=ProcedureLevel.choices)
    agency = models.ForeignKey(
        OrgUnit,
        verbose_name=_("cơ quan thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    for_citizen = models.BooleanField(_("công dân"))
    for_business = models.BooleanField(_("tổ chức, doanh nghiệp"))
    result_type = models.CharField(_("loại kết quả"), max_length=20, choices=ResultType.choices)
    time_limit_amount = models.DecimalField(_("thời hạn giải quyết"), max_digits=7, decimal_places=2)
    time_limit_unit = models.CharField(_("đơn vị thời hạn"), max_length=20, choices=TimeUnit.choices)
    time_limit_after_cutoff = models.BooleanField(_("nhận sau giờ chốt tính sang ngày sau"))
    time_limit_cutoff = models.TimeField(_("giờ chốt"), null=True, blank=True)
    supplement_rule = models.CharField(_("khi bổ sung hồ sơ"), max_length=20, choices=SupplementRule.choices)
    online_level = models.CharField(
        _("mức độ dịch vụ công trực tuyến"), max_length=10, choices=OnlineLevel.choices
    )
    full_online_eligible = models.BooleanField(_("đủ điều kiện trực tuyến toàn trình"))
    has_fees = models.BooleanField(_("có thu phí, lệ phí"))
    decision_number = models.CharField(_("số quyết định công bố"), max_length=100, blank=True)
    decision_date = models.DateField(_("ngày quyết định công bố"), null=True, blank=True)
    published_on = models.DateField(_("ngày công khai trên CSDL quốc gia"), null=True, blank=True)
    parts_complete = models.BooleanField(_("đủ các bộ phận cấu thành"))
    search_text = models.TextField(editable=False)

    class Meta:
        ordering = ["procedure", "-number"]
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="procedureversion_unique_number"),
            models.CheckConstraint(condition=_time_limit_ok(), name="procedureversion_time_limit_positive"),
        ]
        indexes = [models.Index(fields=["code"]), models.Index(fields=["name_folded"])]

    def __str__(self) -> str:
        return f"{self.code} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableVersionError(f"procedure version {self.pk} is published and cannot change")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableVersionError(f"procedure version {self.pk} is published and cannot be deleted")

    @property
    def applicant_types(self) -> list[str]:
        kinds = []
        if self.for_citizen:
            kinds.append("citizen")
        if self.for_business:
            kinds.append("business")
        return kinds


class CatalogueEntry(models.Model):
    """The public catalogue's search table: one narrow row per published procedure, copied from its current
    version by ``procedure_publish`` (``motcua catalogue_reindex`` rebuilds them all from the versions).

    Search and lists read only this table: no join, no snapshot, a few hundred bytes a row, so scanning
    or indexing it stays cheap (the versions keep the full text and history).
    """

    procedure = models.OneToOneField(Procedure, on_delete=models.CASCADE, related_name="entry")
    version = models.OneToOneField(ProcedureVersion, on_delete=models.PROTECT, related_name="entry")
    number = models.PositiveIntegerField(_("phiên bản số"))
    published_at = models.DateTimeField(_("công bố lúc"))
    code = models.CharField(_("mã thủ tục"), max_length=50, unique=True)
    name = models.CharField(_("tên thủ tục"), max_length=500)
    name_folded = models.CharField(max_length=500)
    sector = models.ForeignKey(Sector, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("cấp thực hiện"), max_length=20, choices=ProcedureLevel.choices)
    agency = models.ForeignKey(
        OrgUnit,
        verbose_name=_("cơ quan thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    for_citizen = models.BooleanField(_("công dân"))
    for_business = models.BooleanField(_("tổ chức, doanh nghiệp"))
    online_level = models.CharField(
        _("mức độ dịch vụ công trực tuyến"), max_length=10, choices=OnlineLevel.choices
    )
    time_limit_amount = models.DecimalField(_("thời hạn giải quyết"), max_digits=7, decimal_places=2)
    time_limit_unit = models.CharField(_("đơn vị thời hạn"), max_length=20, choices=TimeUnit.choices)
    time_limit_after_cutoff = models.BooleanField(_("nhận sau giờ chốt tính sang ngày sau"))
    time_limit_cutoff = models.TimeField(_("giờ chốt"), null=True, blank=True)
    has_fees = models.BooleanField(_("có thu phí, lệ phí"))
    search_text = models.TextField()

    class Meta:
        ordering = ["name_folded", "id"]
        verbose_name = _("mục danh mục công khai")
        verbose_name_plural = _("danh mục công khai")
        indexes = [models.Index(fields=["name_folded", "id"])]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def applicant_types(self) -> list[str]:
        kinds = []
        if self.for_citizen:
            kinds.append("citizen")
        if self.for_business:
            kinds.append("business")
        return kinds
