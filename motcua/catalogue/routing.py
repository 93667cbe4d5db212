"""The offer of a procedure: where it can be received and which unit resolves it.

* **Receiving**: by default every current one-stop point of the province, for provincial and commune
  procedures alike (no administrative boundaries); a procedure may instead list its receiving points.
* **Resolving**: the procedure says how the resolving unit is chosen (``ResolvingRule``): its agency,
  the commune competent for the applicant, or the point that received the dossier.

These functions are pure; ``motcua.catalogue.selectors`` feeds them the units.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from motcua.org.models import OrgUnit, OrgUnitKind

from .choices import ResolvingRule


class RoutingError(ValueError):
    """The resolving unit cannot be chosen from what is known about the dossier."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def can_receive_at(point: OrgUnit, *, listed: Sequence[str]) -> bool:
    """Whether ``point`` may receive the procedure: a one-stop point, and one of ``listed`` when the
    procedure lists its points (an empty list means every one-stop point)."""
    if not point.has_one_stop:
        return False
    return not listed or point.code in listed


def choose_resolving_unit(
    *,
    rule: str,
    agency: OrgUnit | None,
    applicant_commune: OrgUnit | None,
    receiving_point: OrgUnit | None,
) -> OrgUnit:
    """The unit that resolves a dossier under ``rule``; raises ``RoutingError`` when it cannot be known."""
    if rule == ResolvingRule.AGENCY:
        if agency is None:
            raise RoutingError("routing_no_agency", _("Thủ tục chưa có cơ quan thực hiện."))
        return agency
    if rule == ResolvingRule.APPLICANT_COMMUNE:
        if applicant_commune is None or applicant_commune.kind != OrgUnitKind.COMMUNE:
            raise RoutingError(
                "routing_no_applicant_commune",
                _("Cần biết xã, phường nơi người nộp cư trú để xác định đơn vị giải quyết."),
            )
        return applicant_commune
    if rule == ResolvingRule.RECEIVING_POINT:
        if receiving_point is None:
            raise RoutingError("routing_no_receiving_point", _("Cần biết đơn vị tiếp nhận hồ sơ."))
        return receiving_point
    raise RoutingError("routing_rule_unknown", _("Cách xác định đơn vị giải quyết không hợp lệ."))
