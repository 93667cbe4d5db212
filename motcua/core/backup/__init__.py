"""Backup, restore and the restore drill (docs/operations/backup.md).

A backup is one folder (or one ``.tar`` of it) holding everything needed to bring the system back:

- ``database.dump`` (PostgreSQL, ``pg_dump -Fc``) or ``database.sqlite3`` (SQLite's online backup API);
- ``files/…``: every object of the default storage, under its storage name;
- ``manifest.json``: the version, the migration state, every table's row count and checksum, every file's
  size and SHA-256, all of one moment; ``manifest.json.sha256`` holds the manifest's own hash.

Modules: ``manifest`` (writing and checking the manifest), ``database`` (dump, restore, table checksums),
``files`` (streamed copies with their hashes), ``create`` and ``restore`` (the two operations the commands
call), ``drill`` (backup → restore into a scratch database → compare and verify). Core is the lowest layer:
models and tables are found through ``django.apps`` and database introspection, and the domain's own
verifications (audit chain, dossier histories, fact tables) are run by command name.
"""

from __future__ import annotations


class BackupError(Exception):
    """A backup or restore refused or failed; the message says what to do."""
