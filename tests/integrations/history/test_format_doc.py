"""The format's documents stay in step with the code: the schema copy in docs/formats is the importer's
schema, the document names every field, and its example line is accepted."""

import json
import re
from pathlib import Path

from motcua.integrations.history.lines import SCHEMA_PATH, schema, schema_error

DOCS = Path(__file__).resolve().parents[3] / "docs" / "formats"


def _properties(node, out):
    if isinstance(node, dict):
        for name, value in (node.get("properties") or {}).items():
            out.add(name)
            _properties(value, out)
        for key in ("items", "$defs"):
            if key in node:
                _properties(node[key], out)
        for value in (node.get("$defs") or {}).values():
            _properties(value, out)
    return out


def test_the_docs_schema_is_the_importers_schema():
    assert (DOCS / "dossier-history.schema.json").read_bytes() == SCHEMA_PATH.read_bytes()


def test_the_document_names_every_field_of_the_schema():
    text = (DOCS / "dossier-history.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([a-z_]+)`", text))
    missing = sorted(_properties(schema(), set()) - named)
    assert missing == []


def test_the_documents_example_line_fits_the_schema():
    text = (DOCS / "dossier-history.md").read_text(encoding="utf-8")
    example = re.search(r"## Example.*?```json\n(.*?)```", text, re.S)
    assert example is not None
    assert schema_error(json.loads(example[1])) is None
