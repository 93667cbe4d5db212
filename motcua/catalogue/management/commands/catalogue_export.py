from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.catalogue.exchange import write_json, write_xlsx
from motcua.catalogue.records import procedures_with_parts, spec_from_procedure
from motcua.catalogue.selectors import published_versions, version_spec


class Command(BaseCommand):
    help = (
        "Export the catalogue (drafts, or with --published the published versions) to FILE.json or FILE.xlsx."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--published", action="store_true", help="export the published versions")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        suffix = path.suffix.lower()
        if suffix not in (".json", ".xlsx"):
            raise CommandError(_("Tên tệp phải kết thúc bằng .json hoặc .xlsx."))
        if options["published"]:
            versions = published_versions().select_related("sector").order_by("code")
            rows = [(version_spec(v), v.sector.name) for v in versions]
        else:
            rows = [(spec_from_procedure(p), p.sector.name) for p in procedures_with_parts().order_by("code")]
        if suffix == ".json":
            path.write_text(write_json(spec for spec, _sector in rows), encoding="utf-8")
        else:
            path.write_bytes(write_xlsx(rows))
        self.stdout.write(
            self.style.SUCCESS(
                _("Đã xuất %(count)s thủ tục ra %(path)s.") % {"count": len(rows), "path": path}
            )
        )
