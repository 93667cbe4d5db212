"""Public verification: by code and by uploaded file; forged, altered, revoked and superseded results."""

import re

import pytest

from motcua.core.blobs import read_blob
from motcua.results.models import IssuedResult, ResultStatus, VerificationLog
from motcua.results.services import (
    result_revoke,
    result_supersede,
    result_verify_code,
    result_verify_upload,
)
from motcua.results.signing import check_signature

from .conftest import decided

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(people, version, clock, django_capture_on_commit_callbacks):
    d = decided(people, version, clock, capture=django_capture_on_commit_callbacks)
    clock.traveller.stop()
    clock.traveller = None
    result = IssuedResult.objects.get(dossier=d)
    assert result.status == ResultStatus.VALID, result.last_error
    return result


def test_a_valid_result_verifies_by_code_and_by_file(issued):
    verdict = result_verify_code(code=issued.code.lower(), client="c1")
    assert verdict.authentic and verdict.result == issued and verdict.signature.ok
    verdict = result_verify_upload(data=read_blob(issued.file), client="c1")
    assert verdict.authentic and verdict.result == issued
    issued.refresh_from_db()
    assert issued.verification_count == 2
    logs = list(
        VerificationLog.objects.order_by("at", "id").values_list(
            "method", "outcome", "code_tried", "client_hash"
        )
    )
    assert logs == [("url", "valid", issued.code, "c1"), ("upload", "valid", issued.code, "c1")]


@pytest.mark.parametrize("where", [0.3, 0.5, 0.9])
def test_a_one_byte_change_fails(issued, where):
    pdf = bytearray(read_blob(issued.file))
    # Change one byte of the signed content: inside the first signed range (the document before the signature's
    # /Contents), not the signature itself nor the cross-reference data after it, which a reader may refuse
    # outright (the byte was sometimes there when the position was taken from the whole file's length).
    m = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)", pdf)
    assert m is not None
    start, length = int(m[1]), int(m[2])
    i = start + max(16, int(length * where))
    while pdf[i : i + 1] in (b"\n", b"\r", b" "):
        i += 1
    pdf[i] ^= 0x01
    verdict = result_verify_upload(data=bytes(pdf), client="c2")
    assert not verdict.authentic
    assert verdict.outcome in ("signature_broken", "modified", "no_signature")
    assert any("mã băm" in r for r in verdict.reasons)  # and the hash is not in the registry either
    assert verdict.result is None
    assert VerificationLog.objects.get().outcome == verdict.outcome


def test_a_change_inside_the_signature_fails(issued):
    pdf = bytearray(read_blob(issued.file))
    i = pdf.find(b"/Contents <") + len(b"/Contents <") + 40
    pdf[i] = ord("0") if pdf[i] != ord("0") else ord("1")
    assert not check_signature(bytes(pdf)).ok
    assert result_verify_upload(data=bytes(pdf)).outcome == "signature_broken"


def test_appending_after_signing_is_refused(issued):
    verdict = result_verify_upload(data=read_blob(issued.file) + b"\n%tampered\n")
    assert verdict.outcome == "modified"


def test_an_unsigned_or_foreign_file_fails(issued, tmp_path, settings):
    from motcua.documents.pdf import render_html_to_pdf

    plain = render_html_to_pdf("<p>Giấy phép giả</p>")
    assert result_verify_upload(data=plain).outcome == "no_signature"
    # Signed with a certificate from another CA: untrusted.
    settings.MOTCUA_CERTS_DIR = str(tmp_path / "other-ca")
    from motcua.results.signing import sign_pdf

    forged, _info = sign_pdf(plain, unit=issued.signer_unit, reason="giả")
    settings.MOTCUA_CERTS_DIR = str(tmp_path / "certs-back")  # trust roots: a third CA, not the forger's
    verdict = result_verify_upload(data=forged)
    assert verdict.outcome == "untrusted"


