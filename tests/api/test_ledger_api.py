"""The tracking ledger (form 07) over the API: the rows of a one-stop point for a period, paged, and its PDF;
only staff of a one-stop point, only their points and the dossiers they see; bad filters are clear errors."""

import pytest
from django.test import Client
from django.utils.dateparse import parse_datetime

from motcua.accounts.services_apikeys import apikey_create
from motcua.documents.pdf import PdfUnavailable
from motcua.dossiers import services as s
from motcua.org.models import OrgUnit
from tests.portal.conftest import submitted, vn

pytestmark = pytest.mark.django_db
LEDGER = "/api/v1/ledger"


@pytest.fixture
def book(people, version, clock):
    """Three dossiers received at the provincial centre on 2 and 3 March 2026 (one routed), one submitted but
    not received (not in the ledger)."""

    def receive(at):
        clock(at)
        d = submitted(people, version)
        ids = list(d.components.values_list("pk", flat=True))
        return s.dossier_receive(dossier=d, officer=people["officer"], checked_component_ids=ids)

    first = receive(vn(2026, 3, 2, 9, 0))
    clock.shift(hours=1)
    first = s.dossier_route(dossier=first, officer=people["officer"])
    second = receive(vn(2026, 3, 2, 14, 0))
    third = receive(vn(2026, 3, 3, 9, 0))
    clock(vn(2026, 3, 3, 10, 0))
    submitted(people, version)
    return [first, second, third]


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["message"], body
    return body


def test_the_ledger_lists_the_points_dossiers_oldest_first(
    client, people, book, django_assert_max_num_queries
):
    client.force_login(people["officer"])
    query = {"point": "h56.40", "start": "2026-03-01", "end": "2026-03-31"}
    with django_assert_max_num_queries(12):  # session, user, scope, points, count, page, route events…
        response = client.get(LEDGER, query)
    assert response.status_code == 200, response.content
    page = response.json()
    assert page["count"] == 3 and [r["dossier_code"] for r in page["items"]] == [d.code for d in book]
    first = page["items"][0]
    assert first["receiving_point_code"] == "H56.40" and first["applicant_name"] == book[0].applicant_name
    assert first["request"] == "Cấp giấy phép khai thác nước dưới đất (thử nghiệm)"
    assert first["resolving_unit"] == book[0].resolving_unit.name and first["sets"] == 1
    assert parse_datetime(first["transferred_at"]) == vn(2026, 3, 2, 10, 0)
    assert page["items"][1]["transferred_at"] is None
    assert first["due_at"] and first["result_received_at"] is None and first["returned_at"] is None

    one_day = client.get(LEDGER, {"start": "2026-03-03", "end": "2026-03-03"}).json()  # the first point
    assert [r["dossier_code"] for r in one_day["items"]] == [book[2].code]
    paged = client.get(LEDGER, {**query, "page": 2, "page_size": 2}).json()
    assert paged["count"] == 3 and [r["dossier_code"] for r in paged["items"]] == [book[2].code]


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ({"start": "2026-03-31", "end": "2026-03-01"}, 422, "period_invalid"),
        ({"start": "01/03/2026"}, 422, "request_invalid"),
        ({"point": "H56.101"}, 404, "receiving_point_not_found"),  # a point, not one of the officer's
        ({"point": "x" * 36}, 422, "request_invalid"),
    ],
)
def test_bad_filters_are_clear_errors(client, people, book, query, status, code):
    client.force_login(people["officer"])
    assert_error(client.get(LEDGER, query), status, code)
    assert_error(client.get(f"{LEDGER}/pdf", query), status, code)


def test_only_staff_of_a_one_stop_point(client, people, book):
    client.force_login(people["citizen"])
    assert_error(client.get(LEDGER), 403, "staff_only")
    client.force_login(people["specialist"])  # sees the dossiers, but keeps no ledger
    assert_error(client.get(LEDGER), 403, "no_counter_point")
    client.force_login(people["commune_officer"])  # another point: its own ledger, empty
    assert client.get(LEDGER, {"start": "2026-03-01", "end": "2026-03-31"}).json() == {
        "items": [],
        "count": 0,
    }
    client.logout()
    assert_error(client.get(LEDGER), 401, "not_authenticated")


def test_a_key_sees_its_units_only(people, book):
    def key(operations, units):
        _key, raw = apikey_create(
            owner=people["admin"], name="Sổ theo dõi", operations=operations,
            units=[OrgUnit.objects.get(code=c) for c in units], by=people["admin"],
        )  # fmt: skip
        return Client(headers={"Authorization": f"Bearer {raw}"})

    query = {"point": "H56.40", "start": "2026-03-01", "end": "2026-03-31"}
    assert_error(key(["dossiers:process"], ["H56.40"]).get(LEDGER, query), 403, "api_key_scope")
    assert_error(key(["dossiers:read"], ["H56.101"]).get(LEDGER, query), 404, "receiving_point_not_found")
    assert key(["dossiers:read"], ["H56.40"]).get(LEDGER, query).json()["count"] == 3


def test_the_pdf_is_form_07(client, people, book, monkeypatch):
    from motcua.api import ledger as ledger_api

    seen = {}

    def render(form):
        seen["form"] = form
        return b"%PDF-1.7 so theo doi"

    monkeypatch.setattr(ledger_api, "render_form_pdf", render)
    client.force_login(people["officer"])
    response = client.get(f"{LEDGER}/pdf", {"start": "2026-03-01", "end": "2026-03-31"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content == b"%PDF-1.7 so theo doi"
    assert (
        response["Content-Disposition"] == 'attachment; filename="mau-07-so-theo-doi-20260301-20260331.pdf"'
    )
    form = seen["form"]
    assert form.receiving_point == OrgUnit.objects.get(code="H56.40").name
    assert [r.dossier_code for r in form.rows] == [d.code for d in book]

    def unavailable(form):
        raise PdfUnavailable("Thiếu WeasyPrint.", missing="weasyprint", install="pip install weasyprint")

    monkeypatch.setattr(ledger_api, "render_form_pdf", unavailable)
    assert_error(client.get(f"{LEDGER}/pdf"), 503, "pdf_unavailable")
