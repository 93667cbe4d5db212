"""Retention of the API keys' usage log (``ApiKeyUse``): rows older than the retention are deleted.

Security level 3 asks that logs be kept at least 12 months; the default retention
(``settings.MOTCUA_API_KEY_USE_RETENTION_DAYS``, 400 days) leaves a margin over that, and a shorter one than
``MIN_RETENTION_DAYS`` is refused. Rows go in batches of primary keys (one short transaction each, so a
large backlog never holds a long lock nor one huge DELETE); one audit row records what was removed. Run
nightly by ``motcua prune_api_key_use`` (docs/operations/deployment.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.audit import audit_record
from motcua.core.errors import CodedError

from .models_apikeys import ApiKeyUse

#: 12 months: the shortest retention the security rules allow.
MIN_RETENTION_DAYS = 365
DEFAULT_BATCH_SIZE = 5000


class RetentionInvalid(CodedError):
    code = "retention_invalid"
    default_message = _("Thời gian lưu nhật ký không hợp lệ.")


@dataclass(frozen=True)
class PruneResult:
    deleted: int
    cutoff: dt.datetime
    days: int


def retention_days() -> int:
    return int(getattr(settings, "MOTCUA_API_KEY_USE_RETENTION_DAYS", 400))


def apikey_uses_prune(
    *, days: int | None = None, batch_size: int = DEFAULT_BATCH_SIZE, now: dt.datetime | None = None
) -> PruneResult:
    """Delete the usage rows older than ``days`` (default: the setting), ``batch_size`` at a time; answers
    how many went. Raises ``RetentionInvalid`` (nothing deleted) for a retention under 12 months or a batch
    size under 1."""
    keep = retention_days() if days is None else days
    if keep < MIN_RETENTION_DAYS:
        raise RetentionInvalid(
            _(
                "Nhật ký dùng khóa API phải được lưu ít nhất %(min)s ngày (12 tháng); đã yêu cầu %(days)s ngày."
            ),
            min=MIN_RETENTION_DAYS,
            days=keep,
        )
    if batch_size < 1:
        raise RetentionInvalid(_("Kích thước mỗi đợt xóa phải từ 1 trở lên."), code="batch_size_invalid")
    cutoff = (now or timezone.now()) - dt.timedelta(days=keep)
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(
                ApiKeyUse.objects.filter(at__lt=cutoff)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                break
            count, _per_model = ApiKeyUse.objects.filter(pk__in=ids).delete()
            deleted += count
    if deleted:
        audit_record(
            action="api_key_use.pruned",
            object_type=ApiKeyUse._meta.label_lower,
            data={"deleted": deleted, "before": cutoff.isoformat(), "days": keep},
        )
    return PruneResult(deleted=deleted, cutoff=cutoff, days=keep)
