"""The data store through HTTP: the citizen's pages, the wizard's offers, downloads, the counter."""

import datetime as dt

import pytest
from django.urls import reverse

from motcua.core.blobs import put_blob
from motcua.dossiers.models import ComponentOrigin, Dossier, DossierEvent
from motcua.org.models import OrgUnit
from motcua.wallet.models import AccessEntry, DocumentOrigin, OwnerKind, StoredDocument
from motcua.wallet.services import document_store

from .conftest import apply_online, component, draft, html_file, pdf_bytes, pdf_file, png_file, receive, vn

pytestmark = pytest.mark.django_db


def store(owner_key, *, title="Căn cước công dân", document_type="CCCD", origin=DocumentOrigin.OWN_UPLOAD,
          expires_on=None, marker=b"x", number="038195001234"):  # fmt: skip
    return document_store(
        owner_kind=OwnerKind.PERSON, owner_key=owner_key, owner_name="", document_type=document_type,
        title=title, number=number, blob=put_blob(pdf_bytes(marker=marker), extension="pdf"),
        original_name="cccd.pdf", content_type="application/pdf", page_count=1, origin=origin,
        expires_on=expires_on,
    )  # fmt: skip


@pytest.fixture
def today(clock):
    return clock(vn(2026, 3, 2, 9, 0))


def test_the_store_page_lists_only_ones_own_documents(client, people, today):
    key = people["citizen"].personal_id
    store(key, title="Căn cước gắn chíp", expires_on=dt.date(2036, 3, 14), marker=b"a")
    store(key, title="Giấy khám sức khỏe", document_type="GIAY_KHAM_SUC_KHOE", expires_on=dt.date(2026, 3, 20),
          marker=b"b")  # fmt: skip
    store(key, title="Giấy phép lái xe cũ", document_type="GIAY_PHEP_LAI_XE", expires_on=dt.date(2026, 1, 1),
          marker=b"c")  # fmt: skip
    store(key, title="Bằng kỹ sư", document_type="BANG_TOT_NGHIEP", origin=DocumentOrigin.RESULT, marker=b"d")
    store(people["citizen2"].personal_id, title="Căn cước của người khác", marker=b"e")
    client.force_login(people["citizen"])
    html = client.get(reverse("wallet_home")).content.decode()
    for text in ("Căn cước gắn chíp", "Giấy khám sức khỏe", "Giấy phép lái xe cũ", "Bằng kỹ sư",
                 "Còn hiệu lực", "Sắp hết hạn", "Đã hết hạn", "Giấy phép lái xe", "Bằng tốt nghiệp",
                 "Kết quả do cơ quan nhà nước cấp", "Kho dữ liệu của tôi"):  # fmt: skip
        assert text in html, text
    assert "Căn cước của người khác" not in html
    client.force_login(people["citizen2"])
    html = client.get(reverse("wallet_home")).content.decode()
    assert "Căn cước của người khác" in html and "Căn cước gắn chíp" not in html
    client.force_login(people["business"])
    html = client.get(reverse("wallet_home")).content.decode()
    assert "Kho dữ liệu của bạn chưa có giấy tờ nào." in html  # the empty state explains the store
    client.logout()
    assert client.get(reverse("wallet_home")).status_code == 302  # login first


