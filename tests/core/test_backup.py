"""Backup and restore (docs/operations/backup.md) on the engine under test: SQLite, or PostgreSQL through
pg_dump/pg_restore. The data is committed (``transactional_db``) because the backup reads it the way
production does — through another connection (PostgreSQL's exported snapshot) or SQLite's backup API."""

import contextlib
import json
import os
import re
import shutil
import tarfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from motcua.accounts.models import User
from motcua.core.audit import audit_record
from motcua.core.backup import BackupError, database
from motcua.core.backup.create import backup_create
from motcua.core.backup.drill import create_scratch_database, drop_scratch_database
from motcua.core.backup.files import storage_names
from motcua.core.backup.manifest import MANIFEST, SIDECAR, read_manifest, write_manifest
from motcua.core.backup.restore import restore_backup
from motcua.wallet.services.upload import wallet_upload
from tests.conftest import seed_people
from tests.wallet.conftest import pdf_file

POSTGRES = connection.vendor == "postgresql"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def data(transactional_db, media):
    """The demo people, two documents in a citizen's data store (two files, rows referring to them, audit
    events) and an audit event carrying Vietnamese text."""
    seed_people()
    citizen = User.objects.get(username="congdan.hoa")
    docs = [
        wallet_upload(actor=citizen, document_type="CCCD", title=f"Căn cước {i}",
                      file=pdf_file(marker=f"sao-luu-{i}".encode()))
        for i in range(2)
    ]  # fmt: skip
    audit_record(action="test.backup", data={"ghi_chú": "Sao lưu — thử nghiệm"})
    return docs


@contextlib.contextmanager
def empty_target(tmp_path):
    """An empty database of the engine under test (a second SQLite file, or a new PostgreSQL database),
    reached through its own connection, and an empty folder for the files."""
    settings_dict = connection.settings_dict
    storage = FileSystemStorage(location=str(tmp_path / "restored-media"))
    if not POSTGRES:
        with database.temporary_connection(
            settings_dict, alias="motcua_test_target", NAME=str(tmp_path / "restored.sqlite3")
        ) as target:
            yield target, storage
        return
    name = f"motcua_bk_test_{os.getpid()}"
    create_scratch_database(settings_dict, name)
    try:
        with database.temporary_connection(settings_dict, alias="motcua_test_target", NAME=name) as target:
            yield target, storage
    finally:
        drop_scratch_database(settings_dict, name)


def make_backup(tmp_path, **options):
    return backup_create(
        output=tmp_path / "backups", connection=connection, storage=default_storage, **options
    )


def test_backup_holds_the_dump_the_files_and_a_manifest_of_one_moment(data, tmp_path):
    result = make_backup(tmp_path)
    folder = result.path
    manifest, digest = read_manifest(folder)
    assert digest == result.manifest_sha256
    assert (folder / manifest["database"]["file"]).is_file()
    assert manifest["database"]["engine"] == ("postgresql" if POSTGRES else "sqlite")
    # the manifest's counts are the live database's counts (nothing written since)
    assert manifest["tables"]["wallet_storeddocument"]["rows"] == 2
    assert manifest["tables"]["accounts_user"]["rows"] == User.objects.count()
    assert manifest["tables"] == database.table_digests(connection)
    assert manifest["migrations"]["core"].startswith("00")
    stored = list(storage_names(default_storage))
    assert len(stored) == 2 and sorted(e["name"] for e in manifest["files"]["entries"]) == sorted(stored)
    for entry in manifest["files"]["entries"]:
        copy = folder / "files" / entry["name"]
        assert copy.read_bytes() == default_storage.open(entry["name"], "rb").read()
        assert entry["sha256"] in entry["name"]  # content-addressed: the name is the hash
    assert manifest["references"] == {"count": 2, "missing": []}
    assert not folder.with_name(folder.name + ".partial").exists()

    no_files = make_backup(tmp_path / "db-only", include_files=False)
    assert no_files.manifest["files"]["included"] is False and not (no_files.path / "files").exists()
    assert no_files.manifest["references"]["missing"] is None  # not checked: no files copied
    lost = data[0].file
    default_storage.delete(lost)  # a file lost before the backup: recorded, not hidden
    assert make_backup(tmp_path / "later").missing_references == [lost]


