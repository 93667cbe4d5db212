"""The history imports, read-only: an import changes data only through ``motcua import_history``."""

from django.contrib import admin

from motcua.core.admin import ReadOnlyMixin

from .models import HistoryImport, HistoryRecord
from .webhooks import admin as webhooks_admin  # noqa: F401 - registers the webhook admins


@admin.register(HistoryImport)
class HistoryImportAdmin(ReadOnlyMixin, admin.ModelAdmin[HistoryImport]):
    list_display = ["started_at", "file_name", "source", "lines", "imported", "updated", "unchanged", "rejected",
                    "dry_run", "rolled_back"]  # fmt: skip
    list_filter = ["dry_run", "rolled_back"]
    search_fields = ["file_name", "source", "file_sha256"]


@admin.register(HistoryRecord)
class HistoryRecordAdmin(ReadOnlyMixin, admin.ModelAdmin[HistoryRecord]):
    list_display = ["source_system", "source_id", "dossier", "revision", "due_computed"]
    list_filter = ["source_system", "due_computed"]
    search_fields = ["source_id", "dossier__code"]
    raw_id_fields = ["dossier", "first_run", "last_run"]
