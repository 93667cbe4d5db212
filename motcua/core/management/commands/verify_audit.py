from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.core.audit import audit_verify
from motcua.core.models import AuditEvent


class Command(BaseCommand):
    help = "Verify the hash chain of the audit log; exit non-zero naming the first broken row."

    def handle(self, *args: Any, **options: Any) -> None:
        broken = audit_verify()
        if broken is not None:
            raise CommandError(f"Audit chain broken at {broken}")
        count = AuditEvent.objects.count()
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {count} events verified."))
