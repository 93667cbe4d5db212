"""Dossiers (hồ sơ): the application, its runtime steps, components, pauses and legal history.

``status`` and the step rows change only in ``motcua.dossiers.services``; ``DossierEvent`` rows are
append-only and hash-chained per dossier (``motcua.dossiers.events``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.calendar.engine.deadlines import Pause
from motcua.catalogue.models import ProcedureVersion
from motcua.core.fields import EncryptedPersonalIdField
from motcua.core.text import fold
from motcua.org.models import OrgUnit

from .status import DossierAction, DossierStatus


class Channel(models.TextChoices):
    ONLINE = "online", _("Trực tuyến")
    COUNTER = "counter", _("Trực tiếp tại bộ phận một cửa")
    POSTAL = "postal", _("Qua dịch vụ bưu chính")


class ApplicantKind(models.TextChoices):
    CITIZEN = "citizen", _("Công dân")
    BUSINESS = "business", _("Tổ chức, doanh nghiệp")


class Decision(models.TextChoices):
    APPROVED = "approved", _("Giải quyết")
    NOT_ELIGIBLE = "not_eligible", _("Không đủ điều kiện giải quyết")


class ReturnMethod(models.TextChoices):
    COUNTER = "counter", _("Tại bộ phận một cửa")
    POST = "post", _("Qua dịch vụ bưu chính")
    ONLINE = "online", _("Trực tuyến")


class FeeStatus(models.TextChoices):
    NONE = "none", _("Không thu phí")
    UNPAID = "unpaid", _("Chưa nộp")
    PAID = "paid", _("Đã nộp")


def search_words(code: str | None, applicant_name: str, applicant_tax_code: str) -> str:
    """``Dossier.search_text``: what the staff queues' search matches by words (the bulk writers use it too)."""
    return fold(" ".join([code or "", applicant_name, applicant_tax_code]))


