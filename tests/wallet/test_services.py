"""The data store's services: harvest on receipt, offers, reuse across procedures, removal, counter scans."""

import datetime as dt

import pytest
from django.core.files.storage import default_storage

from motcua.core.audit import AuditEvent
from motcua.core.blobs import put_blob
from motcua.dossiers import services as s
from motcua.dossiers.errors import ActionNotAllowed, InvalidDossierInput
from motcua.dossiers.models import ComponentOrigin, DossierEvent
from motcua.dossiers.services.components import dossier_component_attach
from motcua.dossiers.services.intake import CounterApplicant
from motcua.wallet.errors import (
    DocumentNotFound,
    DocumentNotRemovable,
    DocumentNotUsable,
    InvalidDocumentInput,
)
from motcua.wallet.models import DocumentOrigin, DocumentUse, OwnerKind, StoredDocument
from motcua.wallet.owners import owner_of_user
from motcua.wallet.selectors import validity, wallet_offers_for_dossier, wallet_uses
from motcua.wallet.services import document_store, wallet_remove, wallet_reuse, wallet_upload

from .conftest import (
    apply_online,
    centre,
    component,
    draft,
    fresh,
    html_file,
    pdf_bytes,
    pdf_file,
    png_file,
    receive,
    vn,
)


def store(owner_key, *, document_type="CCCD", origin=DocumentOrigin.OWN_UPLOAD, expires_on=None, marker=b"x"):
    data = pdf_bytes(marker=marker)
    return document_store(
        owner_kind=OwnerKind.PERSON, owner_key=owner_key, owner_name="", document_type=document_type,
        title="Căn cước công dân", number="038195001234", blob=put_blob(data, extension="pdf"),
        original_name="cccd.pdf", content_type="application/pdf", page_count=1, origin=origin,
        expires_on=expires_on,
    )  # fmt: skip


def test_reuse_across_two_dossiers_of_different_procedures(people, first_version, second_version, clock):
    clock(vn(2026, 3, 2, 9, 0))
    citizen = people["citizen"]
    first = apply_online(people, first_version)
    assert StoredDocument.objects.count() == 0  # nothing is kept before the receipt
    clock.shift(hours=1)
    first = receive(people, first)
    # Harvested at the receipt: the ID card and the land certificate, not the application form.
    kept = {d.document_type: d for d in StoredDocument.objects.filter(owner_key=citizen.personal_id)}
    assert set(kept) == {"CCCD", "GCN_QSDD"}
    cccd = kept["CCCD"]
    assert cccd.origin == DocumentOrigin.SUBMITTED and cccd.source_dossier_id == first.pk
    assert cccd.sha256 == component(first, "CCCD").sha256 and cccd.file == component(first, "CCCD").file.name
    assert AuditEvent.objects.filter(action="wallet.document_stored").count() == 2

    clock.shift(days=1)
    second = draft(people, second_version)
    offers = wallet_offers_for_dossier(dossier=second)
    wanted = component(second, "CCCD")
    assert {c: [d.pk for d in docs] for c, docs in offers.items()} == {
        wanted.pk: [cccd.pk],
        component(second, "GCN_QSDD").pk: [kept["GCN_QSDD"].pk],
    }  # the application form (TO_KHAI) is never offered
    reused = wallet_reuse(dossier=second, actor=citizen, component_id=wanted.pk, document_id=cccd.pk)
    assert reused.origin == ComponentOrigin.REUSED and reused.digitised and reused.provided
    assert reused.file.name == cccd.file and reused.sha256 == cccd.sha256  # no upload, the same stored bytes
    assert reused.content_type == "application/pdf" and reused.source_reference == f"kho-du-lieu:{cccd.pk}"
    use = DocumentUse.objects.get()
    assert (use.document, use.dossier_id, use.component_id, use.used_by) == (
        cccd,
        second.pk,
        wanted.pk,
        citizen,
    )
    assert AuditEvent.objects.filter(action="wallet.document_reused", object_id=str(cccd.pk)).exists()

    form = component(second, "TO_KHAI")
    dossier_component_attach(
        dossier=second, actor=citizen, component_id=form.pk, upload=pdf_file(marker=b"f2")
    )
    second = s.dossier_submit(dossier=fresh(second), applicant=citizen)
    clock.shift(hours=1)
    second = receive(people, second)
    event = DossierEvent.objects.get(dossier=second, action="receive")
    # 766 group 4: both components digitised, one reused from the data store, none from a national registry.
    assert event.data["components"] == {"total": 3, "digitised": 2, "reused": 1, "from_store": 0}
    # The reused component is not stored again; the uses are listed for the holder.
    assert StoredDocument.objects.filter(owner_key=citizen.personal_id).count() == 2
    uses = wallet_uses([cccd])[cccd.pk]
    assert [(u.code, u.kind) for u in uses] == [(first.code, "source"), (second.code, "reused")]


