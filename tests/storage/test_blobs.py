"""The same blob, data-store and download tests on the local file system and on an S3-compatible fake."""

import hashlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.core.blobs import blob_exists, blob_name, blob_response, put_blob, read_blob
from motcua.dossiers.services.components import dossier_component_attach
from motcua.wallet.models import StoredDocument
from tests.wallet.conftest import apply_online, component, draft, pdf_bytes, receive, vn

from .conftest import stored_names

pytestmark = pytest.mark.django_db


def test_the_backend_is_the_one_asked_for(storage):
    default_storage.exists("x")  # force the lazy storage
    backend = type(default_storage._wrapped).__name__
    assert backend == ("FileSystemStorage" if storage == "local" else "S3Storage")


def test_put_blob_is_content_addressed_and_deduplicated(storage):
    data = pdf_bytes(marker=b"dedup")
    digest = hashlib.sha256(data).hexdigest()
    first = put_blob(data, extension="pdf")
    assert first.name == blob_name(digest, "pdf") == f"blobs/{digest[:2]}/{digest[2:4]}/{digest}.pdf"
    assert (first.sha256, first.size) == (digest, len(data))
    again = put_blob(SimpleUploadedFile("other-name.pdf", data), extension="PDF")
    assert again == first
    assert stored_names(storage) == [first.name]  # stored once
    assert (
        read_blob(first.name) == data and blob_exists(first.name) and not blob_exists("blobs/00/00/none.pdf")
    )
    other = put_blob(pdf_bytes(marker=b"other"), extension="pdf")
    assert other.name != first.name and len(stored_names(storage)) == 2


def test_blob_response_is_an_attachment_with_its_type(storage):
    data = pdf_bytes(marker=b"resp")
    blob = put_blob(data, extension="pdf")
    response = blob_response(blob.name, filename="Giấy tờ.pdf", content_type="application/pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert (
        response["X-Content-Type-Options"] == "nosniff" and response["Cache-Control"] == "private, no-store"
    )
    assert b"".join(response.streaming_content) == data


def test_harvest_reuse_and_download_through_the_store(
    storage, client, people, first_version, second_version, clock
):
    clock(vn(2026, 3, 2, 9, 0))
    first = receive(people, apply_online(people, first_version))
    cccd = StoredDocument.objects.get(document_type="CCCD")
    assert blob_exists(cccd.file) and cccd.file == component(first, "CCCD").file.name
    names_before = stored_names(storage)
    client.force_login(people["citizen"])
    second = draft(people, second_version)
    target = component(second, "CCCD")
    response = client.post(
        reverse("wallet_reuse", args=[second.pk]), {"component": target.pk, "document": cccd.pk}
    )
    assert response.status_code == 302
    assert stored_names(storage) == names_before  # reuse writes no file
    for url in (reverse("wallet_download", args=[cccd.pk]),
                reverse("dossier_component_download", args=[second.pk, target.pk])):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert (
            response["Content-Disposition"].startswith("attachment;")
            and response["X-Content-Type-Options"] == "nosniff"
        )
        assert b"".join(response.streaming_content) == read_blob(cccd.file)
    client.force_login(people["citizen2"])  # permission first: another person gets 404 from either
    assert client.get(reverse("wallet_download", args=[cccd.pk])).status_code == 404
    assert client.get(reverse("dossier_component_download", args=[second.pk, target.pk])).status_code == 404


def test_an_older_upload_outside_the_blob_store_is_still_served(
    storage, client, people, second_version, clock
):
    """Rows from before the blob store keep their ``dossiers/…`` names and still download."""
    from django.core.files.base import ContentFile

    clock(vn(2026, 3, 2, 9, 0))
    d = draft(people, second_version)
    c = component(d, "CCCD")
    old = default_storage.save("dossiers/2026/02/abcdef.pdf", ContentFile(pdf_bytes(marker=b"old")))
    c.file.name, c.original_name = old, "cu.pdf"
    c.save()
    client.force_login(people["citizen"])
    response = client.get(reverse("dossier_component_download", args=[d.pk, c.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == pdf_bytes(marker=b"old")
    # Replacing it stores a blob and leaves the old file where it was.
    c = dossier_component_attach(dossier=d, actor=people["citizen"], component_id=c.pk,
                                 upload=SimpleUploadedFile("moi.pdf", pdf_bytes(marker=b"new")))  # fmt: skip
    assert c.file.name.startswith("blobs/") and default_storage.exists(old)
