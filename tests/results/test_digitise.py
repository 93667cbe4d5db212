"""Digitising a paper result at the counter: quality checks, the certified signed copy, store and counting."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.core.blobs import read_blob
from motcua.results.errors import ResultError, ResultNotAllowed
from motcua.results.models import IssuedResult, ResultStatus
from motcua.results.services import result_digitise_paper, result_verify_upload
from motcua.results.signing import check_signature
from motcua.wallet.models import StoredDocument

from .conftest import decided, pdf_pages, png_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper_dossier(people, paper_version, clock, django_capture_on_commit_callbacks):
    d = decided(people, paper_version, clock, capture=django_capture_on_commit_callbacks)
    clock.traveller.stop()
    clock.traveller = None
    assert not IssuedResult.objects.filter(dossier=d).exists()  # a paper result is not issued electronically
    return d


def png(name, **kw):
    return SimpleUploadedFile(name, png_page(**kw), content_type="image/png")


def test_two_scanned_pages_become_a_signed_certified_copy(paper_dossier, people):
    result = result_digitise_paper(
        dossier=paper_dossier, officer=people["officer"], files=[png("p1.png"), png("p2.png")], stated_pages=2
    )
    assert result.status == ResultStatus.VALID and result.kind == "digitised_paper"
    assert result.page_count == 3  # two scanned pages and the certification page
    assert result.document_type == "GIAY_PHEP_XAY_DUNG"
    pdf = read_blob(result.file)
    assert check_signature(pdf).ok
    assert result_verify_upload(data=pdf).authentic
    event = paper_dossier.events.get(action="result_issued")
    assert event.data == {"e_result": True, "code": result.code, "kind": "digitised_paper"}
    stored = StoredDocument.objects.get(result_code=result.code)
    assert stored.document_type == "GIAY_PHEP_XAY_DUNG" and stored.owner_key == people["citizen"].personal_id


def test_a_pdf_scan_is_accepted_when_pages_match(paper_dossier, people):
    scan = SimpleUploadedFile("scan.pdf", pdf_pages(3), content_type="application/pdf")
    result = result_digitise_paper(
        dossier=paper_dossier, officer=people["officer"], files=[scan], stated_pages=3
    )
    assert result.page_count == 4


@pytest.mark.parametrize(
    ("files", "pages", "code"),
    [
        (lambda: [png("a.png"), png("b.png")], 3, "page_count_mismatch"),
        (lambda: [png("small.png", width=700, height=990)], 1, "scan_resolution_low"),
        (
            lambda: [
                SimpleUploadedFile(
                    "a6.pdf", pdf_pages(1, width=300, height=420), content_type="application/pdf"
                )
            ],
            1,
            "scan_page_too_small",
        ),
        (
            lambda: [SimpleUploadedFile("x.html", b"<html><script>alert(1)</script></html>")],
            1,
            "upload_type_not_allowed",
        ),
        (
            lambda: [SimpleUploadedFile("s.pdf", pdf_pages(1), content_type="application/pdf"), png("b.png")],
            2,
            "scan_mixed",
        ),
        (lambda: [], 1, "scan_required"),
    ],
)
def test_quality_checks_refuse_bad_scans(paper_dossier, people, files, pages, code):
    with pytest.raises(ResultError) as caught:
        result_digitise_paper(
            dossier=paper_dossier, officer=people["officer"], files=files(), stated_pages=pages
        )
    assert caught.value.code == code
    assert str(caught.value)  # a Vietnamese message
    assert not IssuedResult.objects.exists()
    assert not paper_dossier.events.filter(action="result_issued").exists()


def test_only_the_counter_digitises_and_only_paper_results(
    paper_dossier, people, version, clock, django_capture_on_commit_callbacks
):
    with pytest.raises(ResultNotAllowed):
        result_digitise_paper(
            dossier=paper_dossier, officer=people["specialist"], files=[png("a.png")], stated_pages=1
        )
    electronic = decided(people, version, clock, capture=django_capture_on_commit_callbacks)
    with pytest.raises(ResultError) as caught:
        result_digitise_paper(
            dossier=electronic, officer=people["officer"], files=[png("a.png")], stated_pages=1
        )
    assert caught.value.code == "result_not_paper"


def test_digitising_again_supersedes_and_counts_once(paper_dossier, people):
    first = result_digitise_paper(
        dossier=paper_dossier, officer=people["officer"], files=[png("a.png")], stated_pages=1
    )
    second = result_digitise_paper(
        dossier=paper_dossier,
        officer=people["officer"],
        files=[png("b.png", text="Trang rõ hơn")],
        stated_pages=1,
    )
    first.refresh_from_db()
    assert first.status == ResultStatus.SUPERSEDED and first.superseded_by == second
    assert second.replaces == first
    assert paper_dossier.events.filter(action="result_issued").count() == 1
