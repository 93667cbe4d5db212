"""Staff reads over the API: the work queues (counts, pages, search), a dossier's files and official forms,
and the public status look-up by code and 4 digits; visibility, errors, pagination, query counts."""

import pytest

from tests.portal.conftest import received, submitted

from .conftest import vn

pytestmark = pytest.mark.django_db


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["message"], body
    return body


# -- queues --------------------------------------------------------------------------------------------


def test_queues_count_and_list_what_the_officer_sees(
    client, people, version, clock, django_assert_max_num_queries
):
    clock(vn(2026, 3, 2, 9, 0))
    first = submitted(people, version)
    second = submitted(people, version, who="citizen2")
    client.force_login(people["officer"])  # one-stop officer of H56.40, where both were submitted
    counts = {q["key"]: q["count"] for q in client.get("/api/v1/queues").json()}
    assert counts["intake"] == 2 and counts["all"] == 2 and counts["mine"] == 0
    client.get("/api/v1/queues/intake")  # the calendar snapshot is built once per process: not counted
    with django_assert_max_num_queries(7):  # a page's cost does not grow with its rows
        full = client.get("/api/v1/queues/intake").json()
    assert full["count"] == 2 and len(full["items"]) == 2
    page = client.get("/api/v1/queues/intake", {"page_size": 1}).json()
    assert page["count"] == 2 and len(page["items"]) == 1
    assert page["items"][0]["code"] == first.code  # the oldest submission first
    assert page["items"][0]["time_left"]["state"] == "none" and page["items"][0]["open_step"] is None
    assert (
        client.get("/api/v1/queues/intake", {"page": 2, "page_size": 1}).json()["items"][0]["code"]
        == second.code
    )
    assert_error(client.get("/api/v1/queues/someday"), 422, "request_invalid")

    # Search (queue "all"): the applicant's name, without diacritics; the procedure filter.
    name = second.applicant_name
    from motcua.core.text import fold

    found = client.get("/api/v1/queues/all", {"q": fold(name)}).json()
    assert [d["code"] for d in found["items"]] == [second.code]
    assert client.get("/api/v1/queues/all", {"procedure": "9.999999"}).json()["count"] == 0

    # Another unit's officer sees none of them; a citizen has no queues.
    client.force_login(people["commune_officer"])
    assert client.get("/api/v1/queues/all").json()["count"] == 0
    client.force_login(people["citizen"])
    assert_error(client.get("/api/v1/queues"), 403, "staff_only")
    assert client.get("/api/v1/queues/all").json() == {"items": [], "count": 0}
    client.logout()
    assert client.get("/api/v1/queues").status_code == 401


def test_the_specialists_queue_shows_the_open_step_and_time_left(client, people, version, clock):
    from motcua.dossiers import services as s

    d = received(people, version, clock)
    s.dossier_route(dossier=d, officer=people["officer"])
    client.force_login(people["specialist"])
    page = client.get("/api/v1/queues/mine").json()
    assert page["count"] == 1, page
    row = page["items"][0]
    assert row["code"] == d.code and row["open_step"]["unit_code"] == "H56.19"
    assert row["time_left"]["state"] in ("ok", "soon") and row["time_left"]["working_seconds"] > 0
    assert row["open_step"]["time_left"]["label"]


# -- files and forms -----------------------------------------------------------------------------------


def test_component_file_and_forms(client, people, version, clock):
    from motcua.wallet.models import AccessEntry

    d = received(people, version, clock)
    component = d.components.filter(required=True).first()
    url = f"/api/v1/dossiers/{d.code}/components/{component.pk}/file"

    client.force_login(people["citizen"])
    response = client.get(url)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    forms = {f["key"] for f in client.get(f"/api/v1/dossiers/{d.code}/forms").json()}
    assert forms == {"receipt"}  # the control sheet is internal
    pdf = client.get(f"/api/v1/dossiers/{d.code}/forms/receipt")
    assert (
        pdf.status_code == 200
        and pdf["Content-Type"] == "application/pdf"
        and pdf.content.startswith(b"%PDF")
    )
    assert_error(client.get(f"/api/v1/dossiers/{d.code}/forms/control"), 404, "form_not_available")
    assert_error(client.get(f"/api/v1/dossiers/{d.code}/forms/refusal"), 404, "form_not_available")

    client.force_login(people["citizen2"])  # not theirs: not found
    assert_error(client.get(url), 404, "dossier_not_found")
    assert_error(client.get(f"/api/v1/dossiers/{d.code}/forms/receipt"), 404, "dossier_not_found")

    client.force_login(people["officer"])  # staff: the read is logged for the applicant
    before = AccessEntry.objects.filter(kind="document_read").count()
    assert client.get(url).status_code == 200
    assert AccessEntry.objects.filter(kind="document_read").count() == before + 1
    assert {f["key"] for f in client.get(f"/api/v1/dossiers/{d.code}/forms").json()} == {"receipt", "control"}
    assert_error(
        client.get(f"/api/v1/dossiers/{d.code}/components/999999/file"), 404, "component_file_not_found"
    )


