"""Changes to the organisation tree: one call, one transaction, one audit row.

Who may call these (the province administrator) is decided by the edge and ``accounts``; org sits below
accounts in the import order and does not know roles.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.core.audit import audit_record

from .models import OrgUnit


def _snapshot(unit: OrgUnit) -> dict[str, Any]:
    return {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "parent": unit.parent.code if unit.parent_id and unit.parent else None,
        "valid_from": unit.valid_from.isoformat() if unit.valid_from else None,
        "valid_to": unit.valid_to.isoformat() if unit.valid_to else None,
        "successor": unit.successor.code if unit.successor_id and unit.successor else None,
        "has_one_stop": unit.has_one_stop,
    }


def orgunit_create(
    *,
    actor: AbstractBaseUser | None,
    code: str,
    name: str,
    kind: str,
    parent: OrgUnit | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    successor: OrgUnit | None = None,
    has_one_stop: bool = False,
    short_name: str = "",
    address: str = "",
    phone: str = "",
) -> OrgUnit:
    """Create a unit. ``code`` may be given in either form; it is stored normalised.

    Raises ``ValidationError`` (nothing saved) when any rule of ``OrgUnit.clean`` or a constraint fails.
    """
    unit = OrgUnit(
        code=code,
        name=name.strip(),
        short_name=short_name.strip(),
        kind=kind,
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
        successor=successor,
        has_one_stop=has_one_stop,
        address=address.strip(),
        phone=phone.strip(),
    )
    with transaction.atomic():
        unit.full_clean()
        unit.save(force_insert=True)
        audit_record(action="org.unit_created", actor=actor, obj=unit, data=_snapshot(unit))
    return unit


def orgunit_retire(
    *,
    actor: AbstractBaseUser | None,
    unit: OrgUnit,
    valid_to: dt.date,
    successor: OrgUnit | None = None,
) -> OrgUnit:
    """End ``unit`` on ``valid_to`` (its last valid day), naming the unit that carries it on.

    Refused, with nothing changed, when the unit has already ended, when units below it would still be
    valid after ``valid_to`` (move or retire them first), or when the dates or successor break a rule of
    ``OrgUnit.clean``. Returns the updated unit (``unit`` is refreshed too).
    """
    with transaction.atomic():
        locked = OrgUnit.objects.select_for_update().get(pk=unit.pk)
        if locked.valid_to is not None:
            raise ValidationError(
                {
                    "valid_to": ValidationError(
                        _("Đơn vị “%(code)s” đã hết hiệu lực từ ngày %(end)s."),
                        code="org_unit_already_retired",
                        params={"code": locked.code, "end": locked.valid_to},
                    )
                }
            )
        open_children = locked.children.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=valid_to))
        if open_children.exists():
            raise ValidationError(
                {
                    "valid_to": ValidationError(
                        _(
                            "Đơn vị “%(code)s” còn %(count)s đơn vị trực thuộc có hiệu lực sau ngày %(end)s; "
                            "hãy chuyển hoặc kết thúc các đơn vị đó trước."
                        ),
                        code="org_unit_has_open_children",
                        params={"code": locked.code, "count": open_children.count(), "end": valid_to},
                    )
                }
            )
        locked.valid_to = valid_to
        locked.successor = successor
        locked.full_clean()
        locked.save(update_fields=["valid_to", "successor", "updated_at", "search_text"])
        audit_record(
            action="org.unit_retired",
            actor=actor,
            obj=locked,
            data={
                "code": locked.code,
                "valid_to": valid_to.isoformat(),
                "successor": successor.code if successor else None,
            },
        )
    unit.refresh_from_db()
    return locked
