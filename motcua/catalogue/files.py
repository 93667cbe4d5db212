"""Reading a catalogue file from bytes, whatever its format, with the lookups the Excel reader needs."""

from __future__ import annotations

from motcua.core.text import fold

from .exchange import XLSX_MAGIC, SourceFile, read_json, read_xlsx
from .services.storage import References


def read_source(data: bytes, *, refs: References | None = None) -> SourceFile:
    """A JSON file or an Excel workbook (told apart by content, not by name)."""
    if data.startswith(XLSX_MAGIC):
        refs = refs or References.load()
        sectors_by_name = {fold(s.name): s.code for s in refs.sectors.values()}
        units_by_name: dict[str, str | None] = {}
        for unit in refs.units.values():
            if unit.is_valid_on(refs.today):
                key = fold(unit.name)
                units_by_name[key] = None if key in units_by_name else unit.code  # ambiguous names: None

        def sector_code(text: str) -> str | None:
            upper = text.strip().upper()
            if upper in refs.sectors:
                return upper
            return sectors_by_name.get(fold(text))

        def unit_code(text: str) -> str | None:
            return units_by_name.get(fold(text))

        return read_xlsx(data, sector_code=sector_code, unit_code=unit_code)
    return read_json(data)