# -- public status -------------------------------------------------------------------------------------


def lookup(client, code, secret, **extra):
    return client.post("/api/v1/dossier-status", {"code": code, "secret": secret}, content_type="application/json",
                       **extra)  # fmt: skip


def test_public_status_by_code_and_four_digits(client, people, version, clock, settings):
    clock(vn(2026, 3, 2, 9, 0))
    d = submitted(people, version)
    digits = "".join(ch for ch in d.applicant_phone if ch.isdigit())[-4:]
    assert len(digits) == 4, d.applicant_phone
    found = lookup(client, d.code.lower(), digits)
    assert found.status_code == 200, found.content
    body = found.json()
    assert (
        body["code"] == d.code
        and body["status"] == "awaiting_intake"
        and body["procedure_code"] == version.code
    )
    text = found.content.decode()
    for secret in (d.applicant_name, d.applicant_phone, d.applicant_personal_id):
        assert secret not in text
    wrong = "0000" if digits != "0000" else "1111"
    assert_error(lookup(client, d.code, wrong), 404, "dossier_not_found")
    assert_error(lookup(client, "H56.40-000000-0000", digits), 404, "dossier_not_found")
    assert_error(lookup(client, d.code, "12"), 422, "request_invalid")

    settings.MOTCUA_STATUS_LOOKUP_LIMIT = 4  # three attempts so far from this address
    assert lookup(client, d.code, digits).status_code == 200
    limited = lookup(client, d.code, digits)
    assert_error(limited, 429, "rate_limited")
    assert limited["Retry-After"] == "600"
    assert lookup(client, "H56.40-111111-0000", digits, REMOTE_ADDR="203.0.113.5").status_code == 404


def test_the_portal_page_and_the_api_share_one_budget(client, people, version, clock, settings):
    """Attempts on ``/tra-cuu-ho-so/`` count against the API's look-up (and the other way round): a client
    cannot double its attempts by switching faces."""
    clock(vn(2026, 3, 2, 9, 0))
    d = submitted(people, version)
    digits = "".join(ch for ch in d.applicant_phone if ch.isdigit())[-4:]
    settings.MOTCUA_STATUS_LOOKUP_LIMIT = 2
    for _attempt in range(2):
        assert client.post("/tra-cuu-ho-so/", {"ma": d.code, "so": digits}).status_code == 200
    limited = lookup(client, d.code, digits)
    body = assert_error(limited, 429, "rate_limited")
    assert "10 phút" in body["message"] and limited["Retry-After"] == "600"
    page = client.post("/tra-cuu-ho-so/", {"ma": d.code, "so": digits})
    assert page.status_code == 429 and "Bạn đã tra cứu quá nhiều lần" in page.content.decode()


# -- an API key limited to units -----------------------------------------------------------------------


def test_a_key_limited_to_units_sees_only_their_dossiers(client, people, version, clock):
    """The key's owner sees the provincial centre's dossiers; the key, limited to phường Hạc Thành, none of
    them: not in the queues, not their files or forms (404 as for a dossier the owner may not see)."""
    from motcua.accounts.services_apikeys import apikey_create
    from motcua.org.models import OrgUnit

    d = received(people, version, clock)
    clock.traveller.stop()  # keys are checked against the real clock
    clock.traveller = None
    _key, raw = apikey_create(
        owner=people["officer"], name="Cổng LGSP", operations=["dossiers:read"],
        units=[OrgUnit.objects.get(code="H56.101")], by=people["admin"],
    )  # fmt: skip
    keyed = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    counts = {q["key"]: q["count"] for q in client.get("/api/v1/queues", **keyed).json()}
    assert counts["all"] == 0 and sum(counts.values()) == 0
    assert client.get("/api/v1/queues/all", **keyed).json()["count"] == 0
    assert_error(client.get(f"/api/v1/dossiers/{d.code}/forms", **keyed), 404, "dossier_not_found")
    component = d.components.filter(required=True).first()
    assert_error(client.get(f"/api/v1/dossiers/{d.code}/components/{component.pk}/file", **keyed), 404,
                 "dossier_not_found")  # fmt: skip
    # The same owner through a session sees it.
    client.force_login(people["officer"])
    assert client.get("/api/v1/queues/all").json()["count"] == 1
