from typing import Any

from django.core.management.base import BaseCommand

from motcua.accounts.demo import seed_demo_accounts
from motcua.calendar.demo import seed_demo_calendar
from motcua.catalogue.demo import seed_demo_catalogue
from motcua.dossiers.demo import seed_demo_dossiers
from motcua.org.demo import seed_demo_org


class Command(BaseCommand):
    help = "Load the Thanh Hóa demo data (organisation, accounts, calendar, procedures, dossiers). Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        steps = [
            ("org units", seed_demo_org),
            ("accounts", seed_demo_accounts),
            ("calendar", seed_demo_calendar),
            ("catalogue", seed_demo_catalogue),
            ("dossiers", seed_demo_dossiers),
        ]
        for label, seed in steps:
            created = seed()
            self.stdout.write(f"demo {label}: {created} created")
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
