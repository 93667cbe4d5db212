"""``motcua disable_inactive_accounts [--days 45] [--dry-run]``: switch off staff accounts nobody uses."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.accounts.services_inactive import (
    INACTIVE_DAYS,
    staff_accounts_disable_unused,
    staff_accounts_unused,
)


class Command(BaseCommand):
    help = "Disable staff accounts that have not signed in for N days (default 45, security level 3)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=INACTIVE_DAYS)
        parser.add_argument("--dry-run", action="store_true", help="list them, change nothing")

    def handle(self, *args: Any, days: int, dry_run: bool, **options: Any) -> None:
        if days < 1:
            self.stderr.write("--days must be at least 1")
            raise SystemExit(2)
        if dry_run:
            names = list(staff_accounts_unused(days=days).values_list("username", flat=True))
        else:
            names = staff_accounts_disable_unused(days=days)
        verb = "would disable" if dry_run else "disabled"
        for name in names:
            self.stdout.write(f"{verb} {name}")
        self.stdout.write(f"{len(names)} staff account(s) {verb} (unused for {days} days)")
