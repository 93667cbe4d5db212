"""Issuing on decision: the registry entry, the signed PDF, the event the scorecard counts, the data store."""

import io
import os
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from motcua.core.blobs import read_blob
from motcua.dossiers.status import DossierAction
from motcua.results import certs
from motcua.results.codes import CODE_RE
from motcua.results.models import IssuedResult, ResultKind, ResultStatus
from motcua.results.services import result_issue, results_issue_pending
from motcua.wallet.models import StoredDocument

from .conftest import decided

pytestmark = pytest.mark.django_db


def test_an_approved_electronic_dossier_gets_a_signed_result(
    people, version, clock, django_capture_on_commit_callbacks
):
    d = decided(
        people,
        version,
        clock,
        capture=django_capture_on_commit_callbacks,
        note="Cho phép khai thác 50 m³/ngày.",
    )
    result = IssuedResult.objects.get(dossier=d)
    assert result.status == ResultStatus.VALID, result.last_error
    assert result.kind == ResultKind.ELECTRONIC
    assert CODE_RE.match(result.code)
    assert result.holder_kind == "person" and result.holder_key == people["citizen"].personal_id
    assert result.title == "Giấy phép khai thác nước dưới đất"
    assert result.document_type == "KET_QUA_TTHC"  # the procedure names no type: the generic one
    assert result.signer_unit.code == "H56.19"
    assert result.issued_by == people["leader"]
    assert result.page_count >= 1 and result.signer_fingerprint

    pdf = read_blob(result.file)
    assert pdf.startswith(b"%PDF") and len(pdf) == result.size
    if os.environ.get("MOTCUA_RESULT_PDF_OUT"):  # to look at it: render to PNG with pdftoppm
        Path(os.environ["MOTCUA_RESULT_PDF_OUT"]).write_bytes(pdf)
    # pyHanko, on its own, against the dev CA: intact, valid, trusted, the whole file.
    reader = PdfFileReader(io.BytesIO(pdf))
    (sig,) = reader.embedded_signatures
    from pyhanko.keys import load_cert_from_pemder

    ctx = ValidationContext(
        trust_roots=[load_cert_from_pemder(str(certs.ca_cert_path()))], allow_fetching=False
    )
    status = validate_pdf_signature(sig, ctx)
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert "Sở Nông nghiệp" in status.signing_cert.subject.human_friendly
    # PDF/A-3b: the identification in the XMP metadata and an output intent.
    from pypdf import PdfReader

    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data()
    assert b"pdfaid" in xmp and b"3" in xmp and "/OutputIntents" in root

    # Counted by the scorecard: one result_issued event with e_result.
    events = list(d.events.filter(action=DossierAction.RESULT_ISSUED).values_list("data", flat=True))
    assert events == [{"e_result": True, "code": result.code, "kind": "electronic"}]
    # Filed in the holder's data store.
    stored = StoredDocument.objects.get(result_code=result.code)
    assert (stored.owner_kind, stored.owner_key, stored.origin) == ("person", result.holder_key, "result")
    assert stored.sha256 == result.sha256 and stored.document_type == "KET_QUA_TTHC"


def test_not_eligible_and_paper_results_issue_nothing(
    people, version, clock, django_capture_on_commit_callbacks
):
    decided(
        people,
        version,
        clock,
        capture=django_capture_on_commit_callbacks,
        decision="not_eligible",
        note="Thiếu giấy tờ.",
    )
    assert not IssuedResult.objects.exists()


def test_the_issue_task_is_idempotent_and_a_failure_stays_pending(
    people, version, clock, django_capture_on_commit_callbacks, settings
):
    # A broken signing configuration: the result stays pending with the error recorded.
    settings.MOTCUA_SIGNERS = {"default": {"pkcs12": "/nonexistent/agency.p12", "passphrase": "x"}}
    d = decided(people, version, clock, capture=django_capture_on_commit_callbacks)
    result = IssuedResult.objects.get(dossier=d)
    assert result.status == ResultStatus.PENDING
    assert result.attempts == 1 and "chứng thư" in result.last_error
    assert not d.events.filter(action=DossierAction.RESULT_ISSUED).exists()
    # Fixed configuration: the command issues it.
    settings.MOTCUA_SIGNERS = {}
    assert results_issue_pending() == {"issued": 1, "already": 0, "failed": 0}
    result.refresh_from_db()
    assert result.status == ResultStatus.VALID and result.last_error == ""
    first = (result.sha256, result.issued_at)
    # Retrying after success changes nothing and counts nothing twice.
    assert result_issue(result_id=result.pk) == "already"
    assert results_issue_pending() == {"issued": 0, "already": 0, "failed": 0}
    result.refresh_from_db()
    assert (result.sha256, result.issued_at) == first
    assert d.events.filter(action=DossierAction.RESULT_ISSUED).count() == 1
    assert StoredDocument.objects.filter(result_code=result.code).count() == 1


def test_dev_certs_is_idempotent(dev_certs):
    before = {p.name: p.read_bytes() for p in (dev_certs / "signers").iterdir()}
    assert "default.p12" in before and "H56.19.p12" in before
    from django.core.management import call_command

    call_command("dev_certs", verbosity=0)
    after = {p.name: p.read_bytes() for p in (dev_certs / "signers").iterdir()}
    assert after == before
