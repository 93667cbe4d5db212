"""What the import reads from the database once: the catalogue's versions by procedure code, the units by
electronic code (ended ones too) with their calendars, officers by username."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from motcua.calendar.engine.snapshot import TZ, CalendarSnapshot
from motcua.calendar.selectors import calendar_snapshot, resolve_hours
from motcua.catalogue.choices import OnlineLevel, ResultType
from motcua.catalogue.models import ProcedureVersion
from motcua.dossiers.procedure import DeadlineRules, deadline_rules, procedure_spec
from motcua.org.codes import normalize_org_code
from motcua.org.models import OrgUnit

_CALENDARS: dict[Any, CalendarSnapshot] = {}


@dataclass(frozen=True, slots=True)
class VersionInfo:
    pk: int
    number: int
    procedure_id: int
    code: str
    published_on: dt.date
    rules: DeadlineRules
    full_online: bool  # offered "toàn trình" (766 item 3.2's numerator, with an online channel)
    fee: bool
    paper_result: bool
    electronic_result: bool


@dataclass(eq=False)
class UnitInfo:
    pk: int
    code: str
    name: str
    valid_from: dt.date | None
    valid_to: dt.date | None

    @cached_property
    def cal(self) -> CalendarSnapshot:
        """The unit's calendar as the services get it; units with the same working hours share one."""
        hours = resolve_hours(self.pk)
        shared = _CALENDARS.get(hours)
        if shared is None:
            shared = _CALENDARS[hours] = calendar_snapshot(org_unit=self.pk)
        return shared

    def valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


@dataclass
class Context:
    versions: dict[str, list[VersionInfo]]
    units: dict[str, UnitInfo]
    units_by_pk: dict[int, UnitInfo]
    officers: dict[str, int | None] = field(default_factory=dict)
    aliases: dict[str, UnitInfo | None] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Context:
        _CALENDARS.clear()  # the calendar may have changed since the last import in this process
        versions: dict[str, list[VersionInfo]] = {}
        for version in ProcedureVersion.objects.order_by("code", "number"):
            spec = procedure_spec(version)
            versions.setdefault(version.code, []).append(
                VersionInfo(
                    pk=version.pk,
                    number=version.number,
                    procedure_id=version.procedure_id,
                    code=version.code,
                    published_on=version.published_at.astimezone(TZ).date(),
                    rules=deadline_rules(spec),
                    full_online=version.online_level == OnlineLevel.FULL,
                    fee=version.has_fees,
                    paper_result=version.result_type == ResultType.PAPER,
                    electronic_result=version.result_type == ResultType.ELECTRONIC,
                )
            )
        units = {
            code: UnitInfo(pk, code, name, start, end)
            for pk, code, name, start, end in OrgUnit.objects.values_list(
                "pk", "code", "name", "valid_from", "valid_to"
            )
        }
        return cls(versions=versions, units=units, units_by_pk={u.pk: u for u in units.values()})

    def version(self, code: str, number: int | None, day: dt.date) -> VersionInfo | None:
        """The version ``number`` of procedure ``code``; without a number, the one in force on ``day``: the
        latest published on or before it, else the oldest (the catalogue's first version stands for the time
        before it)."""
        found = self.versions.get(code)
        if not found:
            return None
        if number is not None:
            return next((v for v in found if v.number == number), None)
        in_force = [v for v in found if v.published_on <= day]
        return in_force[-1] if in_force else found[0]

    def unit(self, code: str) -> UnitInfo | None:
        """The unit with this electronic code, in either form (``H56.14`` or ``000.00.14.H56``)."""
        if code in self.units:
            return self.units[code]
        if code not in self.aliases:
            try:
                self.aliases[code] = self.units.get(normalize_org_code(code))
            except ValidationError:
                self.aliases[code] = None
        return self.aliases[code]

    def officer(self, username: str) -> int | None:
        """The account of the officer with this username, if motcua has one (historic officers may not)."""
        if username not in self.officers:
            self.officers[username] = (
                get_user_model().objects.filter(username=username).values_list("pk", flat=True).first()
            )
        return self.officers[username]
