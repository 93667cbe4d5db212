"""The data store over the API: my documents (list, one, file, add, remove), the access ledger, the offers
of a dossier and reusing one; another person's documents are 404; bad files 422; pagination; queries."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.core.blobs import put_blob
from motcua.dossiers.models import ComponentOrigin
from motcua.org.models import OrgUnit
from motcua.wallet.models import AccessEntry, DocumentOrigin, OwnerKind, StoredDocument
from motcua.wallet.services import document_store, ledger_record
from tests.wallet import conftest as wallet_fixtures
from tests.wallet.conftest import apply_online, component, draft, pdf_bytes, pdf_file

from .conftest import vn

pytestmark = pytest.mark.django_db
BASE = "/api/v1/wallet"
second_version = wallet_fixtures.second_version  # a procedure whose components take reusable documents


def store(owner_key, *, title="Căn cước công dân", document_type="CCCD", origin=DocumentOrigin.OWN_UPLOAD,
          expires_on=None, marker=b"x"):  # fmt: skip
    return document_store(
        owner_kind=OwnerKind.PERSON, owner_key=owner_key, owner_name="", document_type=document_type,
        title=title, number="038195001234", blob=put_blob(pdf_bytes(marker=marker), extension="pdf"),
        original_name="cccd.pdf", content_type="application/pdf", page_count=1, origin=origin,
        expires_on=expires_on,
    )  # fmt: skip


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["message"], body
    return body


@pytest.fixture
def today(clock):
    return clock(vn(2026, 3, 2, 9, 0))


def test_my_documents_only_mine(client, people, today, django_assert_max_num_queries):
    key = people["citizen"].personal_id
    mine = store(key, title="Căn cước gắn chíp", expires_on=dt.date(2036, 3, 14), marker=b"a")
    store(key, title="Giấy khám sức khỏe", document_type="GIAY_KHAM_SUC_KHOE", expires_on=dt.date(2026, 3, 20),
          marker=b"b")  # fmt: skip
    store(key, title="Bằng kỹ sư", document_type="BANG_TOT_NGHIEP", origin=DocumentOrigin.RESULT, marker=b"c")
    theirs = store(people["citizen2"].personal_id, title="Căn cước của người khác", marker=b"d")

    assert client.get(f"{BASE}/documents").status_code == 401
    client.force_login(people["citizen"])
    with django_assert_max_num_queries(5):  # session, account, count, page, the uses of the page
        full = client.get(f"{BASE}/documents").json()
    assert full["count"] == 3 and len(full["items"]) == 3
    page = client.get(f"{BASE}/documents", {"page_size": 2}).json()
    assert page["count"] == 3 and len(page["items"]) == 2
    everything = client.get(f"{BASE}/documents").json()["items"]
    assert "Căn cước của người khác" not in str(everything)
    by_title = {d["title"]: d for d in everything}
    assert by_title["Giấy khám sức khỏe"]["validity"] == "expiring"
    assert by_title["Bằng kỹ sư"]["removable"] is False and by_title["Căn cước gắn chíp"]["removable"] is True
    expiring = client.get(f"{BASE}/documents", {"validity": "expiring"}).json()
    assert [d["title"] for d in expiring["items"]] == ["Giấy khám sức khỏe"]
    assert client.get(f"{BASE}/documents", {"document_type": "CCCD"}).json()["count"] == 1
    assert_error(client.get(f"{BASE}/documents", {"validity": "fresh"}), 422, "request_invalid")

    assert client.get(f"{BASE}/documents/{mine.pk}").json()["document_type_label"]
    response = client.get(f"{BASE}/documents/{mine.pk}/file")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    # Another person's document is not found, never forbidden.
    assert_error(client.get(f"{BASE}/documents/{theirs.pk}"), 404, "wallet_document_not_found")
    assert_error(client.get(f"{BASE}/documents/{theirs.pk}/file"), 404, "wallet_document_not_found")
    assert_error(client.delete(f"{BASE}/documents/{theirs.pk}"), 404, "wallet_document_not_found")
    assert StoredDocument.objects.get(pk=theirs.pk).removed_at is None

    client.force_login(people["officer"])  # staff have no store of their own
    assert client.get(f"{BASE}/documents").json() == {"items": [], "count": 0}


def test_add_and_remove(client, people, today):
    client.force_login(people["citizen"])
    form = {"document_type": "CCCD", "title": "", "expires_on": "2036-03-14", "file": pdf_file()}
    added = client.post(f"{BASE}/documents", form)
    assert added.status_code == 201, added.content
    body = added.json()
    assert body["title"] == "Căn cước / căn cước công dân" and body["origin"] == "upload" and body["has_file"]

    html = SimpleUploadedFile(
        "a.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf"
    )
    refused = client.post(f"{BASE}/documents", {"document_type": "CCCD", "file": html})
    assert refused.status_code == 422 and refused.json()["code"].startswith("upload_"), refused.content
    assert_error(client.post(f"{BASE}/documents", {"document_type": "TO_KHAI", "file": pdf_file()}), 422,
                 "wallet_type_invalid")  # fmt: skip
    assert_error(client.post(f"{BASE}/documents", {"document_type": "CCCD", "expires_on": "2020-01-01",
                                                   "file": pdf_file()}), 422, "wallet_expired")  # fmt: skip
    assert StoredDocument.objects.count() == 1

    removed = client.delete(f"{BASE}/documents/{body['id']}")
    assert removed.status_code == 200 and removed.json()["removed_at"]
    assert_error(client.get(f"{BASE}/documents/{body['id']}"), 404, "wallet_document_not_found")
    result = store(people["citizen"].personal_id, title="Bằng kỹ sư", origin=DocumentOrigin.RESULT)
    assert_error(client.delete(f"{BASE}/documents/{result.pk}"), 403, "wallet_document_not_removable")


def test_reuse_a_stored_document_in_my_draft(client, people, second_version, today):
    doc = store(people["citizen"].personal_id, expires_on=dt.date(2036, 3, 14))
    store(people["citizen"].personal_id, title="Hết hạn", expires_on=dt.date(2026, 1, 1), marker=b"old")
    d = draft(people, second_version)
    target = component(d, "CCCD")
    client.force_login(people["citizen"])
    offers = client.get(f"/api/v1/dossiers/{d.pk}/reuse-offers").json()
    assert [(o["component_id"], [x["id"] for x in o["documents"]]) for o in offers] == [(target.pk, [doc.pk])]

    url = f"/api/v1/dossiers/{d.pk}/components/{target.pk}/reuse"
    other = component(d, "GCN_QSDD")
    assert_error(client.post(url.replace(str(target.pk), str(other.pk)), {"document_id": doc.pk},
                             content_type="application/json"), 422, "wallet_document_wrong_type")  # fmt: skip
    reused = client.post(url, {"document_id": doc.pk}, content_type="application/json")
    assert reused.status_code == 200, reused.content
    assert reused.json()["provided"] is True and reused.json()["origin"] == ComponentOrigin.REUSED

    # Another citizen: the draft does not exist for them, nor does the first citizen's document.
    client.force_login(people["citizen2"])
    assert_error(client.get(f"/api/v1/dossiers/{d.pk}/reuse-offers"), 404, "dossier_not_found")
    assert_error(client.post(url, {"document_id": doc.pk}, content_type="application/json"), 404,
                 "dossier_not_found")  # fmt: skip


def test_the_access_ledger_shows_staff_reads(client, people, second_version, today):
    store(people["citizen"].personal_id, expires_on=dt.date(2036, 3, 14))
    d = apply_online(people, second_version)
    client.force_login(people["officer"])  # at intake: the officer sees the offers, and it is logged
    offers = client.get(f"/api/v1/dossiers/{d.code}/reuse-offers")
    assert offers.status_code == 200 and offers.json(), offers.content
    assert AccessEntry.objects.filter(kind="store_read", dossier_code=d.code).count() == 1

    client.force_login(people["citizen"])
    log = client.get(f"{BASE}/access-log").json()
    assert log["count"] >= 1 and log["items"][0]["kind"] == "store_read"
    assert log["items"][0]["dossier_code"] == d.code and log["items"][0]["unit_name"]
    client.force_login(people["citizen2"])
    assert client.get(f"{BASE}/access-log").json()["count"] == 0


def test_my_access_log_page_costs_the_same_whatever_its_rows(
    client, people, today, django_assert_max_num_queries
):
    for i in range(3):
        ledger_record(
            subject_kind=OwnerKind.PERSON, subject_key=people["citizen"].personal_id, kind="store_read",
            actor=people["officer"], purpose=f"Tiếp nhận hồ sơ {i}", unit=OrgUnit.objects.get(code="H56.40"),
            dossier_code=f"H56.40-260302-000{i}",
        )  # fmt: skip
    client.force_login(people["citizen"])
    with django_assert_max_num_queries(4):  # session, account, count, page
        log = client.get(f"{BASE}/access-log").json()
    assert log["count"] == 3 and len(log["items"]) == 3
    assert all(item["unit_name"] and item["kind_label"] and item["audit_seq"] for item in log["items"])
