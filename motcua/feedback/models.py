"""Per-dossier evaluations (đánh giá) and feedback / complaints (phản ánh, kiến nghị — PAKN).

Rows change only in ``motcua.feedback.services``; every change writes an audit row in the same transaction.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.catalogue.models import Procedure
from motcua.core.text import fold
from motcua.dossiers.models import Dossier
from motcua.org.models import OrgUnit


class Satisfaction(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("Rất hài lòng")
    SATISFIED = "satisfied", _("Hài lòng")
    DISSATISFIED = "dissatisfied", _("Không hài lòng")


#: The levels counted as satisfied by plan target T08 and 766 item 5.4.
SATISFIED_LEVELS = frozenset({Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED})


class EvaluationChannel(models.TextChoices):
    PORTAL = "portal", _("Cổng dịch vụ công")
    KIOSK = "kiosk", _("Máy tính bảng tại quầy")
    LINK = "link", _("Đường dẫn qua email/SMS")


class Vote(models.TextChoices):
    LIKE = "like", _("Thích")
    DISLIKE = "dislike", _("Không thích")


class Evaluation(models.Model):
    """The applicant's evaluation of one returned dossier (at most one)."""

    dossier = models.OneToOneField(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="evaluation"
    )
    satisfaction = models.CharField(_("mức độ hài lòng"), max_length=16, choices=Satisfaction.choices)
    comment = models.TextField(_("ý kiến"), blank=True)
    channel = models.CharField(_("kênh đánh giá"), max_length=8, choices=EvaluationChannel.choices)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản đánh giá"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    given_at = models.DateTimeField(_("đánh giá lúc"))
    edited_at = models.DateTimeField(_("sửa lúc"), null=True, blank=True)
    #: The nonce of the link that gave it (a link works once).
    link_nonce = models.CharField(max_length=32, blank=True)
    #: The nine criteria as computed when the evaluation was given (code → points, None = no data).
    criteria = models.JSONField(_("tiêu chí"), default=dict, blank=True)
    criteria_total = models.PositiveSmallIntegerField(_("tổng điểm tiêu chí"), default=0)

    class Meta:
        verbose_name = _("đánh giá hồ sơ")
        verbose_name_plural = _("đánh giá hồ sơ")
        ordering = ["-given_at"]
        indexes = [models.Index(fields=["given_at"])]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.satisfaction}"