def test_expired_documents_are_not_offered_and_cannot_be_reused(people, second_version, clock):
    clock(vn(2026, 3, 2, 9, 0))
    key = people["citizen"].personal_id
    expired = store(key, expires_on=dt.date(2026, 3, 1), marker=b"old")
    valid_today = store(key, expires_on=dt.date(2026, 3, 2), marker=b"today")
    d = draft(people, second_version)
    target = component(d, "CCCD")
    assert [x.pk for x in wallet_offers_for_dossier(dossier=d)[target.pk]] == [valid_today.pk]
    assert validity(expired) == "expired" and validity(valid_today) == "expiring"
    with pytest.raises(DocumentNotUsable) as caught:
        wallet_reuse(dossier=d, actor=people["citizen"], component_id=target.pk, document_id=expired.pk)
    assert caught.value.code == "wallet_document_expired" and "đã hết hạn" in caught.value.message
    target.refresh_from_db()
    assert not target.file and target.origin == ""  # unchanged
    clock(vn(2026, 3, 3, 9, 0))  # a day later the other one has expired too
    assert wallet_offers_for_dossier(dossier=d) == {}


def test_another_persons_document_is_refused(people, second_version, clock):
    clock(vn(2026, 3, 2, 9, 0))
    theirs = store(people["citizen2"].personal_id, marker=b"theirs")
    d = draft(people, second_version)
    target = component(d, "CCCD")
    assert wallet_offers_for_dossier(dossier=d) == {}
    with pytest.raises(DocumentNotFound):
        wallet_reuse(dossier=d, actor=people["citizen"], component_id=target.pk, document_id=theirs.pk)
    target.refresh_from_db()
    assert not target.file and target.origin == "" and not DocumentUse.objects.exists()
    # Nor can anybody else attach to the citizen's draft, even with the citizen's own document.
    mine = store(people["citizen"].personal_id, marker=b"mine")
    with pytest.raises(ActionNotAllowed):
        wallet_reuse(dossier=d, actor=people["citizen2"], component_id=target.pk, document_id=mine.pk)
    # A document of another type is refused for this component.
    land = store(people["citizen"].personal_id, document_type="GCN_QSDD", marker=b"land")
    with pytest.raises(DocumentNotUsable) as caught:
        wallet_reuse(dossier=d, actor=people["citizen"], component_id=target.pk, document_id=land.pk)
    assert caught.value.code == "wallet_document_wrong_type"


