"""Who may change the catalogue.

Every staff member may read drafts (the back office's ``staff_required``). Editing, publishing and
recording reviews belong to administrators: a province administrator (or a superuser) for every
procedure, an agency administrator for the procedures whose implementing agency is their unit or below
it. Commune-level procedures without a named agency are the province administrator's.
"""

from __future__ import annotations

from django.db.models import QuerySet

from motcua.accounts.models import Role, User
from motcua.accounts.selectors import membership_list_active
from motcua.org.models import OrgUnit
from motcua.org.selectors import orgunit_subtree_ids

from .models import Procedure
from .selectors import agency_options
from .spec import COMMUNE_AGENCY

EDITOR_ROLES = frozenset({Role.AGENCY_ADMIN, Role.PROVINCE_ADMIN})


def _is_province_admin(user: User) -> bool:
    if user.is_superuser:
        return True
    return membership_list_active(user=user).filter(role=Role.PROVINCE_ADMIN).exists()


def catalogue_editable_agencies(*, user: User) -> QuerySet[OrgUnit] | None:
    """Units whose procedures ``user`` may edit: None = all of them; an empty queryset = none."""
    if not user.is_authenticated or not user.is_active:
        return OrgUnit.objects.none()
    if _is_province_admin(user):
        return None
    ids: set[int] = set()
    for membership in membership_list_active(user=user).filter(role=Role.AGENCY_ADMIN):
        ids.update(orgunit_subtree_ids(membership.org_unit, include_self=True))
    return OrgUnit.objects.filter(pk__in=ids).order_by("code")


def catalogue_can_edit(*, user: User) -> bool:
    """Whether ``user`` may edit some procedures (shows the editing screens at all)."""
    agencies = catalogue_editable_agencies(user=user)
    return agencies is None or agencies.exists()


def procedure_can_edit(*, user: User, procedure: Procedure) -> bool:
    agencies = catalogue_editable_agencies(user=user)
    if agencies is None:
        return True
    return procedure.agency_id is not None and agencies.filter(pk=procedure.agency_id).exists()


def procedure_agency_allowed(*, user: User, agency: str, procedure: Procedure | None = None) -> bool:
    """Whether ``user`` may make ``agency`` (a unit code, or ``commune``) the implementing agency of a draft
    (``procedure``; None for a new one): a current unit that implements procedures (not a commune) among
    those they may edit — every one, and the communes, for the province administrator. Editing keeps the
    draft's own agency allowed. The editor's agency list (back office) offers exactly these."""
    if procedure is not None and agency == (procedure.agency.code if procedure.agency else COMMUNE_AGENCY):
        return True
    editable = catalogue_editable_agencies(user=user)
    if agency == COMMUNE_AGENCY:
        return editable is None
    return agency_options(within=editable).filter(code=agency).exists()