def test_another_persons_document_is_404_everywhere(client, people, second_version, today):
    theirs = store(people["citizen2"].personal_id, marker=b"theirs")
    d = draft(people, second_version)
    client.force_login(people["citizen"])
    assert client.get(reverse("wallet_download", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("wallet_remove", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("wallet_remove", args=[theirs.pk])).status_code == 404
    reuse = {"component": component(d, "CCCD").pk, "document": theirs.pk}
    assert client.post(reverse("wallet_reuse", args=[d.pk]), reuse).status_code == 404
    theirs.refresh_from_db()
    assert theirs.removed_at is None and not component(d, "CCCD").file
    # The other citizen cannot reuse their own document in the first citizen's draft either.
    client.force_login(people["citizen2"])
    assert client.post(reverse("wallet_reuse", args=[d.pk]), reuse).status_code == 404


def test_download_is_an_attachment_with_its_type(client, people, today):
    doc = store(people["citizen"].personal_id, marker=b"dl")
    url = reverse("wallet_download", args=[doc.pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(people["citizen"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"].startswith("attachment;")
        and "cccd.pdf" in response["Content-Disposition"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == pdf_bytes(marker=b"dl")


def test_adding_a_document_with_errors_in_vietnamese(client, people, today):
    client.force_login(people["citizen"])
    url = reverse("wallet_add")
    assert "Thêm giấy tờ vào kho dữ liệu" in client.get(url).content.decode()
    html = client.post(url, {}).content.decode()
    assert "Hãy chọn loại giấy tờ." in html and "Hãy chọn tệp giấy tờ (PDF, JPEG hoặc PNG)." in html
    response = client.post(url, {"document_type": "CCCD", "file": html_file()})
    assert response.status_code == 422 and "Nội dung tệp là HTML" in response.content.decode()
    response = client.post(url, {"document_type": "CCCD", "issued_on": "2026-01-10", "expires_on": "2025-01-10",
                                 "file": pdf_file()})  # fmt: skip
    assert response.status_code == 422 and "Ngày hết hạn phải sau ngày cấp." in response.content.decode()
    response = client.post(url, {"document_type": "TO_KHAI", "file": pdf_file()})
    assert (
        response.status_code == 422 and "Hãy chọn loại giấy tờ trong danh sách." in response.content.decode()
    )
    assert StoredDocument.objects.count() == 0
    response = client.post(url, {"document_type": "CCCD", "title": "Căn cước", "number": "038195001234",
                                 "issued_on": "2021-03-14", "expires_on": "2036-03-14", "file": pdf_file()})  # fmt: skip
    doc = StoredDocument.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#giay-to-{doc.pk}")
    assert (doc.owner_key, doc.origin, doc.number, doc.expires_on) == (
        "038195001234", "upload", "038195001234", dt.date(2036, 3, 14),
    )  # fmt: skip


def test_remove_asks_first_and_refuses_results(client, people, today):
    key = people["citizen"].personal_id
    own = store(key, marker=b"own")
    result = store(key, title="Giấy phép xây dựng", document_type="GIAY_PHEP_XAY_DUNG",
                   origin=DocumentOrigin.RESULT, marker=b"res")  # fmt: skip
    client.force_login(people["citizen"])
    page = client.get(reverse("wallet_remove", args=[own.pk]))
    assert page.status_code == 200 and "Gỡ khỏi kho" in page.content.decode()
    own.refresh_from_db()
    assert own.removed_at is None  # a GET changes nothing
    assert client.post(reverse("wallet_remove", args=[own.pk])).status_code == 302
    own.refresh_from_db()
    assert own.removed_at is not None
    for method in (client.get, client.post):
        response = method(reverse("wallet_remove", args=[result.pk]))
        assert response.status_code == 403
        assert (
            "Không thể gỡ “Giấy phép xây dựng”: đây là kết quả giải quyết thủ tục"
            in response.content.decode()
        )
    result.refresh_from_db()
    assert result.removed_at is None
    assert "Căn cước công dân" not in client.get(reverse("wallet_home")).content.decode()


def test_the_wizard_offers_a_stored_document_and_attaches_it(client, people, second_version, today):
    doc = store(people["citizen"].personal_id, title="Căn cước gắn chíp", expires_on=dt.date(2036, 3, 14))
    d = draft(people, second_version)
    target = component(d, "CCCD")
    client.force_login(people["citizen"])
    url = reverse("dossier_draft_components", args=[d.pk])
    html = client.get(url).content.decode()
    assert "Dùng giấy tờ đã có trong kho" in html and "Căn cước gắn chíp" in html and "038195001234" in html
    assert "còn hiệu lực đến 14/03/2036" in html and reverse("wallet_reuse", args=[d.pk]) in html
    assert (
        html.count(">Dùng giấy tờ này<span") == 1
    )  # only the component of that type (the help text names it too)
    response = client.post(reverse("wallet_reuse", args=[d.pk]), {"component": target.pk, "document": doc.pk})
    assert response.status_code == 302 and response["Location"] == f"{url}#giay-to-{target.pk}"
    target.refresh_from_db()
    assert target.origin == ComponentOrigin.REUSED and target.file.name == doc.file
    html = client.get(url).content.decode()
    assert "Dùng lại từ kho dữ liệu" in html and "Đang dùng" in html
    # The reused file downloads like any other component (an attachment, after the ownership check).
    download = reverse("dossier_component_download", args=[d.pk, target.pk])
    response = client.get(download)
    assert (
        response["Content-Disposition"].startswith("attachment;")
        and response["X-Content-Type-Options"] == "nosniff"
    )
    assert response["Content-Type"] == "application/pdf"
    client.force_login(people["citizen2"])
    assert client.get(download).status_code == 404


def test_staff_component_file_is_an_attachment_and_needs_permission(client, people, first_version, clock):
    clock(vn(2026, 3, 2, 9, 0))
    d = apply_online(people, first_version)
    clock.shift(hours=1)
    d = receive(people, d)
    c = component(d, "CCCD")
    url = reverse("backoffice:dossier_file", args=[d.pk, c.pk])
    client.force_login(people["officer"])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"].startswith("attachment;")
        and response["X-Content-Type-Options"] == "nosniff"
    )
    client.force_login(people["citizen"])
    assert client.get(url).status_code in (302, 403)


# -- the counter ---------------------------------------------------------------------------------------------

INTAKE = reverse("backoffice:counter_intake")


def intake_form(**overrides):
    data = {
        "point": OrgUnit.objects.get(code="H56.40").pk, "procedure": "1.009992", "channel": "counter",
        "kind": "citizen", "name": "Lê Thị Hoa", "personal_id": "038195001234", "phone": "", "email": "",
        "address": "12 Lê Lợi", "provided": ["1", "2"], "note": "",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_counter_intake_refuses_a_scan_that_does_not_match_the_paper(client, people, second_version, today):
    client.force_login(people["officer"])
    response = client.post(INTAKE, intake_form(scan_1=pdf_file(pages=3), pages_1="4"))
    assert response.status_code == 422
    assert "Số trang bản quét (3) khác số trang bản giấy (4)" in response.content.decode()
    response = client.post(INTAKE, intake_form(scan_1=png_file(size=(600, 800)), pages_1="1"))
    assert (
        response.status_code == 422
        and "Bản quét quá nhỏ để đọc (600 × 800 điểm ảnh)" in response.content.decode()
    )
    response = client.post(INTAKE, intake_form(scan_1=pdf_file(pages=1)))
    assert response.status_code == 400
    assert "Nhập số trang của bản giấy để đối chiếu với bản quét." in response.content.decode()
    assert Dossier.objects.count() == 0
    response = client.post(INTAKE, intake_form(scan_1=pdf_file(pages=3), pages_1="3"))
    assert response.status_code == 302
    c = Dossier.objects.get().components.get(position=1)
    assert c.origin == "counter_scan" and c.declared_pages == 3 and c.digitised_by == people["officer"]


def test_counter_intake_offers_the_applicants_documents(client, people, second_version, today):
    doc = store("038195001234", title="Căn cước gắn chíp", expires_on=dt.date(2036, 3, 14))
    store("038088004321", title="Căn cước của người khác", marker=b"other")
    client.force_login(people["officer"])
    html = client.get(INTAKE, {"procedure": "1.009992"}).content.decode()
    assert "Tra kho dữ liệu của người nộp" in html and "Căn cước gắn chíp" not in html
    assert not AccessEntry.objects.exists()
    response = client.post(INTAKE, {**intake_form(provided=["1"]), "_store": "1"})
    html = response.content.decode()
    assert (
        response.status_code == 200 and "Căn cước gắn chíp" in html and "Căn cước của người khác" not in html
    )
    assert Dossier.objects.count() == 0  # a look-up receives nothing
    entry = AccessEntry.objects.get()  # the officer's look-up is in the person's ledger, with its purpose
    assert (entry.subject_key, entry.kind, entry.actor) == ("038195001234", "store_read", people["officer"])
    assert "Tiếp nhận hồ sơ" in entry.purpose
    # Another person's document cannot be slipped in.
    other = StoredDocument.objects.get(title="Căn cước của người khác")
    response = client.post(INTAKE, intake_form(provided=["1"], reuse_2=str(other.pk)))
    assert response.status_code == 400 and Dossier.objects.count() == 0
    response = client.post(INTAKE, intake_form(provided=["1"], reuse_2=str(doc.pk)))
    assert response.status_code == 302
    d = Dossier.objects.get()
    reused = d.components.get(position=2)
    assert reused.origin == ComponentOrigin.REUSED and reused.file.name == doc.file and reused.checked
    # Routed: the route event records the components again for the scorecard (reused counts for 766 4.3).
    from motcua.dossiers import services as s

    clock_d = s.dossier_route(dossier=d, officer=people["officer"], paper=False)
    route = DossierEvent.objects.get(dossier=clock_d, action="route")
    assert route.data["components"]["reused"] == 1 and route.data["components"]["from_store"] == 0


def test_counter_digitises_and_reuses_on_the_dossier_page(client, people, second_version, today):
    doc = store("038195001234", title="Căn cước gắn chíp")
    client.force_login(people["officer"])
    assert client.post(INTAKE, intake_form()).status_code == 302
    d = Dossier.objects.get()
    page = reverse("backoffice:wallet_dossier", args=[d.pk])
    assert page in client.get(reverse("backoffice:dossier_detail", args=[d.pk])).content.decode()
    html = client.get(page).content.decode()
    assert "Căn cước gắn chíp" in html and "Số hóa bản giấy" in html
    first = d.components.get(position=1)
    scan = reverse("backoffice:wallet_dossier_scan", args=[d.pk])
    prefix = f"c{first.pk}"
    response = client.post(
        scan, {"component": first.pk, f"{prefix}-pages": "2", f"{prefix}-file": pdf_file(pages=1)}
    )
    assert (
        response.status_code == 422
        and "Số trang bản quét (1) khác số trang bản giấy (2)" in response.content.decode()
    )
    response = client.post(
        scan, {"component": first.pk, f"{prefix}-pages": "1", f"{prefix}-file": pdf_file(pages=1)}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.origin == "counter_scan" and first.declared_pages == 1
    second = d.components.get(position=2)
    response = client.post(reverse("backoffice:wallet_dossier_reuse", args=[d.pk]),
                           {"component": second.pk, "document": doc.pk})  # fmt: skip
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.origin == ComponentOrigin.REUSED
    assert AccessEntry.objects.filter(
        subject_key="038195001234", kind="store_read", dossier_code=d.code
    ).exists()
    # The resolving agency's specialist sees the dossier but not the applicant's store (and reads nothing).
    client.force_login(people["specialist"])
    html = client.get(page).content.decode()
    assert "Căn cước gắn chíp" not in html and "Chỉ cán bộ một cửa tiếp nhận" in html
    assert not AccessEntry.objects.filter(actor=people["specialist"], kind="store_read").exists()
    # Staff of a unit that cannot see the dossier get 404.
    client.force_login(people["commune_officer"])
    assert client.get(page).status_code == 404
