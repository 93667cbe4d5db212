from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.dossiers.events import dossier_history_verify
from motcua.dossiers.models import DossierEvent


class Command(BaseCommand):
    help = "Verify every dossier's hash-chained history; exit non-zero naming the first broken event."

    def handle(self, *args: Any, **options: Any) -> None:
        broken = dossier_history_verify()
        if broken is not None:
            raise CommandError(f"Dossier history broken: {broken}")
        self.stdout.write(
            self.style.SUCCESS(f"Dossier histories intact: {DossierEvent.objects.count()} events verified.")
        )
