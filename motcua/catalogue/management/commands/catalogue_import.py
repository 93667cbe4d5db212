from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.catalogue.errors import ImportFileError, ImportRejected
from motcua.catalogue.files import read_source
from motcua.catalogue.services import (
    ImportPreview,
    RowAction,
    procedure_import_apply,
    procedure_import_preview,
)

MAX_BYTES = 50 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Import procedures from a JSON file (docs/formats/procedures.md) or an Excel sheet (national database "
        "columns). Without --apply, only prints the preview (exit status 1 when a row is rejected)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--apply", action="store_true", help="write the import (all or nothing)")
        parser.add_argument("--only-valid", action="store_true", help="with --apply: skip rejected rows")
        parser.add_argument("--publish", action="store_true", help="publish every imported procedure")
        parser.add_argument(
            "--create-sectors", action="store_true", help="create sectors the catalogue does not have yet"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("Không thấy tệp %(path)s.") % {"path": path})
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(_("Tệp lớn hơn %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
        try:
            source = read_source(path.read_bytes())
        except ImportFileError as exc:
            raise CommandError(exc.message) from exc
        flags = {"create_sectors": options["create_sectors"], "publish": options["publish"]}
        preview = procedure_import_preview(source=source, **flags)
        self._print(preview)
        if not options["apply"]:
            self.stdout.write(_("Chưa ghi gì. Chạy lại với --apply để nhập."))
            if not preview.ok:
                raise CommandError(_("Có dòng bị từ chối."), returncode=1)
            return
        try:
            report = procedure_import_apply(
                actor=None, source=source, only_valid=options["only_valid"], **flags
            )
        except ImportRejected as exc:
            raise CommandError(
                exc.message
                + " "
                + _("Sửa các dòng trên, hoặc dùng --only-valid để chỉ nhập các dòng hợp lệ.")
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Đã nhập: %(created)s tạo mới, %(updated)s cập nhật, %(published)s công bố, %(skipped)s bỏ qua."
                )
                % {
                    "created": report.created,
                    "updated": report.updated,
                    "published": report.published,
                    "skipped": report.skipped,
                }
            )
        )

    def _print(self, preview: ImportPreview) -> None:
        for row in preview.rows:
            line = f"{row.label:<16} {row.code:<24} {row.action_label:<12} {row.name}"
            self.stdout.write(self.style.ERROR(line) if row.action == RowAction.REJECT else line)
            if row.changes and row.action == RowAction.UPDATE:
                self.stdout.write("    " + _("thay đổi: %(fields)s") % {"fields": ", ".join(row.changes)})
            for problem in row.problems:
                self.stdout.write(f"    ✗ {problem}")
            for warning in row.warnings:
                self.stdout.write(f"    ! {warning}")
        for code, name in preview.sectors_to_create.items():
            self.stdout.write(_("Lĩnh vực mới: %(code)s — %(name)s") % {"code": code, "name": name})
        counts = preview.counts
        self.stdout.write(
            _(
                "Tổng: %(rows)s dòng — %(create)s tạo mới, %(update)s cập nhật, %(publish)s chỉ công bố, "
                "%(unchanged)s không đổi, %(reject)s từ chối."
            )
            % {"rows": len(preview.rows), **counts}
        )