def test_removal_rules(people, second_version, clock):
    clock(vn(2026, 3, 2, 9, 0))
    citizen, key = people["citizen"], people["citizen"].personal_id
    own = wallet_upload(actor=citizen, document_type="CCCD", title="Căn cước", file=pdf_file(marker=b"own"),
                        number="038195001234", expires_on=dt.date(2031, 3, 14))  # fmt: skip
    assert own.origin == DocumentOrigin.OWN_UPLOAD and own.owner_key == key and own.removable
    result = store(key, document_type="GCN_QSDD", origin=DocumentOrigin.RESULT, marker=b"result")
    registry = store(key, origin=DocumentOrigin.REGISTRY, marker=b"registry")
    counter = store(key, origin=DocumentOrigin.COUNTER, marker=b"counter")
    theirs = store(people["citizen2"].personal_id, marker=b"theirs")
    for document, words in ((result, "kết quả giải quyết thủ tục"), (registry, "cơ sở dữ liệu quốc gia"),
                            (counter, "bộ phận một cửa")):  # fmt: skip
        with pytest.raises(DocumentNotRemovable) as caught:
            wallet_remove(actor=citizen, document_id=document.pk)
        assert words in caught.value.message
        document.refresh_from_db()
        assert document.removed_at is None
    with pytest.raises(DocumentNotFound):
        wallet_remove(actor=citizen, document_id=theirs.pk)
    wallet_remove(actor=citizen, document_id=own.pk)
    own.refresh_from_db()
    assert own.removed_at is not None and default_storage.exists(own.file)  # the bytes stay for dossiers
    assert AuditEvent.objects.filter(action="wallet.document_removed", object_id=str(own.pk)).exists()
    with pytest.raises(DocumentNotFound):
        wallet_remove(actor=citizen, document_id=own.pk)  # removed once
    d = draft(people, second_version)
    # The removed upload is no longer offered; the registry and counter copies still are.
    assert {x.pk for x in wallet_offers_for_dossier(dossier=d)[component(d, "CCCD").pk]} == {
        registry.pk,
        counter.pk,
    }


def test_own_upload_is_checked(people, clock):
    clock(vn(2026, 3, 2, 9, 0))
    citizen = people["citizen"]
    with pytest.raises(InvalidDocumentInput) as caught:
        wallet_upload(actor=citizen, document_type="CCCD", title="x", file=html_file())
    assert caught.value.code == "upload_type_not_allowed"
    with pytest.raises(InvalidDocumentInput) as caught:
        wallet_upload(
            actor=citizen, document_type="CCCD", title="x", file=pdf_file(), expires_on=dt.date(2026, 3, 1)
        )
    assert caught.value.code == "wallet_expired"
    with pytest.raises(InvalidDocumentInput):
        wallet_upload(actor=citizen, document_type="TO_KHAI", title="x", file=pdf_file())
    with pytest.raises(InvalidDocumentInput):
        wallet_upload(actor=people["officer"], document_type="CCCD", title="x", file=pdf_file())
    assert StoredDocument.objects.count() == 0
    business = wallet_upload(actor=people["business"], document_type="GCN_DKDN", title="", file=pdf_file())
    assert business.owner_kind == OwnerKind.BUSINESS and business.owner_key == people["business"].tax_code
    assert business.title == "Giấy chứng nhận đăng ký doanh nghiệp"
    assert owner_of_user(people["business"]).key == "2801234564"


def test_registry_component_counts_as_from_store(people, second_version, clock):
    clock(vn(2026, 3, 2, 9, 0))
    citizen = people["citizen"]
    d = draft(people, second_version)
    c = s.dossier_component_provide(
        dossier=d,
        actor=citizen,
        component_id=component(d, "CCCD").pk,
        origin="registry",
        reference="CSDLQG-1",
    )
    assert (
        c.origin == "registry"
        and c.provided
        and c.digitised
        and not c.file
        and c.source_reference == "CSDLQG-1"
    )
    dossier_component_attach(
        dossier=d, actor=citizen, component_id=component(d, "TO_KHAI").pk, upload=pdf_file()
    )
    d = s.dossier_submit(dossier=fresh(d), applicant=citizen)
    clock.shift(hours=1)
    d = receive(people, d)
    assert DossierEvent.objects.get(dossier=d, action="receive").data["components"] == {
        "total": 3, "digitised": 2, "reused": 0, "from_store": 1,
    }  # fmt: skip
    with pytest.raises(ValueError):
        s.dossier_component_provide(dossier=d, actor=citizen, component_id=c.pk, origin="upload")


# -- counter digitisation -----------------------------------------------------------------------------------


def counter_dossier(people, version):
    return s.dossier_receive_at_counter(
        officer=people["officer"], receiving_point=centre(), procedure_version=version,
        applicant=CounterApplicant(kind="citizen", name="Lê Thị Hoa", personal_id="038195001234"),
        provided_positions=[1, 2, 3],
    )  # fmt: skip


