"""Who may follow the synchronisation with the national portal, and on which units: the back office's
monitoring page and the API apply the same rules.

Staff who lead a unit or see every unit (agency leaders and administrators, division heads, the province
administrator, auditors) see the figures, each within their units (``unit_ids`` None: every unit); sending
a failed update again or skipping it is for the province administrator.
"""

from __future__ import annotations

from dataclasses import dataclass

from motcua.accounts.models import User
from motcua.dossiers.access import staff_leads_a_unit, staff_scope


@dataclass(frozen=True)
class MonitorScope:
    unit_ids: set[int] | None
    can_act: bool

    @property
    def sees_all(self) -> bool:
        return self.unit_ids is None


def monitor_scope(user: User) -> MonitorScope | None:
    """What ``user`` may follow of the synchronisation; None: the monitor is not for them."""
    if not staff_leads_a_unit(user):
        return None
    scope = staff_scope(user)
    return MonitorScope(
        unit_ids=None if scope.sees_all else set(scope.visible_units), can_act=scope.province_admin
    )
