"""Reading a history file: its lines (JSON Lines, gzipped or not, or the Excel template), each parsed and
checked against the format's JSON Schema (``schema.json``) with a reason a person can act on."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

import fastjsonschema
import orjson
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FORMAT_TAG = "motcua.dossier-history/1"
SCHEMA_PATH = Path(__file__).with_name("schema.json")

#: (line number, the line: its text, an object already read from a workbook row, or why it could not be read)
RawLine = tuple[int, "str | dict[str, Any] | Unreadable"]


class Unreadable(str):
    """A line the reader could not turn into an object (the text says why)."""


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _inlined(node: Any, defs: dict[str, Any]) -> Any:
    """The schema with its ``$ref``s replaced by their definitions: the compiled validator then checks a line
    in a few tens of microseconds instead of five times as long (a call per reference)."""
    if isinstance(node, dict):
        if set(node) == {"$ref"}:
            return _inlined(defs[node["$ref"].rsplit("/", 1)[1]], defs)
        return {key: _inlined(value, defs) for key, value in node.items() if key != "$defs"}
    if isinstance(node, list):
        return [_inlined(value, defs) for value in node]
    return node


@lru_cache(maxsize=1)
def _validator() -> Callable[[Any], Any]:
    full = schema()
    return fastjsonschema.compile(_inlined(full, full["$defs"]))


_TYPES = {
    "string": gettext_lazy("một chuỗi"),
    "integer": gettext_lazy("một số nguyên"),
    "number": gettext_lazy("một số"),
    "boolean": gettext_lazy("true hoặc false"),
    "object": gettext_lazy("một đối tượng"),
    "array": gettext_lazy("một danh sách"),
    "null": "null",
}


def _where(path: list[str], name: str = "") -> str:
    parts: list[str] = []
    for part in [*path[1:], *([name] if name else [])]:
        if part.isdigit() and parts:
            parts[-1] += f"[{part}]"
        else:
            parts.append(part)
    return ".".join(parts) or _("dòng")


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


def schema_error(obj: Any) -> str | None:
    """Why ``obj`` does not fit the format's schema (the first reason found), or None when it fits."""
    try:
        _validator()(obj)
    except fastjsonschema.JsonSchemaValueException as exc:
        return _explain(exc)
    return None


def _explain(exc: fastjsonschema.JsonSchemaValueException) -> str:
    path, rule, value, definition = list(exc.path or ["data"]), exc.rule, exc.value, exc.rule_definition
    if rule == "required" and isinstance(value, dict):
        missing = [name for name in definition if name not in value]
        return _("thiếu trường bắt buộc “%(field)s”") % {"field": _where(path, missing[0] if missing else "")}
    if rule == "additionalProperties" and isinstance(value, dict):
        known = set((exc.definition or {}).get("properties", {}))
        unknown = sorted(name for name in value if name not in known)
        return _("trường không có trong định dạng: “%(field)s”") % {
            "field": ", ".join(_where(path, name) for name in unknown) or _where(path)
        }
    if rule == "enum":
        return _("“%(field)s” = %(value)s không phải một giá trị cho phép (%(allowed)s)") % {
            "field": _where(path),
            "value": _shown(value),
            "allowed": ", ".join(str(v) for v in definition),
        }
    if rule == "const":
        return _("“%(field)s” phải là “%(expected)s” (nhận được %(value)s)") % {
            "field": _where(path),
            "expected": definition,
            "value": _shown(value),
        }
    if rule == "type":
        wanted = definition if isinstance(definition, list) else [definition]
        return _("“%(field)s” phải là %(type)s (nhận được %(value)s)") % {
            "field": _where(path),
            "type": _(" hoặc ").join(str(_TYPES.get(str(t), t)) for t in wanted),
            "value": _shown(value),
        }
    if rule == "pattern":
        if "T[0-9]{2}" in str(definition):
            return _(
                "“%(field)s” = %(value)s không phải một thời điểm ISO 8601 có múi giờ "
                "(ví dụ 2021-03-15T09:12:00+07:00)"
            ) % {"field": _where(path), "value": _shown(value)}
        return _("“%(field)s” = %(value)s sai định dạng") % {"field": _where(path), "value": _shown(value)}
    if rule in ("minLength", "maxLength", "minimum", "maximum", "maxItems", "minItems"):
        limits = {
            "minLength": _("ít nhất %(n)s ký tự"),
            "maxLength": _("nhiều nhất %(n)s ký tự"),
            "minimum": _("ít nhất %(n)s"),
            "maximum": _("nhiều nhất %(n)s"),
            "maxItems": _("nhiều nhất %(n)s mục"),
            "minItems": _("ít nhất %(n)s mục"),
        }
        return _("“%(field)s” phải có %(limit)s") % {
            "field": _where(path),
            "limit": limits[rule] % {"n": definition},
        }
    return _("“%(field)s” không hợp lệ (%(rule)s)") % {"field": _where(path), "rule": rule}


def parse(raw: str | dict[str, Any] | Unreadable) -> dict[str, Any] | Unreadable:
    """The line's object, or why it is not one (not JSON, not an object)."""
    if isinstance(raw, Unreadable):
        return raw
    if isinstance(raw, dict):
        return raw
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return Unreadable(
            _("không phải JSON hợp lệ (%(error)s, cột %(col)s)") % {"error": exc.msg, "col": exc.colno}
        )
    if not isinstance(obj, dict):
        return Unreadable(_("mỗi dòng phải là một đối tượng JSON {…}"))
    return obj


def line_hash(obj: dict[str, Any]) -> str:
    """The line's fingerprint: the same content gives the same hash whatever the key order or spacing."""
    return hashlib.sha256(orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)).hexdigest()


def read_file(path: Path) -> Iterator[RawLine]:
    """The file's lines with their numbers (blank lines skipped). ``.xlsx``: the Excel template's dossier rows;
    ``.gz``: gzipped JSON Lines."""
    if path.suffix.lower() == ".xlsx":
        from .xlsx import lines_from_xlsx  # openpyxl only when a workbook is read

        for number, item in lines_from_xlsx(path.read_bytes()):
            yield number, item if isinstance(item, dict) else Unreadable(item)
        return
    if path.suffix.lower() == ".gz":
        with gzip.open(path, "rb") as unzipped:
            yield from _jsonl(unzipped)
        return
    with path.open("rb") as handle:
        yield from _jsonl(handle)


def _jsonl(handle: BinaryIO | gzip.GzipFile) -> Iterator[RawLine]:
    for number, data in enumerate(handle, start=1):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            yield number, Unreadable(_("không phải văn bản UTF-8"))
            continue
        if text.strip():
            yield number, text
