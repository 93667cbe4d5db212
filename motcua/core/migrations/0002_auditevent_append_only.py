"""The audit chain is append-only in the database itself (see motcua.core.append_only)."""

from django.db import migrations

from motcua.core.append_only import append_only


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [append_only("core_auditevent")]