class EvaluationVote(models.Model):
    """A like or dislike for a unit, or for an officer (with the unit they acted for), of the dossier."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="votes")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    vote = models.CharField(_("bình chọn"), max_length=8, choices=Vote.choices)

    class Meta:
        verbose_name = _("bình chọn cán bộ, đơn vị")
        verbose_name_plural = _("bình chọn cán bộ, đơn vị")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "unit"], condition=Q(officer__isnull=True), name="evalvote_one_per_unit"
            ),
            models.UniqueConstraint(
                fields=["evaluation", "officer"],
                condition=Q(officer__isnull=False),
                name="evalvote_one_per_officer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation_id} {self.unit_id}/{self.officer_id}: {self.vote}"


# -- PAKN ------------------------------------------------------------------------------------------------


class SubjectKind(models.TextChoices):
    PROCEDURE = "procedure", _("Thủ tục hành chính")
    DOSSIER = "dossier", _("Hồ sơ")
    OFFICER = "officer", _("Cán bộ, công chức")
    UNIT = "unit", _("Cơ quan, đơn vị")
    OTHER = "other", _("Nội dung khác")


class FeedbackCategory(models.TextChoices):
    BEHAVIOUR = "behaviour", _("Phản ánh về hành vi hành chính")
    REGULATION = "regulation", _("Phản ánh về quy định hành chính")
    PROPOSAL = "proposal", _("Kiến nghị, đề xuất")
    OTHER = "other", _("Khác")


class FeedbackStatus(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận")
    ROUTED = "routed", _("Đã phân loại, chuyển xử lý")
    INFO_REQUESTED = "info_requested", _("Chờ bổ sung thông tin")
    REFUSED = "refused", _("Từ chối xử lý")
    ANSWERED = "answered", _("Đã trả lời")
    PUBLISHED = "published", _("Đã công khai")


#: Statuses in which the feedback is still being handled.
FEEDBACK_OPEN = frozenset(
    {FeedbackStatus.RECEIVED, FeedbackStatus.ROUTED, FeedbackStatus.INFO_REQUESTED, FeedbackStatus.ANSWERED}
)


class Feedback(models.Model):
    """One piece of feedback or complaint with its tracking code, deadlines, answer and publication."""

    code = models.CharField(_("mã phản ánh"), max_length=20, unique=True)
    subject_kind = models.CharField(_("đối tượng"), max_length=10, choices=SubjectKind.choices)
    subject_reference = models.CharField(_("mã / tên đối tượng"), max_length=200, blank=True)
    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("thủ tục"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ bị phản ánh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("đơn vị bị phản ánh"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    title = models.CharField(_("tiêu đề"), max_length=200)
    content = models.TextField(_("nội dung"))
    category = models.CharField(_("phân loại"), max_length=12, choices=FeedbackCategory.choices, blank=True)
    # The sender: personal data, never shown publicly.
    sender_name = models.CharField(_("họ tên người gửi"), max_length=150)
    sender_phone = models.CharField(_("số điện thoại"), max_length=16, blank=True)
    sender_email = models.EmailField(_("email"), blank=True)
    sender_account = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    consent = models.BooleanField(_("đồng ý xử lý dữ liệu cá nhân"), default=False)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=FeedbackStatus.choices, default=FeedbackStatus.RECEIVED
    )
    handling_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("đơn vị xử lý"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    received_at = models.DateTimeField(_("tiếp nhận lúc"))
    refuse_due_at = models.DateTimeField(_("hạn từ chối"))
    info_due_at = models.DateTimeField(_("hạn yêu cầu bổ sung"))
    answer_due_at = models.DateTimeField(_("hạn trả lời"))
    publish_due_at = models.DateTimeField(_("hạn công khai"), null=True, blank=True)
    routed_at = models.DateTimeField(_("phân loại lúc"), null=True, blank=True)
    refused_at = models.DateTimeField(_("từ chối lúc"), null=True, blank=True)
    refusal_reason = models.TextField(_("lý do từ chối"), blank=True)
    info_requested_at = models.DateTimeField(_("yêu cầu bổ sung lúc"), null=True, blank=True)
    info_request = models.TextField(_("nội dung cần bổ sung"), blank=True)
    info_provided_at = models.DateTimeField(_("bổ sung lúc"), null=True, blank=True)
    info_reply = models.TextField(_("thông tin bổ sung"), blank=True)
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer = models.TextField(_("nội dung trả lời"), blank=True)
    #: Whether the answer found the complaint substantiated (phản ánh đúng): criterion 7 of §8.
    substantiated = models.BooleanField(_("phản ánh có cơ sở"), null=True, blank=True)
    published_at = models.DateTimeField(_("công khai lúc"), null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("trùng với"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="repeats",
    )  # fmt: skip
    duplicate_by_officer = models.BooleanField(_("cán bộ đánh dấu trùng"), default=False)
    likes = models.PositiveIntegerField(_("lượt thích"), default=0)
    dislikes = models.PositiveIntegerField(_("lượt không thích"), default=0)
    search_text = models.TextField(editable=False, blank=True, default="")

    class Meta:
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["handling_unit", "status"]),
            models.Index(fields=["status", "published_at"]),
            models.Index(fields=["received_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(sender_phone="") | ~Q(sender_email=""), name="feedback_has_contact"
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="feedback_published_has_moment",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_text = fold(" ".join([self.code, self.title, self.content, self.answer]))
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class FeedbackCodeCounter(models.Model):
    """The last sequence number given per day; locked while issuing the next code."""

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class FeedbackReaction(models.Model):
    """One like or dislike of a published answer per browser (``voter``: a digest of the cookie)."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="reactions")
    voter = models.CharField(max_length=64)
    vote = models.CharField(_("bình chọn"), max_length=8, choices=Vote.choices)
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["feedback", "voter"], name="feedbackreaction_one_per_voter")
        ]

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.vote}"
