from typing import Any

from django.core.management.base import BaseCommand

from motcua.dossiers.services import dossier_close_expired_supplements


class Command(BaseCommand):
    help = "Close dossiers still awaiting their supplement after 15 working days (run daily by a scheduler)."

    def handle(self, *args: Any, **options: Any) -> None:
        closed = dossier_close_expired_supplements()
        self.stdout.write(f"closed {len(closed)} dossier(s)" + (": " + ", ".join(closed) if closed else ""))
