"""Plain-text tables for the restore and drill commands (an operator reads them in a terminal or a CI log)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

MARKS = {"ok": "ok", "failed": "FAILED", "warning": "warning", "skipped": "skipped"}


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.1f} MB" if size >= 100_000 else f"{size / 1000:,.1f} kB"


def tables_text(tables: Iterable[dict[str, Any]], *, all_tables: bool = False) -> list[str]:
    """Tables with rows (or differing), one line each; empty identical tables summed up in one line."""
    lines = [f"{'table':<44} {'backup rows':>12} {'restored':>10}  checksum"]
    quiet = 0
    for t in tables:
        if not all_tables and t["match"] and not t["rows"]:
            quiet += 1
            continue
        expected = "—" if t["expected_rows"] is None else f"{t['expected_rows']:,}"
        restored = "—" if t["rows"] is None else f"{t['rows']:,}"
        lines.append(f"{t['table']:<44} {expected:>12} {restored:>10}  {'ok' if t['match'] else 'DIFFERENT'}")
    if quiet:
        lines.append(f"{f'(and {quiet} empty tables, identical)':<44}")
    return lines


def checks_text(checks: Iterable[dict[str, Any]]) -> list[str]:
    lines = [f"{'check':<48} {'result':<8} {'seconds':>7}  detail"]
    for c in checks:
        mark = MARKS.get(c["status"], c["status"])
        lines.append(f"{c['name']:<48} {mark:<8} {c['seconds']:>7.2f}  {c['detail']}")
    return lines
