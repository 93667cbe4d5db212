"""The legal history of dossiers is append-only in the database itself (see motcua.core.append_only)."""

from django.db import migrations

from motcua.core.append_only import append_only


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]
    operations = [append_only("dossiers_dossierevent")]
