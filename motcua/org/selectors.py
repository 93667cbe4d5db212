"""Read-side questions about the organisation tree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from motcua.core.text import fold

from .codes import normalize_org_code
from .models import MAX_TREE_DEPTH, OrgUnit, OrgUnitKind


class OrgUnitCycleError(RuntimeError):
    """The successor or parent links of the stored tree loop; the data must be repaired."""

    code = "org_unit_cycle"


def orgunit_list(*, on: dt.date | None = None, kind: str | None = None, q: str = "") -> QuerySet[OrgUnit]:
    """Units, optionally only those valid on ``on``, of one ``kind``, whose folded name, short name or
    code contains every word of ``q`` (diacritics ignored: ``hac thanh`` finds “Hạc Thành”)."""
    units = OrgUnit.objects.all()
    if on is not None:
        units = units.valid_on(on)
    if kind:
        units = units.filter(kind=kind)
    for word in fold(q).split():
        units = units.filter(search_text__contains=word)
    return units.select_related("parent", "successor").order_by("code")


def orgunit_get_by_code(code: str) -> OrgUnit | None:
    """The unit with this code given in either form (``H56.14`` or ``000.00.14.H56``).

    Raises ``ValidationError`` (stable ``code``) when the value is not a valid agency code at all.
    """
    normalised = normalize_org_code(code)
    return OrgUnit.objects.select_related("parent", "successor").filter(code=normalised).first()


def orgunit_current_units(day: dt.date | None = None) -> QuerySet[OrgUnit]:
    """Units valid on ``day`` (today in the project time zone by default)."""
    return OrgUnit.objects.valid_on(day or timezone.localdate()).order_by("code")


def orgunit_successor_on(unit: OrgUnit, day: dt.date) -> OrgUnit | None:
    """The unit that stands for ``unit`` on ``day``.

    ``unit`` itself when it is valid that day; otherwise, for a day after it ended, the first unit along
    its successor links that is valid on ``day``. None when ``day`` is before ``unit`` began, when the
    chain ends, or when it has a gap on that day (the next successor only starts later). A loop in the
    stored links raises ``OrgUnitCycleError`` instead of spinning.
    """
    if unit.is_valid_on(day):
        return unit
    if unit.valid_from is not None and day < unit.valid_from:
        return None
    seen = {unit.pk}
    current = unit
    while current.successor_id is not None:
        if current.successor_id in seen:
            raise OrgUnitCycleError(f"successor links loop at org unit {current.code}")
        seen.add(current.successor_id)
        nxt = current.successor
        if nxt is None:  # pragma: no cover - successor_id set means the row exists (FK)
            return None
        if nxt.is_valid_on(day):
            return nxt
        if nxt.valid_from is not None and day < nxt.valid_from:
            return None
        current = nxt
    return None


def orgunit_subtree_ids(unit: OrgUnit, *, include_self: bool = False) -> set[int]:
    """The ids of ``unit``'s descendants (one query per tree level), for ``__in`` lookups and scopes."""
    found: set[int] = {unit.pk}
    frontier: set[int] = {unit.pk}
    for _level in range(MAX_TREE_DEPTH):
        children = set(OrgUnit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        if not children:
            break
        found |= children
        frontier = children
    else:
        raise OrgUnitCycleError(f"org unit tree below {unit.code} is deeper than {MAX_TREE_DEPTH} levels")
    if not include_self:
        found.discard(unit.pk)
    return found


def orgunit_subtrees_ids(unit_ids: Iterable[int]) -> set[int]:
    """The ids of the units ``unit_ids`` and of all their descendants, in one query whatever the depth.

    A recursive common table expression (PostgreSQL and SQLite): ``UNION`` drops a row already found, so a
    loop in the stored parent links ends instead of spinning. For the scopes of leaders, read per request.
    """
    seeds = sorted({int(pk) for pk in unit_ids})
    if not seeds:
        return set()
    quote = connection.ops.quote_name
    table = quote(OrgUnit._meta.db_table)
    pk = quote(OrgUnit._meta.pk.column)
    parent = quote(OrgUnit._meta.get_field("parent").column)
    placeholders = ", ".join(["%s"] * len(seeds))
    sql = (
        f"WITH RECURSIVE subtree(unit_id) AS ("  # noqa: S608 - names from the model, values as parameters
        f"SELECT {pk} FROM {table} WHERE {pk} IN ({placeholders})"
        f" UNION SELECT child.{pk} FROM {table} child JOIN subtree ON child.{parent} = subtree.unit_id"
        f") SELECT unit_id FROM subtree"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, seeds)
        return {row[0] for row in cursor.fetchall()}


def orgunit_subtree(unit: OrgUnit, *, include_self: bool = False) -> QuerySet[OrgUnit]:
    """All descendants of ``unit`` (children, their children, …), whatever their validity dates.

    One query per tree level (the tree is a few levels deep) plus none for the result, which stays a
    lazy queryset callers can filter further (``.valid_on(day)``) or use in ``__in`` lookups.
    With ``include_self`` the unit itself is included (a leader's scope: the unit and everything below).
    """
    found = orgunit_subtree_ids(unit, include_self=include_self)
    return OrgUnit.objects.filter(pk__in=found).order_by("code")


def orgunit_stats(*, on: dt.date | None = None) -> dict[str, int]:
    """Counts of current units for the home page."""
    day = on or timezone.localdate()
    current = OrgUnit.objects.valid_on(day)
    return {
        "agencies": current.filter(kind__in=[OrgUnitKind.AGENCY, OrgUnitKind.VERTICAL_AGENCY]).count(),
        "communes": current.filter(kind=OrgUnitKind.COMMUNE).count(),
        "one_stop_points": current.filter(has_one_stop=True).count(),
    }
