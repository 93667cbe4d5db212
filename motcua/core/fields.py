"""Model fields of the core: ``EncryptedPersonalIdField``, a personal ID number (or another owner key) stored
encrypted (``motcua.core.personal_data``; docs/architecture/personal-data.md).

The attribute holds the plain value (``"038195001234"``); the column holds its deterministic token. So
``filter(personal_id=x)``, ``filter(personal_id__in=[…])``, ``__isnull``, unique constraints and
``get_or_create`` keep working unchanged: the look-up value is encrypted the same way, under every configured
key (rows not yet re-encrypted after a key rotation still match). Any other look-up (``icontains``,
``startswith``, ranges, transforms…) would compare with ciphertext and is refused with a ``FieldError``, so no
code silently searches tokens. ``""`` and NULL are stored as they are: whether there is a value is not secret.

Serialisation (``dumpdata``) writes the token, not the value; ``loaddata`` and ``to_python`` open tokens.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldError
from django.db import models
from django.db.models import lookups
from django.db.models.query_utils import RegisterLookupMixin

from . import personal_data

ALLOWED_LOOKUPS = frozenset({"exact", "in", "isnull"})


class EncryptedPersonalIdField(models.CharField):  # type: ignore[type-arg]
    description = "A personal ID number (or tax code) encrypted at rest; equality look-ups only"

    def __init__(self, *args: Any, plain_max_length: int = 12, **kwargs: Any) -> None:
        self.plain_max_length = plain_max_length
        kwargs.setdefault("max_length", personal_data.TOKEN_MAX_LENGTH)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.plain_max_length != 12:
            kwargs["plain_max_length"] = self.plain_max_length
        return name, path, args, kwargs

    # -- values ----------------------------------------------------------------------------------------

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return None if value is None else ""
        return personal_data.decrypt(str(value))

    def to_python(self, value: Any) -> str | None:
        if value is None:
            return None
        value = str(value)
        return personal_data.decrypt(value) if personal_data.is_token(value) else value

    def get_prep_value(self, value: Any) -> str | None:
        plain = super().get_prep_value(value)  # to_python: a token given back is opened, then sealed again
        if plain is None or plain == "":
            return None if plain is None else ""
        return personal_data.encrypt(str(plain))

    def value_to_string(self, obj: models.Model) -> str:
        """What ``dumpdata`` writes: the token (the plain value never leaves in an export of the database)."""
        value = self.value_from_object(obj)
        return "" if value in (None, "") else personal_data.encrypt(str(value))

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        return super().formfield(**{"max_length": self.plain_max_length, **kwargs})

    # -- look-ups --------------------------------------------------------------------------------------

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return EncryptedExact
        if lookup_name == "in":
            return EncryptedIn
        if lookup_name == "isnull":
            return RegisterLookupMixin.get_lookup(self, lookup_name)
        raise self._refused(lookup_name)

    def get_transform(self, lookup_name: str) -> Any:
        raise self._refused(lookup_name)

    def _refused(self, lookup_name: str) -> FieldError:
        owner = f"{self.model.__name__}.{self.name}" if hasattr(self, "model") else self.name
        return FieldError(
            f"{owner} is encrypted at rest: the look-up {lookup_name!r} would compare with ciphertext. "
            f"Only {', '.join(sorted(ALLOWED_LOOKUPS))} are possible (search by the whole number)."
        )


def _direct(value: Any) -> bool:
    return not hasattr(value, "resolve_expression")


class EncryptedIn(lookups.In):  # type: ignore[type-arg]
    """``IN`` over the tokens of every value under every configured key."""

    prepare_rhs = False  # the values are turned into tokens here, not by get_prep_value

    def get_prep_lookup(self) -> Any:
        if _direct(self.rhs) and self.rhs_is_direct_value():
            expanded: list[Any] = []
            for value in self.rhs:
                if value is None or not _direct(value):
                    expanded.append(value)
                else:
                    expanded.extend(_tokens(value))
            self.rhs = expanded
        return super().get_prep_lookup()


class EncryptedExact(lookups.Exact):  # type: ignore[type-arg]
    """``= token``; while several keys are configured (a rotation), ``IN`` over the value's tokens."""

    def get_prep_lookup(self) -> Any:
        self.tokens: list[str] = []
        if self.rhs is None or not _direct(self.rhs):
            return super().get_prep_lookup()
        self.tokens = _tokens(self.rhs)
        return self.tokens[0]

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        if len(self.tokens) > 1:
            return EncryptedIn(self.lhs, self.tokens).as_sql(compiler, connection)
        return super().as_sql(compiler, connection)


def _tokens(value: Any) -> list[str]:
    value = str(value)
    if value == "":
        return [""]
    if personal_data.is_token(value):
        value = personal_data.decrypt(value)
    return personal_data.tokens(value)
