"""Typed errors of the catalogue, each with a stable ``code`` the edges can return as is.

``SpecError`` (bad input, a list of problems) is re-exported so callers catch everything from here.
"""

from __future__ import annotations

from .lint import LintProblem
from .spec import Problem, SpecError

__all__ = [
    "CatalogueError",
    "ImportFileError",
    "ImportRejected",
    "NothingToPublish",
    "PublishRefused",
    "SpecError",
    "StaleDraft",
]


class CatalogueError(Exception):
    code = "catalogue_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PublishRefused(CatalogueError):
    """The process (or the procedure) fails the publish lint; ``problems`` lists every reason."""

    code = "procedure_lint_failed"

    def __init__(self, message: str, problems: list[LintProblem]) -> None:
        super().__init__(message)
        self.problems = problems


class NothingToPublish(CatalogueError):
    """The draft has not changed since the current version."""

    code = "procedure_unchanged"


class StaleDraft(CatalogueError):
    """Someone else saved the draft after the editor loaded it."""

    code = "procedure_draft_stale"


class ImportFileError(CatalogueError):
    """The file cannot be read at all (not JSON, not a workbook, wrong format tag, no header row)."""

    code = "import_file_invalid"


class ImportRejected(CatalogueError):
    """An all-or-nothing import found rejected rows; nothing was written."""

    code = "import_rejected"

    def __init__(self, message: str, rows: list[tuple[str, list[Problem]]]) -> None:
        super().__init__(message)
        self.rows = rows
