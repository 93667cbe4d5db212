from django.contrib import admin

from .models import OrgUnit


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent", "valid_from", "valid_to", "successor", "has_one_stop"]
    list_filter = ["kind", "has_one_stop"]
    search_fields = ["code", "name", "search_text"]
    autocomplete_fields = ["parent", "successor"]
