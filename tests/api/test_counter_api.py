"""The counter over the API: a paper dossier received with its scans and reused documents (multipart), the
applicant's data store at intake (logged), a counter scan of a paper component, and the digitised paper
result — refusals and bad input change nothing and leave no file behind."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.accounts.models import AccountKind, Membership, Role, User
from motcua.accounts.services_apikeys import apikey_create
from motcua.core.models import AuditEvent
from motcua.dossiers.models import ComponentOrigin, Dossier, DossierEvent
from motcua.org.models import OrgUnit
from motcua.results.models import IssuedResult, ResultStatus
from motcua.wallet.models import AccessEntry, AccessKind
from motcua.wallet.services.upload import wallet_upload
from tests.portal.conftest import html_as_pdf, media_files, pdf_file, submitted
from tests.results import conftest as results_fixtures
from tests.results.conftest import decided, png_page

pytestmark = pytest.mark.django_db

INTAKE = "/api/v1/counter/dossiers"
OFFERS = "/api/v1/counter/offers"
# The results tests' signing set-up (a session certificates folder; MEDIA_ROOT in a temporary folder).
certs_dir = results_fixtures.certs_dir
_results_settings = results_fixtures._results_settings
paper_version = results_fixtures.paper_version
PERSONAL_ID = "038090012345"


@pytest.fixture
def at_counter(people, version, clock, client):
    clock(results_fixtures.vn(2026, 3, 2, 8, 0))
    client.force_login(people["officer"])
    return client


def intake(**overrides):
    data = {
        "procedure_code": "1.009999",
        "receiving_point_code": "H56.40",
        "applicant_kind": "citizen",
        "name": "Trịnh Văn An",
        "personal_id": PERSONAL_ID,
        "phone": "0912 000 111",
        "address": "12 Lê Lợi, phường Hạc Thành",
        "provided": ["1", "2"],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["message"], body
    return body


def nothing_received():
    return not Dossier.objects.exists() and not DossierEvent.objects.exists()


def test_a_paper_dossier_is_received_with_its_scan(at_counter, people, settings):
    response = at_counter.post(
        INTAKE,
        intake(
            channel="postal", scans=[pdf_file("don.pdf", pages=3)], scan_positions=["1"], scan_pages=["3"]
        ),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    d = Dossier.objects.get()
    assert body["code"] == d.code == "H56.40-260302-0001" and body["status"] == "received"
    assert body["channel"] == "postal" and body["due_at"] and body["received_at"]
    assert d.applicant_phone == "+84912000111" and d.applicant_personal_id == PERSONAL_ID
    scanned = d.components.get(position=1)
    assert scanned.origin == ComponentOrigin.COUNTER_SCAN and scanned.page_count == 3
    assert scanned.declared_pages == 3 and scanned.digitised_by == people["officer"]
    assert d.components.get(position=2).origin == ComponentOrigin.PAPER
    assert set(d.components.filter(checked=True).values_list("position", flat=True)) == {1, 2}
    event = DossierEvent.objects.get(dossier=d, action="receive")
    assert event.data["channel"] == "postal" and event.actor == people["officer"]
    assert [c["origin"] for c in body["components"]] == ["counter_scan", "paper", ""]
    assert len(media_files(settings)) == 1  # the scan, stored once


def test_a_stored_document_is_offered_logged_and_reused(at_counter, people):
    # The applicant's ID card copy is in their data store: the third (optional) component is another type,
    # so the procedure gets a CCCD component for this test.
    from motcua.catalogue.services.procedures import procedure_create, procedure_publish
    from motcua.catalogue.spec import parse_procedure
    from tests.dossiers.data import procedure_data

    components = [
        {"name": "Đơn đề nghị", "originals": 1, "copies": 0, "required": True},
        {"name": "Căn cước", "originals": 0, "copies": 1, "required": True, "document_type": "CCCD"},
    ]
    spec = parse_procedure(procedure_data(code="1.009997", components=components)).spec
    procedure_publish(actor=None, procedure=procedure_create(actor=None, spec=spec, create_sectors=True))
    citizen = people["citizen"]
    doc = wallet_upload(actor=citizen, document_type="CCCD", title="Căn cước của tôi", file=pdf_file())

    query = {
        "procedure_code": "1.009997",
        "receiving_point_code": "H56.40",
        "personal_id": citizen.personal_id,
    }
    offers = at_counter.post(OFFERS, query, content_type="application/json")
    assert offers.status_code == 200, offers.content
    assert [(o["position"], [d["id"] for d in o["documents"]]) for o in offers.json()] == [(2, [doc.pk])]
    entry = AccessEntry.objects.get(kind=AccessKind.STORE_READ)
    assert (
        entry.subject_key == citizen.personal_id
        and entry.unit.code == "H56.40"
        and entry.actor == people["officer"]
    )

    response = at_counter.post(
        INTAKE,
        intake(procedure_code="1.009997", name=citizen.full_name, personal_id=citizen.personal_id,
               provided=["1"], reuse_positions=["2"], reuse_document_ids=[str(doc.pk)]),
    )  # fmt: skip
    assert response.status_code == 201, response.content
    reused = Dossier.objects.get().components.get(position=2)
    assert reused.origin == ComponentOrigin.REUSED and reused.sha256 == doc.sha256
    assert AuditEvent.objects.filter(action="wallet.document_reused").count() == 1


def test_offers_are_refused_before_anything_is_read(at_counter, people, client):
    query = {"procedure_code": "1.009999", "receiving_point_code": "H56.101", "personal_id": PERSONAL_ID}
    assert_error(at_counter.post(OFFERS, query, content_type="application/json"), 403, "action_not_allowed")
    bad = {**query, "receiving_point_code": "H56.40", "personal_id": "12345"}
    assert_error(at_counter.post(OFFERS, bad, content_type="application/json"), 422, "personal_id_invalid")
    client.force_login(people["citizen"])
    assert_error(client.post(OFFERS, query, content_type="application/json"), 403, "staff_only")
    assert not AccessEntry.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"provided": ["1"]}, 422, "components_missing"),
        ({"procedure_code": "9.999999"}, 422, "procedure_not_found"),
        ({"receiving_point_code": "H56.999"}, 422, "receiving_point_not_found"),
        ({"receiving_point_code": "H56.101"}, 403, "action_not_allowed"),  # not one of the officer's points
        ({"personal_id": "12345"}, 422, "cccd_format"),
        ({"personal_id": ""}, 422, "cccd_format"),
        ({"email": "không-phải-email"}, 422, "email_invalid"),
        ({"provided": ["1", "2", "7"]}, 422, "component_unknown"),
        ({"applicant_kind": "organisation"}, 422, "request_invalid"),
        ({"scan_positions": ["1"], "scan_pages": ["2"]}, 422, "scans_mismatch"),  # no file sent
        ({"reuse_positions": ["1", "2"], "reuse_document_ids": ["5"]}, 422, "reuses_mismatch"),
    ],
)
def test_bad_input_is_refused_and_creates_nothing(at_counter, overrides, status, code):
    assert_error(at_counter.post(INTAKE, intake(**overrides)), status, code)
    assert nothing_received()


@pytest.mark.parametrize(
    ("scans", "pages", "code"),
    [
        (lambda: [pdf_file(pages=3)], ["4"], "scan_page_count_mismatch"),
        (lambda: [html_as_pdf()], ["1"], "upload_"),
        (lambda: [pdf_file(pages=1), html_as_pdf()], ["1", "1"], "upload_"),  # the second is bad: none stored
        (lambda: [pdf_file(pages=1)], [], "scans_mismatch"),
    ],
)
def test_a_refused_scan_leaves_no_dossier_and_no_file(at_counter, settings, scans, pages, code):
    files = scans()
    positions = ["1", "2"][: len(files)]
    response = at_counter.post(INTAKE, intake(scans=files, scan_positions=positions, scan_pages=pages))
    assert response.status_code == 422, response.content
    assert response.json()["code"].startswith(code)
    assert nothing_received() and media_files(settings) == []


def test_who_may_not_receive_is_refused(people, version, clock, client):
    clock(results_fixtures.vn(2026, 3, 2, 8, 0))
    client.force_login(people["citizen"])
    assert_error(client.post(INTAKE, intake()), 403, "staff_only")
    client.force_login(people["specialist"])  # staff, but of no one-stop point
    assert_error(client.post(INTAKE, intake()), 403, "action_not_allowed")
    assert client.get("/api/v1/counter/points").json() == []
    client.logout()
    assert_error(client.post(INTAKE, intake()), 401, "not_authenticated")
    assert nothing_received()


def test_an_api_key_needs_the_scope_and_its_units(people, version, clock):
    clock(results_fixtures.vn(2026, 3, 2, 8, 0))
    system = User.objects.create_user(username="hethong.lgsp", password=None, kind=AccountKind.STAFF)
    for code in ("H56.40", "H56.101"):
        Membership.objects.create(user=system, org_unit=OrgUnit.objects.get(code=code), role=Role.ONE_STOP_OFFICER,
                                  valid_from=dt.date(2025, 7, 1))  # fmt: skip

    def key(operations, units):
        _key, raw = apikey_create(
            owner=system, name="LGSP", operations=operations,
            units=[OrgUnit.objects.get(code=c) for c in units], by=people["admin"],
        )  # fmt: skip
        return Client(headers={"Authorization": f"Bearer {raw}"})

    reader = key(["dossiers:read"], ["H56.40"])
    assert_error(reader.post(INTAKE, intake()), 403, "api_key_scope")
    limited = key(["dossiers:process"], ["H56.101"])
    assert [p["code"] for p in limited.get("/api/v1/counter/points").json()] == ["H56.101"]
    assert_error(limited.post(INTAKE, intake()), 403, "api_key_scope")  # H56.40 is outside its units
    assert nothing_received()
    response = key(["dossiers:process"], ["H56.40"]).post(INTAKE, intake())
    assert response.status_code == 201, response.content
    assert Dossier.objects.get().receiving_point.code == "H56.40"


# -- one dossier at intake -----------------------------------------------------------------------------


def test_a_paper_component_is_scanned_with_its_page_count(people, version, clock, client, settings):
    clock(results_fixtures.vn(2026, 3, 2, 9, 0))
    d = submitted(people, version)
    optional = d.components.get(position=3)
    url = f"/api/v1/dossiers/{d.code}/components/{optional.pk}/scan"
    client.force_login(people["specialist"])  # sees the dossier, may not attach at intake
    assert_error(client.post(url, {"file": pdf_file(pages=2), "pages": "2"}), 403, "action_not_allowed")
    client.force_login(people["commune_officer"])  # another unit: the dossier does not exist for them
    assert_error(client.post(url, {"file": pdf_file(pages=2), "pages": "2"}), 404, "dossier_not_found")
    client.force_login(people["officer"])
    before = media_files(settings)
    assert_error(client.post(url, {"file": pdf_file(pages=2), "pages": "3"}), 422, "scan_page_count_mismatch")
    assert_error(client.post(url, {"file": html_as_pdf(), "pages": "1"}), 422, "upload_type_not_allowed")
    assert_error(client.post(url, {"file": pdf_file(pages=2)}), 422, "request_invalid")  # pages required
    assert media_files(settings) == before
    optional.refresh_from_db()
    assert not optional.file and not optional.digitised

    response = client.post(url, {"file": pdf_file(pages=2), "pages": "2"})
    assert response.status_code == 200, response.content
    assert response.json()["origin"] == "counter_scan" and response.json()["page_count"] == 2
    optional.refresh_from_db()
    assert optional.digitised_by == people["officer"] and optional.declared_pages == 2


# -- the paper result ----------------------------------------------------------------------------------


@pytest.fixture
def paper_dossier(people, paper_version, clock, django_capture_on_commit_callbacks):
    d = decided(people, paper_version, clock, capture=django_capture_on_commit_callbacks)
    clock.traveller.stop()
    clock.traveller = None
    return d


def png(name, **kw):
    return SimpleUploadedFile(name, png_page(**kw), content_type="image/png")


def test_the_paper_result_is_digitised(paper_dossier, people, client, settings):
    url = f"/api/v1/dossiers/{paper_dossier.code}/result-scan"
    before = media_files(settings)
    client.force_login(people["specialist"])  # sees the dossier, not an officer of its receiving point
    assert_error(client.post(url, {"scans": [png("p1.png")], "pages": "1"}), 403, "result_not_allowed")
    client.force_login(people["officer"])
    assert_error(
        client.post(url, {"scans": [png("p1.png"), png("p2.png")], "pages": "3"}), 400, "page_count_mismatch"
    )
    assert_error(
        client.post(url, {"scans": [png("s.png", width=700, height=990)], "pages": "1"}),
        400,
        "scan_resolution_low",
    )
    assert_error(client.post(url, {"pages": "1"}), 400, "scan_required")  # no scan at all
    assert not IssuedResult.objects.exists() and media_files(settings) == before

    response = client.post(
        url, {"scans": [png("p1.png"), png("p2.png")], "pages": "2", "valid_until": "2031-03-04"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    result = IssuedResult.objects.get()
    assert body["code"] == result.code and body["status"] == ResultStatus.VALID == result.status
    assert (
        body["kind"] == "digitised_paper" and body["page_count"] == 3 and body["valid_until"] == "2031-03-04"
    )
    assert body["dossier_code"] == paper_dossier.code
    assert AuditEvent.objects.filter(action="result.digitised").count() == 1


def test_an_electronic_result_is_not_digitised(
    people, version, clock, client, django_capture_on_commit_callbacks
):
    d = decided(people, version, clock, capture=django_capture_on_commit_callbacks)
    clock.traveller.stop()
    clock.traveller = None
    before = IssuedResult.objects.count()
    client.force_login(people["officer"])
    response = client.post(f"/api/v1/dossiers/{d.code}/result-scan", {"scans": [png("p1.png")], "pages": "1"})
    assert_error(response, 400, "result_not_paper")
    assert IssuedResult.objects.count() == before
