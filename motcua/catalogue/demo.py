"""The demo catalogue: every ``motcua/catalogue/demo/*.json`` file, imported and published idempotently.

The files follow docs/formats/procedures.md and mark what is illustrative rather than official. Loading
twice changes nothing; a file whose rows fail the checks or the publish lint stops the seed with the
reasons (the demo data must be clean).
"""

from __future__ import annotations

from pathlib import Path

from .errors import ImportFileError, ImportRejected
from .exchange import read_json
from .services import procedure_import_apply

DEMO_DIR = Path(__file__).resolve().parent / "demo"


class DemoCatalogueError(RuntimeError):
    """A demo file cannot be loaded; the message names the file and every reason."""


def demo_files() -> list[Path]:
    return sorted(DEMO_DIR.glob("*.json")) if DEMO_DIR.is_dir() else []


def seed_demo_catalogue() -> int:
    """Import and publish every demo file; returns the number of procedures created."""
    created = 0
    for path in demo_files():
        try:
            source = read_json(path.read_bytes())
            report = procedure_import_apply(actor=None, source=source, create_sectors=True, publish=True)
        except ImportFileError as exc:
            raise DemoCatalogueError(f"{path.name}: {exc.message}") from exc
        except ImportRejected as exc:
            reasons = "; ".join(f"{label}: {problem}" for label, problems in exc.rows for problem in problems)
            raise DemoCatalogueError(f"{path.name}: {exc.message} {reasons}") from exc
        created += report.created
    return created
