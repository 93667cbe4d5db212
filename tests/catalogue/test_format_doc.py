"""The exchange format's JSON Schema (docs/formats/procedures.schema.json) stays in step with the code."""

import json
from pathlib import Path

from motcua.catalogue.choices import (
    PROCESS_ROLES,
    ConditionKey,
    DocumentType,
    OnlineLevel,
    ProcedureLevel,
    ResolvingRule,
    TimeUnit,
)
from motcua.catalogue.spec import FORMAT_TAG, PROCEDURE_KEYS

DOCS = Path(__file__).resolve().parents[2] / "docs" / "formats"


def test_the_schema_names_every_key_and_choice():
    schema = json.loads((DOCS / "procedures.schema.json").read_text(encoding="utf-8"))
    procedure = schema["$defs"]["procedure"]["properties"]
    assert schema["properties"]["format"]["const"] == FORMAT_TAG
    assert set(procedure) == PROCEDURE_KEYS
    assert procedure["level"]["enum"] == ProcedureLevel.values
    assert procedure["resolving_unit"]["enum"] == ResolvingRule.values
    assert procedure["online_level"]["enum"] == OnlineLevel.values
    assert procedure["time_limit"]["properties"]["unit"]["enum"] == TimeUnit.values
    assert procedure["components"]["items"]["properties"]["document_type"]["enum"] == DocumentType.values
    action = procedure["process"]["properties"]["actions"]["items"]["properties"]
    assert action["conditions"]["items"]["enum"] == ConditionKey.values
    assert action["roles"]["items"]["enum"] == list(PROCESS_ROLES)


def test_the_format_doc_lists_every_condition_and_document_type():
    text = (DOCS / "procedures.md").read_text(encoding="utf-8")
    for key in ConditionKey.values:
        assert f"`{key}`" in text, key
    for key in DocumentType.values:
        if key:
            assert f"`{key}`" in text, key