def test_counter_scan_quality(people, first_version, clock):
    clock(vn(2026, 3, 2, 9, 0))
    officer = people["officer"]
    d = counter_dossier(people, first_version)
    c = component(d, "CCCD")

    def attach(upload, pages):
        return dossier_component_attach(dossier=d, actor=officer, component_id=c.pk, upload=upload,
                                        declared_pages=pages)  # fmt: skip

    with pytest.raises(InvalidDossierInput) as caught:
        attach(pdf_file(pages=3), 4)
    assert caught.value.code == "scan_page_count_mismatch"
    assert caught.value.message.startswith("Số trang bản quét (3) khác số trang bản giấy (4)")
    with pytest.raises(InvalidDossierInput) as caught:
        attach(png_file(size=(800, 1100)), 1)  # too few pixels on the short side
    assert caught.value.code == "scan_too_small" and "800 × 1100" in caught.value.message
    with pytest.raises(InvalidDossierInput) as caught:
        attach(pdf_file(pages=2, size=(210, 298)), 2)  # A7 pages: smaller than A6
    assert caught.value.code == "scan_too_small" and "nhỏ hơn khổ A6" in caught.value.message
    c.refresh_from_db()
    assert not c.file and c.origin == ComponentOrigin.PAPER and not c.digitised
    scanned = attach(pdf_file(pages=2, size=(298, 420)), 2)  # exactly A6 passes
    assert (
        scanned.origin == ComponentOrigin.COUNTER_SCAN and scanned.digitised and scanned.declared_pages == 2
    )
    assert scanned.digitised_by == officer and scanned.digitised_at == vn(2026, 3, 2, 9, 0)
    assert scanned.content_type == "application/pdf" and scanned.file.name.startswith("blobs/")
    image = attach(png_file(size=(1240, 1754)), 1)
    assert image.page_count == 1 and image.content_type == "image/png"
    # Citizens' own photos are not held to the scan rules (they are not a digitisation of paper).
    assert StoredDocument.objects.count() == 0  # counter scans are harvested on the route, not before


def test_counter_scans_are_harvested_on_the_route_and_counted(people, first_version, clock):
    clock(vn(2026, 3, 2, 9, 0))
    officer = people["officer"]
    d = counter_dossier(people, first_version)
    for c in d.components.all():
        dossier_component_attach(dossier=d, actor=officer, component_id=c.pk, upload=pdf_file(marker=str(c.pk).encode()),
                                 declared_pages=1)  # fmt: skip
    clock.shift(hours=1)
    d = s.dossier_route(dossier=fresh(d), officer=officer, paper=False)
    stored = StoredDocument.objects.filter(owner_key="038195001234")
    assert {(x.document_type, x.origin) for x in stored} == {("CCCD", "counter"), ("GCN_QSDD", "counter")}
    route = DossierEvent.objects.get(dossier=d, action="route")
    assert route.data["components"] == {"total": 3, "digitised": 3, "reused": 0, "from_store": 0}


def test_blobs_are_deduplicated(people, first_version, second_version, clock, settings):
    from pathlib import Path

    clock(vn(2026, 3, 2, 9, 0))
    citizen = people["citizen"]
    same = pdf_bytes(marker=b"same")
    a, b = draft(people, first_version), draft(people, second_version)
    from django.core.files.uploadedfile import SimpleUploadedFile

    one = dossier_component_attach(dossier=a, actor=citizen, component_id=component(a, "CCCD").pk,
                                   upload=SimpleUploadedFile("a.pdf", same))  # fmt: skip
    two = dossier_component_attach(dossier=b, actor=citizen, component_id=component(b, "CCCD").pk,
                                   upload=SimpleUploadedFile("b.pdf", same))  # fmt: skip
    assert one.file.name == two.file.name and one.original_name == "a.pdf" and two.original_name == "b.pdf"
    files = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert len(files) == 1 and files[0].read_bytes() == same
    # Replacing a draft's file keeps the shared bytes (the other draft still refers to them).
    dossier_component_attach(dossier=a, actor=citizen, component_id=one.pk, upload=pdf_file(marker=b"other"))
    assert default_storage.exists(two.file.name)
