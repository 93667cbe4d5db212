"""``motcua prune_api_key_use [--days N] [--batch-size N]``: delete the API keys' usage log past its retention."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.accounts.services_apikey_retention import (
    DEFAULT_BATCH_SIZE,
    RetentionInvalid,
    apikey_uses_prune,
    retention_days,
)


class Command(BaseCommand):
    help = (
        "Delete API key usage rows (ApiKeyUse) older than N days "
        "(default MOTCUA_API_KEY_USE_RETENTION_DAYS; at least 365, security level 3)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=None, help=f"keep this many days (default {retention_days()})"
        )
        parser.add_argument(
            "--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="rows deleted per transaction"
        )

    def handle(self, *args: Any, days: int | None, batch_size: int, **options: Any) -> None:
        try:
            result = apikey_uses_prune(days=days, batch_size=batch_size)
        except RetentionInvalid as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(
            f"deleted {result.deleted} API key usage row(s) older than {result.days} days "
            f"(before {result.cutoff.isoformat(timespec='seconds')})"
        )
