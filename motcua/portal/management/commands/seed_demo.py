from collections.abc import Callable
from functools import partial
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.accounts.demo import seed_demo_accounts
from motcua.calendar.demo import seed_demo_calendar
from motcua.catalogue.demo import seed_demo_catalogue
from motcua.dossiers.demo import seed_demo_dossiers
from motcua.integrations.demo import seed_demo_access
from motcua.org.demo import seed_demo_org
from motcua.payments.demo import pay_demo_dossier_at_counter
from motcua.reporting.plan_seed import seed_demo_plan
from motcua.reporting.simulate.demo import DEMO_HISTORY_DOSSIERS, seed_demo_history


class Command(BaseCommand):
    help = (
        "Load the Thanh Hóa demo data (organisation, accounts, calendar, procedures, dossiers, a year of "
        "simulated history for the scorecard, the reform plan's figures). Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--history",
            type=int,
            default=DEMO_HISTORY_DOSSIERS,
            metavar="N",
            help=f"simulated dossiers over the past year, once (default {DEMO_HISTORY_DOSSIERS}; 0: none)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        steps: list[tuple[str, Callable[[], int]]] = [
            ("org units", seed_demo_org),
            ("accounts", seed_demo_accounts),
            ("calendar", seed_demo_calendar),
            ("catalogue", seed_demo_catalogue),
            ("dossiers", partial(seed_demo_dossiers, pay=pay_demo_dossier_at_counter)),
            ("simulated history", partial(seed_demo_history, dossiers=options["history"])),
            ("reform plan", seed_demo_plan),
            ("data-access ledger", seed_demo_access),
        ]
        for label, seed in steps:
            created = seed()
            self.stdout.write(f"demo {label}: {created} created")
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