@pytest.fixture
def rows_in_a_transaction(db, media):
    seed_people()
    citizen = User.objects.get(username="congdan.hoa")
    return wallet_upload(actor=citizen, document_type="CCCD", title="Căn cước", file=pdf_file(marker=b"x"))


def test_checksums_change_with_one_value_and_only_there(rows_in_a_transaction):
    doc = rows_in_a_transaction
    before = database.table_digests(connection)
    assert before == database.table_digests(connection)  # deterministic
    type(doc).objects.filter(pk=doc.pk).update(title="Căn cước đã sửa")
    after = database.table_digests(connection)
    assert {t for t in before if before[t] != after[t]} == {"wallet_storeddocument"}
    assert before["wallet_storeddocument"]["rows"] == after["wallet_storeddocument"]["rows"]


def test_restore_into_an_empty_database_gives_identical_counts_checksums_and_files(data, tmp_path):
    backup = make_backup(tmp_path, tar=True)
    assert backup.path.suffix == ".tar"
    with empty_target(tmp_path) as (target, storage):
        result = restore_backup(backup.path, connection=target, storage=storage, domain_checks=False)
        assert result.ok, result.checks
        assert database.table_digests(target) == backup.manifest["tables"]
        assert all(t["match"] for t in result.tables)
        restored = sorted(storage_names(storage))
        assert restored == sorted(storage_names(default_storage))
        for name in restored:
            assert storage.open(name, "rb").read() == default_storage.open(name, "rb").read()
        assert {c.name.split(" (")[0]: c.status for c in result.checks} == {
            "row counts and checksums": "ok", "files": "ok", "files referenced by rows": "ok",
            "migrations": "ok",
        }  # fmt: skip

        # --force over the restored copy: replaced (PostgreSQL: --clean), identical files skipped
        again = restore_backup(
            backup.path, connection=target, storage=storage, force=True, domain_checks=False
        )
        assert again.ok and database.table_digests(target) == backup.manifest["tables"]

        # a manifest rewritten consistently (sidecar too) passes the hash, not the comparison
        folder = tmp_path / "unpacked"
        with tarfile.open(backup.path) as archive:
            archive.extractall(folder, filter="data")
        folder = next(folder.iterdir())
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        manifest["tables"]["accounts_user"] = {"rows": 99, "sha256": "0" * 64}
        write_manifest(folder, manifest)
        wrong = restore_backup(folder, connection=target, storage=storage, force=True, domain_checks=False)
        assert not wrong.ok
        assert wrong.checks[0].status == "failed" and "accounts_user" in wrong.checks[0].detail
        assert [t["table"] for t in wrong.tables if not t["match"]] == ["accounts_user"]