class Dossier(models.Model):
    code = models.CharField(_("mã hồ sơ"), max_length=60, unique=True, null=True, blank=True)
    procedure_version = models.ForeignKey(
        ProcedureVersion, verbose_name=_("thủ tục (phiên bản)"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("trạng thái"), max_length=24, choices=DossierStatus.choices, default=DossierStatus.DRAFT
    )
    channel = models.CharField(_("kênh nộp"), max_length=10, choices=Channel.choices)
    # Who applies. ``applicant`` is the account (None for a counter applicant without one); the snapshot
    # fields keep what was declared on this dossier.
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản người nộp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    applicant_kind = models.CharField(_("loại người nộp"), max_length=10, choices=ApplicantKind.choices)
    applicant_name = models.CharField(_("tên người nộp / tổ chức"), max_length=255)
    # Personal IDs are stored encrypted (docs/architecture/personal-data.md): look-ups by the whole number.
    applicant_personal_id = EncryptedPersonalIdField(_("số định danh cá nhân"), blank=True)
    applicant_tax_code = models.CharField(_("mã số thuế"), max_length=14, blank=True)
    applicant_phone = models.CharField(_("số điện thoại"), max_length=16, blank=True)
    applicant_email = models.EmailField(_("email"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    applicant_commune = models.ForeignKey(
        OrgUnit,
        verbose_name=_("xã, phường nơi cư trú / trụ sở"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    representative_name = models.CharField(_("người được ủy quyền nộp"), max_length=255, blank=True)
    representative_personal_id = EncryptedPersonalIdField(_("số định danh người được ủy quyền"), blank=True)
    receiving_point = models.ForeignKey(
        OrgUnit, verbose_name=_("nơi tiếp nhận"), on_delete=models.PROTECT, related_name="+"
    )
    resolving_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("đơn vị giải quyết"), on_delete=models.PROTECT, related_name="+"
    )
    form_data = models.JSONField(_("nội dung đề nghị"), default=dict, blank=True)
    fee_status = models.CharField(
        _("phí, lệ phí"), max_length=10, choices=FeeStatus.choices, default=FeeStatus.NONE
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    received_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    deemed_received_at = models.DateTimeField(_("thời điểm bắt đầu tính hạn"), null=True, blank=True)
    due_at = models.DateTimeField(_("hẹn trả kết quả"), null=True, blank=True)
    original_due_at = models.DateTimeField(_("hẹn trả ban đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("có kết quả lúc"), null=True, blank=True)
    returned_at = models.DateTimeField(_("trả kết quả lúc"), null=True, blank=True)
    decision = models.CharField(_("kết quả giải quyết"), max_length=20, choices=Decision.choices, blank=True)
    decision_note = models.TextField(_("lý do / nội dung quyết định"), blank=True)
    return_method = models.CharField(
        _("hình thức trả"), max_length=10, choices=ReturnMethod.choices, blank=True
    )
    outcome = models.CharField(_("đánh giá thời hạn"), max_length=10, blank=True)  # early | on_time | late
    paused_from = models.CharField(_("trạng thái trước khi tạm dừng"), max_length=24, blank=True)
    supplement_count = models.PositiveSmallIntegerField(_("số lần yêu cầu bổ sung"), default=0)
    apology_count = models.PositiveSmallIntegerField(_("số lần xin lỗi, hẹn lại"), default=0)
    closing_reason = models.TextField(_("lý do từ chối / dừng / đóng"), blank=True)
    lock_version = models.PositiveIntegerField(_("phiên bản dữ liệu"), default=0)
    #: The earlier system this dossier's history was imported from (``motcua import_history``); empty for a
    #: dossier made here. Imported history keeps what happened, also where today's rules would refuse it
    #: (a second supplement request, a second apology).
    imported_from = models.CharField(_("nhập từ hệ thống"), max_length=60, blank=True, default="")
    #: The folded code, applicant name and tax code (``search_words``); never the personal ID, which is found
    #: by equality on ``applicant_personal_id`` (``motcua.dossiers.selectors``).
    search_text = models.TextField(editable=False, blank=True, default="")
    #: What this dossier's history adds to the scorecard's fact tables, folded event by event by the
    #: same-transaction hooks of ``motcua.dossiers.hooks`` (opaque here; see ``motcua.reporting.facts``).
    fact_state = models.JSONField(editable=False, blank=True, default=dict)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["receiving_point", "status"]),
            models.Index(fields=["resolving_unit", "status"]),
            # Newest first (the "all" queue, the applicant's list, the API list): a page is an index walk,
            # not a sort of every visible dossier (benchmarks/load).
            models.Index(fields=["-created_at", "-id"], name="dossier_newest_first"),
            # What the staff queues' counts and filters read of every visible dossier, so that they scan
            # this index (~75 bytes a dossier) instead of the rows (~1.3 KB).
            models.Index(
                fields=["status", "receiving_point", "resolving_unit"],
                include=["due_at", "procedure_version", "id"],
                name="dossier_queue_cover",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(supplement_count__lte=1) | ~Q(imported_from=""), name="dossier_supplement_once"
            ),
            models.CheckConstraint(
                condition=Q(apology_count__lte=1) | ~Q(imported_from=""), name="dossier_apology_once"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(code__isnull=False), name="dossier_code_when_submitted"
            ),
        ]

    def __str__(self) -> str:
        return self.code or _("Hồ sơ nháp #%(pk)s") % {"pk": self.pk}

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_text = search_words(self.code, self.applicant_name, self.applicant_tax_code)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def procedure(self) -> dict[str, object]:
        """The pinned procedure in the exchange format."""
        return self.procedure_version.snapshot  # type: ignore[no-any-return]

    def pauses(self) -> list[Pause]:
        """The closed pauses that stopped this dossier's clock: after receipt, and of non-zero length."""
        return [
            p.as_pause()
            for p in self.pause_set.all()
            if p.ended_at is not None
            and p.ended_at > p.started_at
            and (self.received_at is None or p.started_at >= self.received_at)
        ]


class DossierCodeCounter(models.Model):
    """The last sequence number given per agency code per day; locked while issuing the next code."""

    prefix = models.CharField(max_length=60)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "day"], name="dossiercode_unique_prefix_day")
        ]

    def __str__(self) -> str:
        return f"{self.prefix} {self.day}: {self.last}"


class PauseKind(models.TextChoices):
    SUPPLEMENT = "supplement", _("Chờ bổ sung hồ sơ")
    SUSPENSION = "suspension", _("Tạm dừng theo quy định")


class DossierPause(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="pause_set")
    kind = models.CharField(_("loại"), max_length=12, choices=PauseKind.choices)
    started_at = models.DateTimeField(_("bắt đầu"))
    ended_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    reason = models.TextField(_("lý do"))
    items = models.JSONField(_("nội dung cần bổ sung"), default=list, blank=True)

    class Meta:
        ordering = ["started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"], condition=Q(ended_at__isnull=True), name="dossierpause_one_open"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="dossierpause_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%d/%m/%Y}"

    def as_pause(self) -> Pause:
        if self.ended_at is None:
            raise ValueError("an open pause has no interval yet")
        return Pause(self.started_at, self.ended_at)


class StepOutcome(models.TextChoices):
    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")


class HandoverMode(models.TextChoices):
    ELECTRONIC = "electronic", _("Điện tử")
    PAPER = "paper", _("Bản giấy")


class DossierStep(models.Model):
    """The runtime copy of one step of the procedure's internal process, for one pass through it."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    seq = models.PositiveSmallIntegerField(_("thứ tự"))
    step_code = models.CharField(_("mã bước"), max_length=20)
    name = models.CharField(_("tên bước"), max_length=300)
    role = models.CharField(_("vai trò"), max_length=20, blank=True)
    unit = models.ForeignKey(OrgUnit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xử lý"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossier_steps",
    )
    inter_agency = models.BooleanField(_("liên thông"), default=False)
    handover_mode = models.CharField(
        _("hình thức chuyển"), max_length=12, choices=HandoverMode.choices, default=HandoverMode.ELECTRONIC
    )
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người giao"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    budget_amount = models.DecimalField(_("thời gian xử lý"), max_digits=6, decimal_places=2, default=0)
    budget_unit = models.CharField(_("đơn vị thời gian"), max_length=20, blank=True)
    started_at = models.DateTimeField(_("nhận lúc"))
    due_at = models.DateTimeField(_("hạn bước"), null=True, blank=True)
    finished_at = models.DateTimeField(_("chuyển đi lúc"), null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người chuyển"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(_("kết quả thời hạn"), max_length=10, choices=StepOutcome.choices, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ["dossier", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "seq"], name="dossierstep_unique_seq"),
            models.UniqueConstraint(
                fields=["dossier"], condition=Q(finished_at__isnull=True), name="dossierstep_one_open"
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "finished_at"]),
            models.Index(fields=["assignee", "finished_at"]),
            # The dossiers with a step at the staff member's units (access.dossier_visible_queryset), read
            # from the index alone instead of visiting every step row of a busy unit (benchmarks/load).
            models.Index(fields=["unit", "dossier"], name="dossierstep_unit_dossier"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier} / {self.seq}. {self.name}"


class ComponentOrigin(models.TextChoices):
    UPLOAD = "upload", _("Tải lên khi nộp trực tuyến")
    COUNTER_SCAN = "counter_scan", _("Số hóa tại bộ phận một cửa")
    PAPER = "paper", _("Bản giấy (chưa số hóa)")
    REUSED = "reused", _("Dùng lại từ kho dữ liệu")
    REGISTRY = "registry", _("Lấy từ cơ sở dữ liệu quốc gia")


class DossierComponent(models.Model):
    """One required (or extra) document of the dossier, as declared by the procedure version."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="components")
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("tên giấy tờ"), max_length=1000)
    required = models.BooleanField(_("bắt buộc"), default=True)
    document_type = models.CharField(_("loại giấy tờ"), max_length=40, blank=True)
    originals = models.PositiveSmallIntegerField(_("số bản chính"), default=1)
    copies = models.PositiveSmallIntegerField(_("số bản sao"), default=0)
    file = models.FileField(_("tệp"), upload_to="dossiers/%Y/%m/", blank=True, max_length=300)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255, blank=True)
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("dung lượng"), default=0)
    page_count = models.PositiveIntegerField(_("số trang"), default=0)
    digitised = models.BooleanField(_("đã số hóa"), default=False)
    origin = models.CharField(_("nguồn"), max_length=14, choices=ComponentOrigin.choices, blank=True)
    checked = models.BooleanField(_("đã kiểm tra đủ"), default=False)
    # The file's real type (from its content); older rows leave it empty (the name's extension tells).
    content_type = models.CharField(_("kiểu tệp"), max_length=60, blank=True)
    # Where a component provided without an upload came from: a registry's reference, a stored document.
    source_reference = models.CharField(_("nguồn tham chiếu"), max_length=200, blank=True)
    # Counter digitisation (TT 01/2023 Art 8(2)): who scanned the paper original, when, and the number of
    # pages the officer counted on paper (the scan must have as many).
    digitised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người số hóa"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    digitised_at = models.DateTimeField(_("số hóa lúc"), null=True, blank=True)
    declared_pages = models.PositiveIntegerField(_("số trang bản giấy"), default=0)

    class Meta:
        ordering = ["dossier", "position"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "position"], name="dossiercomponent_unique_pos")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def provided(self) -> bool:
        return bool(self.file) or self.origin in (
            ComponentOrigin.PAPER,
            ComponentOrigin.REUSED,
            ComponentOrigin.REGISTRY,
        )


class DossierEvent(models.Model):
    """The legal history of a dossier: append-only, hash-chained per dossier (seq 1, 2, …)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    occurred_at = models.DateTimeField(_("thời điểm"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("người thực hiện"), max_length=200)
    action = models.CharField(_("thao tác"), max_length=24, choices=DossierAction.choices)
    from_status = models.CharField(_("từ trạng thái"), max_length=24, blank=True)
    to_status = models.CharField(_("sang trạng thái"), max_length=24, blank=True)
    from_step = models.CharField(_("từ bước"), max_length=20, blank=True)
    to_step = models.CharField(_("sang bước"), max_length=20, blank=True)
    unit_code = models.CharField(_("đơn vị"), max_length=35, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["dossier", "seq"]
        verbose_name = _("lịch sử hồ sơ")
        verbose_name_plural = _("lịch sử hồ sơ")
        constraints = [models.UniqueConstraint(fields=["dossier", "seq"], name="dossierevent_unique_seq")]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.seq} {self.action}"
