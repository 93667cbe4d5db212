"""The pages: public verification (no login, nothing personal), the holder's results, the back office."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.core.blobs import read_blob
from motcua.results.models import IssuedResult, ResultStatus, VerificationLog

from .conftest import decided, png_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(people, version, clock, django_capture_on_commit_callbacks):
    d = decided(people, version, clock, capture=django_capture_on_commit_callbacks)
    clock.traveller.stop()
    clock.traveller = None
    result = IssuedResult.objects.get(dossier=d)
    assert result.status == ResultStatus.VALID, result.last_error
    return result


def login(client, user):
    client.force_login(user)
    return client


def test_the_qr_code_page_shows_authentic_without_personal_data(client, issued, people):
    response = client.get(f"/verify/{issued.code}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-outcome="valid"' in html and "Văn bản xác thực" in html
    assert issued.holder_name in html and issued.title in html and issued.signer_unit.name in html
    d = issued.dossier
    for secret in (d.applicant_personal_id, d.applicant_phone, d.applicant_email, d.applicant_address):
        if secret:
            assert secret not in html, secret
    assert d.code not in html  # the dossier code is not needed to verify either
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    issued.refresh_from_db()
    assert issued.verification_count == 1
    # The printed URL is the one the QR code holds.
    from motcua.results.render import verify_url

    assert verify_url(issued.code) == f"http://testserver/verify/{issued.code}/"


def test_unknown_and_revoked_codes(client, issued, people):
    response = client.get("/verify/KQZZZZZZZZZZZZ/")
    assert response.status_code == 404 and 'data-outcome="unknown"' in response.content.decode()
    from motcua.results.services import result_revoke

    result_revoke(result=issued, actor=people["leader"], reason="fraud", note="Giấy tờ giả")
    html = client.get(f"/verify/{issued.code}/").content.decode()
    assert 'data-outcome="revoked"' in html and "Hồ sơ có thông tin gian dối" in html
    assert "Giấy tờ giả" not in html  # the internal note stays internal


def test_upload_verification(client, issued):
    pdf = read_blob(issued.file)
    ok = client.post("/verify/", {"tep": SimpleUploadedFile("kq.pdf", pdf, content_type="application/pdf")})
    assert ok.status_code == 200 and 'data-outcome="valid"' in ok.content.decode()
    altered = bytearray(pdf)
    altered[len(altered) // 2] ^= 0x01
    bad = client.post(
        "/verify/", {"tep": SimpleUploadedFile("kq.pdf", bytes(altered), content_type="application/pdf")}
    )
    html = bad.content.decode()
    assert 'data-outcome="signature_broken"' in html or 'data-outcome="modified"' in html
    assert "không có trong sổ" in html
    not_pdf = client.post(
        "/verify/", {"tep": SimpleUploadedFile("a.png", png_page(), content_type="image/png")}
    )
    assert "Chỉ nhận tệp PDF" in not_pdf.content.decode()
    assert VerificationLog.objects.filter(method="upload").count() == 2
    assert client.get("/verify/").status_code == 200


def test_verification_is_rate_limited(client, issued, monkeypatch):
    from motcua.results.services import verify

    monkeypatch.setattr(verify, "RATE_LIMIT", 3)
    codes = [client.get(f"/verify/{issued.code}/").status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    assert VerificationLog.objects.count() == 3
    assert all(
        len(h) == 32 and "127.0.0.1" not in h
        for h in VerificationLog.objects.values_list("client_hash", flat=True)
    )


def test_the_holder_lists_and_downloads_only_their_own(client, issued, people):
    assert client.get("/ket-qua-cua-toi/").status_code == 302  # login first
    login(client, people["citizen"])
    client.get(f"/verify/{issued.code}/")
    html = client.get("/ket-qua-cua-toi/").content.decode()
    assert issued.code in html and issued.title in html
    response = client.get(f"/ket-qua-cua-toi/{issued.code}/tai-ve/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == read_blob(issued.file)
    # Another citizen: not listed, and the download is a 404 (no hint that it exists).
    other = login(client.__class__(), people["citizen2"])
    assert issued.code not in other.get("/ket-qua-cua-toi/").content.decode()
    assert other.get(f"/ket-qua-cua-toi/{issued.code}/tai-ve/").status_code == 404
    assert (
        login(client.__class__(), people["business"])
        .get(f"/ket-qua-cua-toi/{issued.code}/tai-ve/")
        .status_code
        == 404
    )


def test_backoffice_list_revoke_and_reissue(client, issued, people, django_capture_on_commit_callbacks):
    leader = login(client, people["leader"])
    assert issued.code in leader.get("/can-bo/ket-qua/").content.decode()
    assert issued.code in leader.get("/can-bo/ket-qua/", {"q": issued.code.lower()}).content.decode()
    page = leader.get(f"/can-bo/ket-qua/{issued.code}/")
    assert page.status_code == 200 and "Thu hồi kết quả" in page.content.decode()
    # A specialist sees it but may not revoke.
    specialist = login(client.__class__(), people["specialist"])
    assert "Thu hồi kết quả" not in specialist.get(f"/can-bo/ket-qua/{issued.code}/").content.decode()
    specialist.post(f"/can-bo/ket-qua/{issued.code}/thu-hoi/", {"reason": "fraud"})
    issued.refresh_from_db()
    assert issued.status == ResultStatus.VALID
    # An officer of a unit that never touched the dossier does not see it at all.
    stranger = login(client.__class__(), people["commune_officer"])
    assert stranger.get(f"/can-bo/ket-qua/{issued.code}/").status_code == 404
    assert issued.code not in stranger.get("/can-bo/ket-qua/").content.decode()
    # Re-issue, then revoke the new one.
    with django_capture_on_commit_callbacks(execute=True):
        response = leader.post(
            f"/can-bo/ket-qua/{issued.code}/cap-lai/",
            {"decision_note": "Đính chính diện tích.", "title": issued.title},
        )
    new = IssuedResult.objects.exclude(pk=issued.pk).get()
    assert response.status_code == 302 and new.status == ResultStatus.VALID
    issued.refresh_from_db()
    assert issued.status == ResultStatus.SUPERSEDED
    leader.post(f"/can-bo/ket-qua/{new.code}/thu-hoi/", {"reason": "holder_request"})
    new.refresh_from_db()
    assert new.status == ResultStatus.REVOKED and new.revoked_by == people["leader"]
    from motcua.core.models import AuditEvent

    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"result.issued", "result.reissued", "result.superseded", "result.revoked"} <= actions


def test_staff_download_is_in_the_holders_ledger(client, issued, people):
    from motcua.wallet.models import AccessEntry

    response = login(client, people["leader"]).get(f"/can-bo/ket-qua/{issued.code}/tai-ve/")
    assert response.status_code == 200
    entry = AccessEntry.objects.get(subject_key=issued.holder_key)
    assert entry.actor == people["leader"] and issued.code in entry.purpose


def test_counter_digitises_through_the_form(
    client, people, paper_version, clock, django_capture_on_commit_callbacks
):
    d = decided(people, paper_version, clock, capture=django_capture_on_commit_callbacks)
    clock.traveller.stop()
    clock.traveller = None
    officer = login(client, people["officer"])
    found = officer.get("/can-bo/ket-qua/so-hoa/", {"ho_so": d.code})
    assert found.status_code == 302 and found["Location"].endswith(f"/so-hoa/ho-so/{d.pk}/")
    form_url = found["Location"]
    assert officer.get(form_url).status_code == 200
    page = lambda name: SimpleUploadedFile(name, png_page(), content_type="image/png")  # noqa: E731
    bad = officer.post(form_url, {"scans": [page("1.png")], "pages": 2})
    assert bad.status_code == 400 and "2 trang" in bad.content.decode()
    ok = officer.post(form_url, {"scans": [page("1.png"), page("2.png")], "pages": 2})
    result = IssuedResult.objects.get(dossier=d)
    assert ok.status_code == 302 and ok["Location"].endswith(f"/can-bo/ket-qua/{result.code}/")
    assert result.kind == "digitised_paper" and result.issued_by == people["officer"]
    # The citizen finds it among their results.
    assert (
        result.code in login(client.__class__(), people["citizen"]).get("/ket-qua-cua-toi/").content.decode()
    )