def test_restore_refuses_before_writing_anything(data, tmp_path):
    backup = make_backup(tmp_path)
    entries = backup.manifest["files"]["entries"]
    digests = database.table_digests(connection)

    # into this (non-empty) database, through the command
    with pytest.raises(CommandError, match="target database is not empty"):
        call_command("restore", str(backup.path), "--media-root", str(tmp_path / "elsewhere"))
    assert database.table_digests(connection) == digests

    def case(number, damage):
        folder = tmp_path / f"case-{number}"
        shutil.copytree(backup.path, folder)
        damage(folder)
        return folder

    def flip_a_bit(folder):  # same size: only the SHA-256 tells
        path = folder / "files" / entries[0]["name"]
        content = bytearray(path.read_bytes())
        content[len(content) // 2] ^= 0x01
        path.write_bytes(bytes(content))

    def truncate_dump(folder):
        path = folder / backup.manifest["database"]["file"]
        path.write_bytes(path.read_bytes()[:-10])

    def edit_manifest(folder):
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        manifest["tables"]["wallet_storeddocument"]["rows"] = 3
        (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")

    def rewrite(change):
        def damage(folder):
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            change(manifest)
            write_manifest(folder, manifest)

        return damage

    def escape(manifest):
        manifest["files"]["entries"][0]["name"] = "../../escaped.pdf"

    def other_engine(manifest):
        manifest["database"]["engine"] = "sqlite" if POSTGRES else "postgresql"

    cases = [
        (flip_a_bit, {}, re.escape(entries[0]["name"]) + ".*Nothing was restored"),
        (lambda f: (f / "files" / entries[1]["name"]).unlink(), {}, "missing from the backup"),
        (truncate_dump, {}, "dump is damaged"),
        (edit_manifest, {}, f"differs from .* in {SIDECAR}"),
        # rewriting the sidecar too does not beat the hash recorded when the backup was made
        (rewrite(lambda m: m["tables"].pop("accounts_user")), {"expect_sha256": backup.manifest_sha256},
         "not the expected"),
        (rewrite(escape), {}, "unsafe file name"),
        (rewrite(other_engine), {}, "same engine"),
    ]  # fmt: skip
    with empty_target(tmp_path) as (target, storage):
        for number, (damage, options, message) in enumerate(cases):
            with pytest.raises(BackupError, match=message):
                restore_backup(
                    case(number, damage), connection=target, storage=storage, domain_checks=False, **options
                )
        storage.save("notes/someone.txt", ContentFile(b"already here"))
        with pytest.raises(BackupError, match="target storage is not empty"):
            restore_backup(backup.path, connection=target, storage=storage, domain_checks=False)
        assert database.non_empty_tables(target) == []
        assert list(storage_names(storage)) == ["notes/someone.txt"]
    assert not (tmp_path / "escaped.pdf").exists()


@pytest.fixture
def committed_demo(transactional_db, media):
    """The demo data with a short simulated history, committed, its files under the test MEDIA_ROOT."""
    call_command("seed_demo", verbosity=0, history=20)


def test_the_drill_end_to_end(committed_demo, tmp_path, capsys):
    call_command("backup_drill", "--keep", str(tmp_path / "kept"))
    out = capsys.readouterr().out
    for check in (
        "row counts and checksums", "files (", "files referenced by rows", "audit chain (verify_audit)",
        "dossier histories (verify_dossier_history)", "fact tables (facts --verify)",
    ):  # fmt: skip
        line = next(line for line in out.splitlines() if line.startswith(check))
        assert " ok " in line, line
    assert "Restore drill passed" in out and "DIFFERENT" not in out
    assert "dossiers_dossierevent" in out and "recovery time" in out
    kept = next((tmp_path / "kept").iterdir())
    manifest, _ = read_manifest(kept)
    assert manifest["tables"]["dossiers_dossier"]["rows"] > 20
    assert manifest["files"]["count"] >= 1
    if POSTGRES:  # the scratch database is gone
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_database WHERE datname = %s", [f"motcua_drill_{os.getpid()}"]
            )
            assert cursor.fetchone()[0] == 0


def test_the_drill_hands_the_scratch_database_to_the_child_as_a_database_url():
    from config.settings.env import database_from_url
    from motcua.core.backup.drill import postgres_url

    settings_dict = {"USER": "mốt cửa", "PASSWORD": "p@ss:w/rd?#", "HOST": "db.local", "PORT": "6432",
                     "OPTIONS": {"sslmode": "require"}}  # fmt: skip
    parsed = database_from_url(postgres_url(settings_dict, "motcua_drill_42"))
    assert (parsed["NAME"], parsed["USER"], parsed["PASSWORD"], parsed["HOST"], parsed["PORT"]) == (
        "motcua_drill_42", "mốt cửa", "p@ss:w/rd?#", "db.local", "6432",
    )  # fmt: skip
    assert parsed["OPTIONS"] == {"sslmode": "require"}
