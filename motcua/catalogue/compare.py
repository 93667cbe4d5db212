"""Comparing two states of a procedure — two published versions, or a version and the draft — for the back
office's comparison page and the API. Read-only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from .diff import VersionDiff, version_diff
from .models import Procedure
from .records import spec_from_procedure
from .selectors import has_unpublished_changes, procedure_version_get
from .spec import spec_to_dict

DRAFT: Literal["draft"] = "draft"

#: One side of a comparison: a version number, the draft, or nothing (a procedure with no such version).
Side = int | Literal["draft"] | None


def compare_defaults(procedure: Procedure, numbers: Sequence[int]) -> tuple[Side, Side]:
    """What to compare when nothing is asked (``numbers``: the published versions, newest first): the current
    version with the draft when it changed since, else the previous version with the current one."""
    latest = numbers[0] if numbers else None
    previous = numbers[1] if len(numbers) > 1 else None
    if has_unpublished_changes(procedure) and latest is not None:
        return latest, DRAFT
    return previous, latest


def compare_content(procedure: Procedure, side: Side) -> dict[str, Any] | None:
    """The exchange-format object of one side (None: no such version)."""
    if side == DRAFT:
        return spec_to_dict(spec_from_procedure(procedure), include_reviews=False)
    if isinstance(side, int):
        version = procedure_version_get(code=procedure.code, number=side)
        return version.snapshot if version is not None else None
    return None


def procedure_compare(*, procedure: Procedure, source: Side, target: Side) -> VersionDiff | None:
    """What changed from ``source`` to ``target``; None when a side has no content."""
    old, new = compare_content(procedure, source), compare_content(procedure, target)
    return version_diff(old, new) if old is not None and new is not None else None
