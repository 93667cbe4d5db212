from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from motcua.core.audit import audit_record

from .models import OrgUnit


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin[OrgUnit]):
    """The form runs ``OrgUnit.clean`` (code normalised, tree and successor rules); each save is audited."""

    list_display = ["code", "name", "kind", "parent", "valid_from", "valid_to", "successor", "has_one_stop"]
    list_filter = ["kind", "has_one_stop"]
    search_fields = ["code", "name", "search_text"]
    autocomplete_fields = ["parent", "successor"]

    def save_model(self, request: HttpRequest, obj: OrgUnit, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                action="org.unit_changed" if change else "org.unit_created",
                actor=request.user,
                obj=obj,
                data={"code": obj.code, "changed": sorted(form.changed_data)},
            )