def test_a_signed_file_the_registry_does_not_know_is_hash_unknown(issued):
    from motcua.documents.pdf import render_html_to_pdf
    from motcua.results.signing import sign_pdf

    # Signed with the agency's real (dev) certificate but never registered: e.g. a leaked draft.
    signed, _info = sign_pdf(render_html_to_pdf("<p>Bản nháp</p>"), unit=issued.signer_unit, reason="x")
    verdict = result_verify_upload(data=signed)
    assert verdict.outcome == "hash_unknown" and verdict.result is None


def test_revoked_result_is_answered_as_revoked(issued, people):
    result_revoke(result=issued, actor=people["leader"], reason="issued_in_error", note="Sai diện tích")
    for verdict in (result_verify_code(code=issued.code), result_verify_upload(data=read_blob(issued.file))):
        assert verdict.outcome == "revoked" and verdict.result.revoke_reason == "issued_in_error"
    issued.refresh_from_db()
    assert issued.revoked_at is not None and issued.verification_count == 2


def test_a_revoked_result_stays_in_the_holders_store_but_is_never_offered_again(issued, people):
    from motcua.wallet.models import StoredDocument
    from motcua.wallet.owners import Owner
    from motcua.wallet.selectors import validity, wallet_offers

    owner = Owner(kind=issued.holder_kind, key=issued.holder_key)
    stored = StoredDocument.objects.get(result_code=issued.code)
    assert wallet_offers(owner=owner, document_types=[stored.document_type]) == {
        stored.document_type: [stored]
    }
    result_revoke(result=issued, actor=people["leader"], reason="issued_in_error", note="Sai diện tích")
    stored.refresh_from_db()
    assert stored.withdrawn_reason == "revoked" and validity(stored) == "withdrawn"
    assert wallet_offers(owner=owner, document_types=[stored.document_type]) == {}


def test_only_leaders_revoke(issued, people):
    from motcua.results.errors import ResultError, ResultNotAllowed

    with pytest.raises(ResultNotAllowed):
        result_revoke(result=issued, actor=people["specialist"], reason="fraud")
    with pytest.raises(ResultError):
        result_revoke(result=issued, actor=people["leader"], reason="other", note="")
    issued.refresh_from_db()
    assert issued.status == ResultStatus.VALID


def test_superseded_result_points_to_the_new_code(issued, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        new = result_supersede(result=issued, actor=people["leader"], decision_note="Đính chính: 60 m³/ngày.")
    new.refresh_from_db()
    issued.refresh_from_db()
    assert new.status == ResultStatus.VALID, new.last_error
    assert new.code != issued.code and new.replaces == issued
    assert issued.status == ResultStatus.SUPERSEDED and issued.superseded_by == new
    verdict = result_verify_code(code=issued.code)
    assert verdict.outcome == "superseded" and verdict.result.superseded_by.code == new.code
    assert result_verify_code(code=new.code).authentic
    # The re-issue is not counted a second time by the scorecard.
    assert issued.dossier.events.filter(action="result_issued").count() == 1


def test_unknown_code(db):
    verdict = result_verify_code(code="KQAAAAAAAAAAAA")
    assert verdict.outcome == "unknown" and verdict.result is None
    assert VerificationLog.objects.get().code_tried == "KQAAAAAAAAAAAA"


def test_signing_and_checking_work_inside_a_running_event_loop(issued):
    """pyHanko's sync API runs ``asyncio.run``: from a thread that already runs a loop (an ASGI server, a
    browser test) it must still sign and validate, not report a valid file as broken."""
    import asyncio

    from motcua.documents.pdf import render_html_to_pdf
    from motcua.results.signing import sign_pdf

    original, unit = read_blob(issued.file), issued.signer_unit

    async def inside_a_loop():
        signed, _info = sign_pdf(render_html_to_pdf("<p>Trong vòng lặp</p>"), unit=unit, reason="x")
        return check_signature(signed), check_signature(original)

    fresh, registered = asyncio.run(inside_a_loop())
    assert fresh.ok, fresh
    assert registered.ok, registered
