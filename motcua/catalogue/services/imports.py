"""Importing a catalogue file: check every row, preview what would happen, then write all or nothing.

``procedure_import_preview`` never writes. ``procedure_import_apply`` recomputes the preview inside its
transaction and writes every valid row — or, when any row is rejected, nothing at all unless
``only_valid`` says to skip the rejected rows. Rows are compared with the stored drafts, so importing the
same file twice changes nothing the second time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts.models import User
from motcua.core.audit import audit_record

from ..diff import changed_fields
from ..errors import ImportRejected
from ..exchange import SourceFile, SourceRow
from ..models import Procedure
from ..records import procedures_with_parts, spec_from_procedure
from ..spec import Problem, ProcedureSpec, parse_procedure, spec_to_dict
from .procedures import (
    procedure_create,
    procedure_publish,
    procedure_update,
    publish_problems,
    with_sector_name,
)
from .storage import References, ensure_sector, resolve


class RowAction(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    PUBLISH = "publish"
    UNCHANGED = "unchanged"
    REJECT = "reject"


ROW_ACTION_LABELS = {
    RowAction.CREATE: gettext_lazy("Tạo mới"),
    RowAction.UPDATE: gettext_lazy("Cập nhật"),
    RowAction.PUBLISH: gettext_lazy("Chỉ công bố"),
    RowAction.UNCHANGED: gettext_lazy("Không đổi"),
    RowAction.REJECT: gettext_lazy("Từ chối"),
}


@dataclass
class PreviewRow:
    label: str
    code: str
    name: str
    action: RowAction
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    spec: ProcedureSpec | None = None

    @property
    def action_label(self) -> str:
        return str(ROW_ACTION_LABELS[self.action])


@dataclass
class ImportPreview:
    rows: list[PreviewRow]
    sectors_to_create: dict[str, str]
    publish: bool

    @property
    def ok(self) -> bool:
        return all(row.action != RowAction.REJECT for row in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(row.action.value for row in self.rows)
        return {action.value: found.get(action.value, 0) for action in RowAction}


@dataclass
class ImportReport:
    preview: ImportPreview
    created: int = 0
    updated: int = 0
    published: int = 0
    skipped: int = 0


def _merge_list(base: list[Any], rows: list[Any], key: str) -> list[Any]:
    """Sheet items replace the list, keeping the extra keys a stored item with the same ``key`` had."""
    by_key: dict[Any, Any] = {}
    for item in base:
        if isinstance(item, dict):
            by_key[item.get(key)] = item
        elif isinstance(item, str):
            by_key[item] = item
    out: list[Any] = []
    for item in rows:
        if isinstance(item, dict):
            stored = by_key.get(item.get(key))
            out.append({**stored, **item} if isinstance(stored, dict) else item)
        else:
            stored = by_key.get(item)
            out.append(stored if isinstance(stored, dict) else item)
    return out


def merge_partial(base: Mapping[str, Any], row: Mapping[str, Any]) -> dict[str, Any]:
    """A sheet row laid over the stored draft: present columns replace, absent ones are kept."""
    merged = dict(base)
    for key, value in row.items():
        if key in ("publication", "time_limit") and isinstance(value, dict):
            merged[key] = {**(base.get(key) or {}), **value}
        elif (key == "components" and isinstance(value, list)) or (key == "fees" and isinstance(value, list)):
            merged[key] = _merge_list(base.get(key) or [], value, "name")
        elif key == "legal_basis" and isinstance(value, list):
            merged[key] = _merge_list(base.get(key) or [], value, "title")
        else:
            merged[key] = value
    return merged


def _row_code(raw: Any) -> str:
    code = raw.get("code") if isinstance(raw, dict) else None
    return code.strip().upper() if isinstance(code, str) else ""


def _row_name(raw: Any) -> str:
    name = raw.get("name") if isinstance(raw, dict) else None
    return " ".join(name.split()) if isinstance(name, str) else ""


def _is_published(procedure: Procedure) -> bool:
    current = procedure.current_version
    return current is not None and current.draft_revision == procedure.draft_revision


def procedure_import_preview(
    *,
    source: SourceFile,
    create_sectors: bool = False,
    publish: bool = False,
    refs: References | None = None,
) -> ImportPreview:
    """What importing ``source`` would do, row by row, with every reason for each rejected row."""
    refs = refs or References.load()
    codes = {_row_code(row.raw) for row in source.rows} - {""}
    existing = {p.code: p for p in procedures_with_parts().filter(code__in=codes)}
    stored_specs = {code: spec_from_procedure(p) for code, p in existing.items()}
    seen: dict[str, str] = {}
    sectors_to_create: dict[str, str] = {}
    rows: list[PreviewRow] = []
    for source_row in source.rows:
        rows.append(
            _preview_row(
                source_row,
                source=source,
                refs=refs,
                existing=existing,
                stored_specs=stored_specs,
                seen=seen,
                sectors_to_create=sectors_to_create,
                create_sectors=create_sectors,
                publish=publish,
            )
        )
    return ImportPreview(rows, sectors_to_create, publish)


def _preview_row(
    source_row: SourceRow,
    *,
    source: SourceFile,
    refs: References,
    existing: Mapping[str, Procedure],
    stored_specs: Mapping[str, ProcedureSpec],
    seen: dict[str, str],
    sectors_to_create: dict[str, str],
    create_sectors: bool,
    publish: bool,
) -> PreviewRow:
    raw = source_row.raw
    code = _row_code(raw)
    stored = stored_specs.get(code)
    if source_row.partial and isinstance(raw, dict):
        raw = (
            merge_partial(spec_to_dict(stored), raw)
            if stored is not None
            else {"applicant_types": ["citizen"], **raw}
        )
    row = PreviewRow(source_row.label, code, _row_name(raw), RowAction.REJECT, list(source_row.problems))
    parsed = parse_procedure(raw, path=source_row.label)
    row.problems.extend(parsed.problems)
    row.warnings.extend(parsed.warnings)
    if code and code in seen:
        row.problems.append(
            Problem(
                f"{source_row.label}.code",
                "procedure_code_duplicate",
                _("Mã thủ tục “%(code)s” xuất hiện nhiều lần trong tệp (đã có ở %(other)s).")
                % {"code": code, "other": seen[code]},
            )
        )
    elif code:
        seen[code] = source_row.label
    spec = parsed.spec
    if spec is None or row.problems:
        if parsed.draft is not None:  # still report unknown sectors and units: every reason at once
            row.problems.extend(
                resolve(
                    parsed.draft,
                    refs,
                    create_sectors=create_sectors,
                    declared_sectors=source.declared_sectors,
                    path=source_row.label,
                )[1]
            )
        return row
    resolved, problems = resolve(
        spec,
        refs,
        create_sectors=create_sectors,
        declared_sectors=source.declared_sectors,
        path=source_row.label,
    )
    row.problems.extend(problems)
    if resolved is None:
        return row
    if spec.sector.code not in refs.sectors:
        sectors_to_create.setdefault(
            spec.sector.code,
            source.declared_sectors.get(spec.sector.code) or spec.sector.name or spec.sector.code,
        )
    spec = with_sector_name(spec, refs)
    if publish:
        row.problems.extend(
            Problem(f"{source_row.label}.process", lint.code, lint.message)
            for lint in publish_problems(spec, refs)
        )
        if row.problems:
            return row
    row.spec = spec
    procedure = existing.get(code)
    if procedure is None or stored is None:
        row.action = RowAction.CREATE
        return row
    row.changes = changed_fields(
        spec_to_dict(stored, include_reviews=False), spec_to_dict(spec, include_reviews=False)
    )
    known_reviews = {(r.reviewed_on, r.reviewed_by) for r in stored.reviews}
    new_reviews = any((r.reviewed_on, r.reviewed_by) not in known_reviews for r in spec.reviews)
    if row.changes or new_reviews:
        row.action = RowAction.UPDATE
        if not row.changes:
            row.changes = [_("Kết quả rà soát")]
    elif publish and not _is_published(procedure):
        row.action = RowAction.PUBLISH
    else:
        row.action = RowAction.UNCHANGED
    return row


def procedure_import_apply(
    *,
    actor: User | None,
    source: SourceFile,
    create_sectors: bool = False,
    publish: bool = False,
    only_valid: bool = False,
) -> ImportReport:
    """Write the import in one transaction. With any rejected row, raises ``ImportRejected`` and writes
    nothing — unless ``only_valid``, which writes the valid rows and skips the rejected ones."""
    with transaction.atomic():
        refs = References.load()
        preview = procedure_import_preview(
            source=source, create_sectors=create_sectors, publish=publish, refs=refs
        )
        rejected = [row for row in preview.rows if row.action == RowAction.REJECT]
        if rejected and not only_valid:
            raise ImportRejected(
                _("Không nhập gì: %(count)s dòng bị từ chối.") % {"count": len(rejected)},
                [(row.label, row.problems) for row in rejected],
            )
        report = ImportReport(preview, skipped=len(rejected))
        for code, name in preview.sectors_to_create.items():
            refs.sectors[code] = ensure_sector(code, name)
        procedures = {
            p.code: p for p in Procedure.objects.filter(code__in=[row.code for row in preview.rows])
        }
        for row in preview.rows:
            if row.spec is None or row.action in (RowAction.REJECT, RowAction.UNCHANGED):
                continue
            spec = with_sector_name(row.spec, refs)
            if row.action == RowAction.CREATE:
                procedure = procedure_create(actor=actor, spec=spec, refs=refs)
                report.created += 1
            else:
                procedure = procedures[row.code]
                if row.action == RowAction.UPDATE:
                    procedure_update(actor=actor, procedure=procedure, spec=spec, refs=refs)
                    report.updated += 1
            if publish and not _is_published(
                Procedure.objects.select_related("current_version").get(pk=procedure.pk)
            ):
                procedure_publish(actor=actor, procedure=procedure, refs=refs, note=_("Nhập từ tệp"))
                report.published += 1
        audit_record(
            action="catalogue.imported",
            actor=actor if actor is not None and actor.is_authenticated else None,
            object_type="catalogue.import",
            data={
                "format": source.kind,
                "rows": len(preview.rows),
                "created": report.created,
                "updated": report.updated,
                "published": report.published,
                "skipped": report.skipped,
                "sectors_created": sorted(preview.sectors_to_create),
            },
        )
    return report
