"""The catalogue's use cases (one function each, keyword-only, one transaction, one audit row)."""

from .drafts import procedure_draft_save
from .imports import (
    ImportPreview,
    ImportReport,
    PreviewRow,
    RowAction,
    procedure_import_apply,
    procedure_import_preview,
)
from .procedures import (
    procedure_create,
    procedure_publish,
    procedure_review_record,
    procedure_update,
    publish_problems,
)
from .storage import References

__all__ = [
    "ImportPreview",
    "ImportReport",
    "PreviewRow",
    "References",
    "RowAction",
    "procedure_create",
    "procedure_draft_save",
    "procedure_import_apply",
    "procedure_import_preview",
    "procedure_publish",
    "procedure_review_record",
    "procedure_update",
    "publish_problems",
]
