"""Issued results over the API: public verification (by code, by file), the holder's results and their file,
the staff registry (visibility, download logged, revoke); errors, pagination, query counts."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.core.blobs import read_blob
from motcua.results.models import IssuedResult, ResultStatus, VerificationLog
from motcua.wallet.models import AccessEntry
from tests.results import conftest as results_fixtures
from tests.results.conftest import decided, png_page

pytestmark = pytest.mark.django_db
BASE = "/api/v1/results"
# The signing set-up of the results tests: a session certificates folder, its settings for every test.
certs_dir = results_fixtures.certs_dir
_results_settings = results_fixtures._results_settings


@pytest.fixture
def issued(people, version, clock, django_capture_on_commit_callbacks):
    d = decided(people, version, clock, capture=django_capture_on_commit_callbacks)
    clock.traveller.stop()
    clock.traveller = None
    result = IssuedResult.objects.get(dossier=d)
    assert result.status == ResultStatus.VALID, result.last_error
    return result


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["message"], body
    return body


def test_verify_by_code_shows_only_what_is_printed(client, issued):
    response = client.get(f"{BASE}/verify/{issued.code.lower()}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["outcome"] == "valid" and body["authentic"] is True and body["reasons"] == []
    assert body["sha256_registered"] is True and body["signature"]["ok"] is True
    assert body["result"]["code"] == issued.code and body["result"]["holder_name"] == issued.holder_name
    text = response.content.decode()
    d = issued.dossier
    for secret in (d.applicant_personal_id, d.applicant_phone, d.applicant_email, d.code):
        if secret:
            assert secret not in text, secret
    issued.refresh_from_db()
    assert issued.verification_count == 1


def test_unknown_and_revoked_codes(client, issued, people):
    assert_error(client.get(f"{BASE}/verify/KQZZZZZZZZZZZZ"), 404, "result_not_found")
    client.force_login(people["leader"])
    revoked = client.post(
        f"{BASE}/registry/{issued.code}/revoke", {"reason": "fraud", "note": "Giấy tờ giả"},
        content_type="application/json",
    )  # fmt: skip
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked", revoked.content
    client.logout()
    body = client.get(f"{BASE}/verify/{issued.code}").json()
    assert body["outcome"] == "revoked" and body["authentic"] is False and body["reasons"]
    assert body["result"]["revoke_reason"] == "fraud" and "Giấy tờ giả" not in str(body)


def test_verify_an_uploaded_file(client, issued):
    pdf = read_blob(issued.file)
    ok = client.post(
        f"{BASE}/verify", {"file": SimpleUploadedFile("kq.pdf", pdf, content_type="application/pdf")}
    )
    assert ok.status_code == 200 and ok.json()["authentic"] is True, ok.content
    altered = bytearray(pdf)
    altered[len(altered) // 2] ^= 0x01
    bad = client.post(f"{BASE}/verify", {"file": SimpleUploadedFile("kq.pdf", bytes(altered))})
    assert bad.status_code == 200 and bad.json()["authentic"] is False
    assert bad.json()["outcome"] in ("signature_broken", "modified") and bad.json()["result"] is None
    not_pdf = client.post(
        f"{BASE}/verify", {"file": SimpleUploadedFile("a.png", png_page(), content_type="image/png")}
    )
    assert not_pdf.status_code == 422 and not_pdf.json()["code"].startswith("upload_")
    assert VerificationLog.objects.filter(method="upload").count() == 2


def test_verification_is_rate_limited(client, issued, monkeypatch):
    from motcua.results.services import verify

    monkeypatch.setattr(verify, "RATE_LIMIT", 2)
    assert client.get(f"{BASE}/verify/{issued.code}").status_code == 200
    assert client.get(f"{BASE}/verify/{issued.code}").status_code == 200
    assert_error(client.get(f"{BASE}/verify/{issued.code}"), 429, "rate_limited")


def test_my_results_and_their_file(client, issued, people, django_assert_max_num_queries):
    assert client.get(f"{BASE}/mine").status_code == 401
    client.force_login(people["citizen"])
    with django_assert_max_num_queries(4):  # session, account, count, page
        page = client.get(f"{BASE}/mine").json()
    assert page["count"] == 1 and page["items"][0]["code"] == issued.code
    assert page["items"][0]["dossier_code"] == issued.dossier.code and page["items"][0]["has_file"] is True
    assert client.get(f"{BASE}/mine", {"status": "revoked"}).json()["count"] == 0
    assert_error(client.get(f"{BASE}/mine", {"status": "bogus"}), 422, "request_invalid")
    response = client.get(f"{BASE}/mine/{issued.code}/file")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == read_blob(issued.file)
    assert "attachment" in response["Content-Disposition"]

    client.force_login(people["citizen2"])  # another holder: nothing, and the file is a 404
    assert client.get(f"{BASE}/mine").json() == {"items": [], "count": 0}
    assert_error(client.get(f"{BASE}/mine/{issued.code}/file"), 404, "result_not_found")


def test_the_staff_registry(client, issued, people):
    client.force_login(people["citizen"])
    assert client.get(f"{BASE}/registry").json()["count"] == 0  # not staff: an empty registry
    assert_error(client.get(f"{BASE}/registry/{issued.code}"), 404, "result_not_found")

    client.force_login(people["commune_officer"])  # staff of a unit that never saw the dossier
    assert client.get(f"{BASE}/registry").json()["count"] == 0
    assert_error(client.get(f"{BASE}/registry/{issued.code}/file"), 404, "result_not_found")

    client.force_login(people["officer"])
    listing = client.get(f"{BASE}/registry", {"q": issued.dossier.code}).json()
    assert listing["count"] == 1 and listing["items"][0]["holder_key"] == issued.holder_key
    assert listing["items"][0]["can_manage"] is False
    detail = client.get(f"{BASE}/registry/{issued.code}").json()
    assert detail["verifications"] == [] and detail["replacements"] == []
    before = AccessEntry.objects.count()
    assert client.get(f"{BASE}/registry/{issued.code}/file").status_code == 200
    assert AccessEntry.objects.count() == before + 1  # the holder sees who downloaded it
    # Revoking is for leaders of the signing unit: refused with the service's code, nothing changes.
    refused = client.post(
        f"{BASE}/registry/{issued.code}/revoke", {"reason": "fraud"}, content_type="application/json"
    )
    assert_error(refused, 403, "result_not_allowed")
    assert_error(
        client.post(f"{BASE}/registry/{issued.code}/revoke", {"reason": "bogus"}, content_type="application/json"),
        422, "request_invalid",
    )  # fmt: skip
    issued.refresh_from_db()
    assert issued.status == ResultStatus.VALID


def test_a_registry_page_costs_the_same_whatever_its_rows(
    client, issued, people, django_assert_max_num_queries
):
    """A leader's page: who may revoke is decided once for the page, not once per result."""
    for i in range(2):  # two re-issues of the same dossier's result (copies: no signing needed)
        copy = IssuedResult.objects.get(pk=issued.pk)
        copy.pk = None
        copy.code, copy.sha256, copy.replaces = f"KQ00000000000{i}", str(i) * 64, issued
        copy.save(force_insert=True)
    client.force_login(people["leader"])
    # session, account, the leader's roles and their units' subtree (visibility), count, page, and the
    # subtree of the units they lead (who may revoke)
    with django_assert_max_num_queries(7):
        page = client.get(f"{BASE}/registry").json()
    assert page["count"] == 3 and len(page["items"]) == 3
    assert all(item["can_manage"] is True for item in page["items"])
    assert {item["replaces"] for item in page["items"]} == {None, issued.code}
