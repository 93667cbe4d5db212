"""``motcua reconcile_payments --agency H56.19 --day 2026-03-02 STATEMENT.csv``

Compares a gateway's daily statement with the agency's payments (``motcua.payments.reconcile``), stores the
run for officers to resolve (unless ``--dry-run``) and prints one line per mismatch. Exit status: 0 when
everything matches, 1 when there are mismatches, 2 when the input is wrong (file, date, agency, format).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.payments.errors import PaymentError
from motcua.payments.models import PayChannel
from motcua.payments.reconcile import StatementInvalid, reconcile

#: Exit status when mismatches were found, and when the input is wrong.
MISMATCHES = 1
BAD_INPUT = 2


class Command(BaseCommand):
    help = "Reconcile a gateway statement (CSV) with an agency's payments of one day; exit 1 on mismatches."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "statement", help="the statement file (CSV: txn_ref,gateway_txn_no,amount,paid_at,status)"
        )
        parser.add_argument("--agency", required=True, help="the collecting agency's code, e.g. H56.19")
        parser.add_argument("--day", required=True, help="the statement's day, YYYY-MM-DD (Asia/Ho_Chi_Minh)")
        parser.add_argument(
            "--gateway",
            choices=[PayChannel.VNPAY, PayChannel.NATIONAL],
            help="the gateway the statement comes from (default: the agency's configured gateway)",
        )
        parser.add_argument("--dry-run", action="store_true", help="compare only; store nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = dt.date.fromisoformat(options["day"])
        except ValueError as exc:
            raise CommandError(
                f"--day: not a date (YYYY-MM-DD): {options['day']}", returncode=BAD_INPUT
            ) from exc
        path = Path(options["statement"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}", returncode=BAD_INPUT) from exc
        try:
            result = reconcile(
                data,
                day,
                options["agency"],
                gateway=options.get("gateway"),
                file_name=path.name,
                save=not options["dry_run"],
            )
        except StatementInvalid as exc:
            raise CommandError(str(exc), returncode=BAD_INPUT) from exc
        except PaymentError as exc:
            raise CommandError(str(exc), returncode=BAD_INPUT) from exc
        run = result.run
        self.stdout.write(
            f"{run.agency.code} {run.day.isoformat()} {run.gateway}: {run.statement_rows} statement rows, "
            f"{result.matched} matched, {len(result.mismatches)} mismatches"
            + (f" (run #{run.pk})" if run.pk else " (dry run, not stored)")
        )
        for m in result.mismatches:
            self.stdout.write(
                "\t".join(
                    [
                        m.kind,
                        m.txn_ref,
                        f"system={'' if m.system_amount is None else m.system_amount}",
                        f"statement={'' if m.statement_amount is None else m.statement_amount}",
                        f"line={m.statement_line or ''}",
                    ]
                )
            )
        if result.mismatches:
            raise CommandError(f"{len(result.mismatches)} mismatches", returncode=MISMATCHES)
        self.stdout.write(self.style.SUCCESS("No mismatches."))
