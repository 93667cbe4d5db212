"""Rows of a model written in bulk without model instances (a binary COPY on PostgreSQL, ``executemany``
elsewhere): for the paths that write tens of thousands of rows at once — the simulation and the history import
(dossiers, steps, events…), the audit chain's batches."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import fields as dataclass_fields
from functools import partial
from operator import attrgetter
from typing import Any

from django.db import connection, models

from .fields import EncryptedPersonalIdField


class Table:
    """Rows of one model written without model instances: a binary COPY on PostgreSQL (with the columns'
    types, so psycopg dumps datetimes and JSON itself), ``executemany`` elsewhere (values converted as
    Django converts them for SQLite: datetimes as UTC text, JSON as text).

    ``row_type`` names the attributes the rows carry (the model's attribute names); any other concrete
    field except the automatic id gets the model's default.
    """

    def __init__(self, model: type[models.Model], row_type: type) -> None:
        carried = {f.name for f in dataclass_fields(row_type)}
        ops = connection.ops
        copy = connection.vendor == "postgresql"
        utc = connection.vendor == "sqlite" and connection.timezone_name == "UTC"
        given: list[str] = []
        given_columns: list[str] = []
        defaults: list[Any] = []
        default_columns: list[str] = []
        self.converters: list[tuple[int, Callable[[Any], Any]]] = []
        for f in model._meta.concrete_fields:
            converter: Callable[[Any], Any] | None = None
            if isinstance(f, EncryptedPersonalIdField):
                converter = f.get_prep_value  # the token, never the plain value (also for the COPY)
            elif not copy and isinstance(f, models.JSONField):
                converter = partial(ops.adapt_json_value, encoder=f.encoder)
            elif not copy and isinstance(f, models.DateTimeField):
                converter = _sqlite_utc if utc else ops.adapt_datetimefield_value
            if f.attname in carried:
                if converter is not None:
                    self.converters.append((len(given), converter))
                given.append(f.attname)
                given_columns.append(f.column)
            elif not f.primary_key:
                default = f.get_default()
                defaults.append(
                    converter(default) if converter is not None and default is not None else default
                )
                default_columns.append(f.column)
        quote = ops.quote_name
        self.table = quote(model._meta.db_table)
        self.columns = ", ".join(quote(c) for c in [*given_columns, *default_columns])
        self.getter = attrgetter(*given)
        self.defaults = tuple(defaults)
        self.types: list[int] = []
        if copy:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {self.columns} FROM {self.table} LIMIT 0")  # noqa: S608 - names from the models
                self.types = [column.type_code for column in cursor.description]

    def write(self, objects: Sequence[Any]) -> None:
        if not objects:
            return
        getter, converters, defaults = self.getter, self.converters, self.defaults
        with connection.cursor() as cursor:
            if self.types:
                with cursor.copy(f"COPY {self.table} ({self.columns}) FROM STDIN (FORMAT BINARY)") as copy:
                    copy.set_types(self.types)
                    for o in objects:
                        if converters:
                            values = list(getter(o))
                            for i, convert in converters:
                                if values[i] is not None:
                                    values[i] = convert(values[i])
                            copy.write_row((*values, *defaults))
                        else:
                            copy.write_row((*getter(o), *defaults))
                return
            rows = []
            for o in objects:
                values = list(getter(o))
                for i, convert in converters:
                    if values[i] is not None:
                        values[i] = convert(values[i])
                rows.append((*values, *defaults))
            marks = ", ".join(["%s"] * len(rows[0]))
            cursor.executemany(f"INSERT INTO {self.table} ({self.columns}) VALUES ({marks})", rows)  # noqa: S608 - names from the models


def _sqlite_utc(value: dt.datetime) -> str:
    """``DatabaseOperations.adapt_datetimefield_value`` of SQLite for a UTC connection, without its checks."""
    return str(value.astimezone(dt.UTC).replace(tzinfo=None))
