from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.catalogue.models import CatalogueEntry, Procedure
from motcua.catalogue.services.procedures import entry_refresh


class Command(BaseCommand):
    help = (
        "Rebuild the public catalogue's search table from the current published versions. Safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            procedures = Procedure.objects.select_related("current_version").exclude(current_version=None)
            count = 0
            for procedure in procedures:
                assert procedure.current_version is not None  # noqa: S101 - excluded above
                entry_refresh(version=procedure.current_version)
                count += 1
            stale = CatalogueEntry.objects.exclude(procedure__in=procedures).delete()[0]
        self.stdout.write(
            self.style.SUCCESS(
                _("Đã lập lại chỉ mục %(count)s thủ tục, xóa %(stale)s mục cũ.")
                % {"count": count, "stale": stale}
            )
        )
