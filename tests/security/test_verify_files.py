"""``motcua verify_files``: every row's file exists with its SHA-256, else a non-zero exit naming the row;
``--orphans`` lists (and ``--delete-orphans`` removes) stored files no row refers to."""

from __future__ import annotations

import io
import os
import time

import pytest
from django.core.management import CommandError, call_command

from motcua.core.blobs import file_references, put_blob
from motcua.dossiers import services as s
from motcua.dossiers.services.components import dossier_component_attach
from motcua.org.models import OrgUnit
from motcua.wallet.services.upload import wallet_upload

from .uploads.corpus import pdf
from .uploads.entry_points import _people

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("verify_files", *args, stdout=out)
    return out.getvalue()


def failing(*args):
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("verify_files", *args, stdout=out)
    return out.getvalue(), str(caught.value)


@pytest.fixture
def stored(env, folders):
    """A component's file and a data-store document, each a blob of its own."""
    env.clock(env.vn(2026, 3, 2, 9, 0))
    people = _people()
    d = s.dossier_create_draft(applicant=people["citizen"], procedure_version=env.version,
                               receiving_point=OrgUnit.objects.get(code="H56.40"))  # fmt: skip
    component = dossier_component_attach(
        dossier=d,
        actor=people["citizen"],
        component_id=d.components.first().pk,
        upload=pdf(marker="component"),
    )
    document = wallet_upload(
        actor=people["citizen"], document_type="CCCD", title="Căn cước", file=pdf(marker="cccd")
    )
    return {"component": component, "document": document, "media": folders.media}


def test_the_references_are_found_by_convention():
    labels = {r.label: r.hash_field for r in file_references()}
    assert labels == {
        "dossiers.DossierComponent.file": "sha256",
        "wallet.StoredDocument.file": "sha256",
        "results.IssuedResult.file": "sha256",
        "reporting.Measurement.file": "file_sha256",
        "reporting.PlanTaskReport.evidence": "evidence_sha256",
    }


def test_all_files_present_and_whole(stored):
    out = run()
    assert "2 rows refer to 2 stored files: 0 missing, 0 damaged." in out
    assert "Every file is there with its recorded SHA-256." in out


def test_a_missing_file_fails_naming_the_row(stored):
    component = stored["component"]
    (stored["media"] / component.file.name).unlink()
    out, error = failing()
    assert f"MISSING  dossiers.DossierComponent.file #{component.pk}  {component.file.name}" in out
    assert "1 missing, 0 damaged" in error
    # Existence only: the same answer, without reading the files.
    out, error = failing("--no-hash")
    assert "MISSING" in out and "1 missing" in error


def test_a_damaged_file_fails_naming_the_row(stored):
    document = stored["document"]
    path = stored["media"] / document.file
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one byte flipped, same size
    path.write_bytes(bytes(data))
    out, error = failing()
    assert f"DAMAGED  wallet.StoredDocument.file #{document.pk}  {document.file}" in out
    assert "0 missing, 1 damaged" in error
    assert "Every file is there." in run("--no-hash")  # existence alone cannot see it


def test_orphans_are_listed_and_old_ones_deleted(stored):
    media = stored["media"]
    orphan = put_blob(pdf(marker="orphan"), extension="pdf").name  # stored by a request that then failed
    partial = media / "blobs" / "ab" / ".part-x1y2z3"  # a write killed in the middle
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_bytes(b"%PDF-1.4 half")
    out = run("--orphans")
    assert f"ORPHAN   {orphan}  (recent: kept)" in out and "blobs/ab/.part-x1y2z3" in out
    assert "2 stored files no row refers to." in out
    out = run("--delete-orphans")  # recent (a request may still be about to write its row): kept
    assert "0 deleted" in out and (media / orphan).exists()
    old = time.time() - 2 * 24 * 3600
    for path in (media / orphan, partial):
        os.utime(path, (old, old))
    out = run("--delete-orphans")
    assert f"DELETED  {orphan}" in out and "2 deleted" in out
    assert not (media / orphan).exists() and not partial.exists()
    assert (media / stored["component"].file.name).exists()  # referenced files are never touched
    assert "0 missing, 0 damaged" in run()
