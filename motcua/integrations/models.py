"""What the history import keeps: one record per imported dossier (its source and the line it came from) and
one row per run of ``motcua import_history``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier

from .dvcqg.models import MessageOutcome, PortalDossier, PortalMessage, PortalUpdate, UpdateState  # noqa: F401
from .webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint  # noqa: F401


class HistoryImport(models.Model):
    """One run of ``motcua import_history``: what it read and what it did (a dry run is recorded too)."""

    source = models.CharField(_("hệ thống nguồn (--source)"), max_length=60, blank=True)
    file_name = models.CharField(_("tệp"), max_length=500)
    file_sha256 = models.CharField(_("mã băm SHA-256 của tệp"), max_length=64)
    started_at = models.DateTimeField(_("bắt đầu"))
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    dry_run = models.BooleanField(_("chạy thử"), default=False)
    only_valid = models.BooleanField(_("chỉ nhập dòng hợp lệ"), default=False)
    lines = models.PositiveIntegerField(_("số dòng"), default=0)
    imported = models.PositiveIntegerField(_("nhập mới"), default=0)
    updated = models.PositiveIntegerField(_("cập nhật"), default=0)
    unchanged = models.PositiveIntegerField(_("không đổi"), default=0)
    rejected = models.PositiveIntegerField(_("bị từ chối"), default=0)
    #: Nothing was written: a dry run, or a run with rejected lines without ``--only-valid``.
    rolled_back = models.BooleanField(_("không ghi gì"), default=False)
    by = models.CharField(_("người chạy"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("lần nhập lịch sử hồ sơ")
        verbose_name_plural = _("các lần nhập lịch sử hồ sơ")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.file_name} {self.started_at:%d/%m/%Y %H:%M}"


class HistoryRecord(models.Model):
    """An imported dossier: where it came from, the line it was built from (by its hash), and what the line
    held that has no column of its own in motcua (``extras``), so the export gives it back."""

    source_system = models.CharField(_("hệ thống nguồn"), max_length=60)
    source_id = models.CharField(_("mã trong hệ thống nguồn"), max_length=100)
    dossier = models.OneToOneField(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="history_record"
    )
    line_sha256 = models.CharField(_("mã băm của dòng đã nhập"), max_length=64)
    #: The due moment on the receipt was not in the source: the calendar engine computed it.
    due_computed = models.BooleanField(_("hạn trả do motcua tính"), default=False)
    extras = models.JSONField(_("dữ liệu nguồn không có cột riêng"), default=dict, blank=True)
    revision = models.PositiveIntegerField(_("số lần nhập"), default=1)
    #: The seq of the dossier's last imported event: a later event means the dossier was worked on in motcua
    #: after the import, and a changed line from the source no longer replaces its history.
    last_event_seq = models.PositiveIntegerField(_("sự kiện nhập cuối"))
    first_run = models.ForeignKey(
        HistoryImport, verbose_name=_("lần nhập đầu"), on_delete=models.PROTECT, related_name="+"
    )
    last_run = models.ForeignKey(
        HistoryImport, verbose_name=_("lần nhập gần nhất"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("hồ sơ nhập từ hệ thống khác")
        verbose_name_plural = _("hồ sơ nhập từ hệ thống khác")
        constraints = [
            models.UniqueConstraint(fields=["source_system", "source_id"], name="historyrecord_unique_source")
        ]

    def __str__(self) -> str:
        return f"{self.source_system}:{self.source_id}"
