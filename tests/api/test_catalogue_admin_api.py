"""Editing the catalogue over the API: staff read the drafts, administrators of the implementing agency (or
the province) edit, publish and record reviews, through the same services as the back office; every
refusal is ``{code, message}``, changes nothing and writes no audit row."""

import copy
import json

import pytest

from motcua.accounts.models import AccountKind, Membership, Role, User
from motcua.accounts.services_apikeys import apikey_create
from motcua.catalogue.models import Procedure, ProcedureVersion, Review
from motcua.core.models import AuditEvent
from motcua.org.models import OrgUnit

pytestmark = pytest.mark.django_db
BASE = "/api/v1/procedure-drafts"
CODE = "1.009999"  # the ``version`` fixture: H56.19, published once


@pytest.fixture
def who(demo):
    get = User.objects.get
    return {
        "citizen": User.objects.filter(kind=AccountKind.CITIZEN).order_by("pk").first(),
        "officer": get(username="motcua.tinh"),  # one-stop officer, H56.40
        "specialist": get(username="chuyenvien.tnmt"),  # H56.19
        "agency_admin": get(username="quantri.tnmt"),  # agency administrator, H56.19
        "admin": get(username="quantri.tinh"),  # province administrator
    }


def as_(client, user):
    client.force_login(user)
    return client


def send(client, method, path, body=None, **extra):
    return client.generic(
        method, f"{BASE}{path}", json.dumps(body or {}), content_type="application/json", **extra
    )


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["message"], body
    return body


def editable(content, **changes):
    """The body of a ``PUT`` from a draft's ``content`` (what ``GET`` answers)."""
    body = {k: copy.deepcopy(v) for k, v in content.items() if k not in ("code", "sector_name")}
    body.update(changes)
    return body


def audits(action):
    """Audit rows of ``action`` written by a person (the fixtures publish as the system)."""
    return AuditEvent.objects.filter(action=action, actor__isnull=False).count()


def test_staff_read_the_drafts_and_others_are_refused(client, who, version):
    anonymous = client.get(BASE)
    assert_error(anonymous, 401, "not_authenticated")
    assert_error(as_(client, who["citizen"]).get(BASE), 403, "staff_only")
    as_(client, who["officer"])
    listing = client.get(BASE, {"q": "khai thac nuoc"})
    assert listing.status_code == 200, listing.content
    assert [(i["code"], i["state"], i["current_version"]) for i in listing.json()["items"]] == [
        (CODE, "published", 1)
    ]
    assert client.get(BASE, {"state": "unpublished"}).json()["count"] == 0
    draft = client.get(f"{BASE}/{CODE}").json()
    assert draft["can_edit"] is False and draft["problems"] == [] and draft["revision"] == 1
    assert [v["number"] for v in draft["versions"]] == [1]
    content = draft["content"]
    assert content["agency"] == "H56.19" and content["sector_code"] == "TAI_NGUYEN_NUOC"
    assert content["process"]["actions"][0] == {
        "from_step": "TN", "to_step": "TD", "name": "Chuyển thẩm định", "roles": ["one_stop_officer"],
        "conditions": [],
    }  # fmt: skip
    assert_error(client.get(f"{BASE}/9.999999"), 404, "procedure_not_found")


def test_an_agency_administrator_edits_and_publishes_their_procedure(client, who, version):
    as_(client, who["agency_admin"])
    draft = client.get(f"{BASE}/{CODE}").json()
    assert draft["can_edit"] is True
    # Saving what was read changes nothing: the revision stays, no audit row.
    same = send(client, "PUT", f"/{CODE}", editable(draft["content"], revision=1))
    assert same.status_code == 200, same.content
    assert same.json()["revision"] == 1 and audits("catalogue.procedure_updated") == 0

    body = editable(draft["content"], name="Cấp giấy phép khai thác nước dưới đất (sửa đổi)", revision=1)
    body["time_limit"]["amount"] = 7
    saved = send(client, "PUT", f"/{CODE}", body)
    assert saved.status_code == 200, saved.content
    assert (saved.json()["revision"], saved.json()["state"]) == (2, "changed")
    assert saved.json()["content"]["time_limit"]["amount"] == 7
    assert audits("catalogue.procedure_updated") == 1
    # The public still sees version 1 until it is published.
    assert client.get(f"/api/v1/procedures/{CODE}").json()["version"] == 1

    compared = client.get(f"{BASE}/{CODE}/compare").json()
    assert (compared["source"], compared["target"], compared["comparable"]) == ("1", "draft", True)
    assert {f["key"] for f in compared["fields"]} >= {"name", "time_limit"}

    published = send(client, "POST", f"/{CODE}/publish", {"note": "Sửa thời hạn"})
    assert published.status_code == 201, published.content
    assert published.json()["version"]["number"] == 2 and published.json()["version"]["revision"] == 2
    assert audits("catalogue.procedure_published") == 1
    public = client.get(published.json()["url"]).json()
    assert public["name"].endswith("(sửa đổi)") and public["time_limit"]["amount"] == 7
    assert_error(send(client, "POST", f"/{CODE}/publish"), 409, "procedure_unchanged")
    assert ProcedureVersion.objects.filter(code=CODE).count() == 2


def test_bad_edits_are_refused_with_every_problem_and_change_nothing(client, who, version):
    as_(client, who["agency_admin"])
    content = client.get(f"{BASE}/{CODE}").json()["content"]
    before = Procedure.objects.values("draft_revision", "name", "updated_at").get(code=CODE)
    events = AuditEvent.objects.count()

    body = editable(content, sector_code="KHONG_CO", revision=1)
    body["process"]["steps"][1]["budget"]["amount"] = -1
    body["time_limit"]["amount"] = 1e30  # once a server error in the parser
    invalid = assert_error(send(client, "PUT", f"/{CODE}", body), 422, "procedure_invalid")
    paths = {p["path"]: p["code"] for p in invalid["problems"]}
    assert paths["time_limit.amount"] == "bad_number"
    assert paths["process.steps[1].budget.amount"] == "budget_negative"

    unknown = assert_error(send(client, "PUT", f"/{CODE}", {**editable(content), "reson": "x"}), 422,
                           "request_invalid")  # fmt: skip
    assert unknown["errors"][0]["loc"][-1] == "reson"
    too_many = editable(content)
    too_many["components"][0]["copies"] = 10**9
    assert_error(send(client, "PUT", f"/{CODE}", too_many), 422, "request_invalid")
    # Another agency's unit as the implementing agency: not theirs to choose.
    moved = assert_error(send(client, "PUT", f"/{CODE}", editable(content, agency="H56.52")), 422,
                         "procedure_invalid")  # fmt: skip
    assert [p["code"] for p in moved["problems"]] == ["agency_not_allowed"]
    # Somebody saved in between: the stale revision is refused.
    send(client, "PUT", f"/{CODE}", editable(content, name="Tên mới", revision=1))
    before = Procedure.objects.values("draft_revision", "name", "updated_at").get(code=CODE)
    events = AuditEvent.objects.count()
    assert_error(send(client, "PUT", f"/{CODE}", editable(content, name="Tên khác", revision=1)), 409,
                 "procedure_draft_stale")  # fmt: skip
    assert Procedure.objects.values("draft_revision", "name", "updated_at").get(code=CODE) == before
    assert AuditEvent.objects.count() == events


def test_who_may_change_what(client, who, version, make_commune_procedure):
    body = {"reviewed_on": "2026-01-05", "reviewed_by": "Sở Tư pháp"}
    for user in (who["officer"], who["specialist"]):
        as_(client, user)
        assert_error(send(client, "PUT", f"/{CODE}", editable(client.get(f"{BASE}/{CODE}").json()["content"])),
                     403, "catalogue_not_allowed")  # fmt: skip
        assert_error(send(client, "POST", f"/{CODE}/publish"), 403, "catalogue_not_allowed")
        assert_error(send(client, "POST", f"/{CODE}/reviews", body), 403, "catalogue_not_allowed")
        assert_error(send(client, "POST", "", {}), 422, "request_invalid")  # the body is read first
    # An agency administrator edits their agency's procedures only: not a commune-level one.
    as_(client, who["agency_admin"])
    commune = make_commune_procedure()
    assert client.get(f"{BASE}/{commune}").json()["can_edit"] is False
    assert_error(send(client, "POST", f"/{commune}/reviews", body), 403, "catalogue_not_allowed")
    assert_error(send(client, "POST", "/9.999999/reviews", body), 404, "procedure_not_found")
    assert Review.objects.count() == 0 and audits("catalogue.procedure_reviewed") == 0
    # The province administrator edits every procedure.
    as_(client, who["admin"])
    assert client.get(f"{BASE}/{commune}").json()["can_edit"] is True


@pytest.fixture
def make_commune_procedure(who):
    def make():
        from motcua.catalogue.services import procedure_create
        from motcua.catalogue.spec import parse_procedure
        from tests.dossiers.data import procedure_data

        data = procedure_data(code="1.008888", level="commune", agency="commune",
                              resolving_unit="applicant_commune")  # fmt: skip
        spec = parse_procedure(data).spec
        return procedure_create(actor=None, spec=spec, create_sectors=True).code

    return make


def test_creating_a_draft_and_a_publish_refused_by_the_lint(client, who, version):
    as_(client, who["agency_admin"])
    content = client.get(f"{BASE}/{CODE}").json()["content"]
    new = {**editable(content), "code": "1.000777", "name": "Thủ tục mới (thử nghiệm)"}
    new["process"] = {"steps": [], "actions": []}
    created = send(client, "POST", "", new)
    assert created.status_code == 201, created.content
    assert (created.json()["state"], created.json()["current_version"]) == ("unpublished", None)
    assert created.json()["problems"], "a draft without a process cannot be published"
    assert audits("catalogue.procedure_created") == 1
    assert_error(send(client, "POST", "", new), 422, "procedure_invalid")  # the code is taken
    refused = assert_error(send(client, "POST", "/1.000777/publish", {}), 422, "procedure_lint_failed")
    assert refused["problems"] and all(p["message"] for p in refused["problems"])
    assert not ProcedureVersion.objects.filter(code="1.000777").exists()
    assert client.get("/api/v1/procedures/1.000777").status_code == 404
    # Only the province administrator creates a commune-level procedure.
    commune = {**new, "code": "1.000778", "level": "commune", "agency": "commune"}
    problems = assert_error(send(client, "POST", "", commune), 422, "procedure_invalid")["problems"]
    assert [p["code"] for p in problems] == ["agency_not_allowed"]
    assert not Procedure.objects.filter(code="1.000778").exists()
    as_(client, who["officer"])
    assert_error(send(client, "POST", "", {**new, "code": "1.000779"}), 403, "catalogue_not_allowed")


def test_recording_a_review(client, who, version, clock):
    from tests.dossiers.conftest import vn

    clock(vn(2026, 3, 2, 9, 0))
    as_(client, who["agency_admin"])
    recorded = send(client, "POST", f"/{CODE}/reviews",
                    {"reviewed_on": "2026-02-27", "reviewed_by": "  Sở Tư pháp ", "simplification_proposed": True})  # fmt: skip
    assert recorded.status_code == 201, recorded.content
    assert recorded.json()["reviewed_by"] == "Sở Tư pháp" and recorded.json()["recorded_by"]
    assert audits("catalogue.procedure_reviewed") == 1
    future = assert_error(send(client, "POST", f"/{CODE}/reviews",
                               {"reviewed_on": "2026-03-03", "reviewed_by": "Sở"}), 422, "procedure_invalid")  # fmt: skip
    assert future["problems"][0]["code"] == "review_in_future"
    assert Review.objects.count() == 1
    assert [r["reviewed_on"] for r in client.get(f"{BASE}/{CODE}").json()["reviews"]] == ["2026-02-27"]


def test_compare_names_unknown_versions(client, who, version):
    as_(client, who["officer"])
    unchanged = client.get(f"{BASE}/{CODE}/compare").json()
    assert (unchanged["source"], unchanged["target"], unchanged["comparable"]) == (None, "1", False)
    same = client.get(f"{BASE}/{CODE}/compare", {"source": "1", "target": "draft"}).json()
    assert same["comparable"] is True and same["fields"] == []
    assert_error(client.get(f"{BASE}/{CODE}/compare", {"source": "7"}), 404, "procedure_version_not_found")
    assert_error(client.get(f"{BASE}/{CODE}/compare", {"target": "nháp"}), 422, "request_invalid")


def test_a_key_needs_the_operation_and_stays_within_its_units(client, who, version):
    admin = who["admin"]
    _key, other_unit = apikey_create(owner=admin, name="Hệ thống Sở Tư pháp", operations=["catalogue:write"],
                                     units=[OrgUnit.objects.get(code="H56.02")], by=admin)  # fmt: skip
    _key, own_unit = apikey_create(owner=admin, name="Hệ thống Sở NN&MT", operations=["catalogue:write"],
                                   units=[OrgUnit.objects.get(code="H56.19")], by=admin)  # fmt: skip
    _key, no_scope = apikey_create(owner=admin, name="Đọc", operations=["catalogue:read"], by=admin)

    def key(raw):
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    assert_error(client.get(BASE, **key(no_scope)), 403, "api_key_scope")
    assert client.get(BASE, **key(other_unit)).json()["count"] == 0
    assert_error(client.get(f"{BASE}/{CODE}", **key(other_unit)), 404, "procedure_not_found")
    assert_error(send(client, "POST", f"/{CODE}/publish", **key(other_unit)), 404, "procedure_not_found")
    content = client.get(f"{BASE}/{CODE}", **key(own_unit)).json()["content"]
    assert client.get(BASE, **key(own_unit)).json()["count"] == 1
    moved = editable(content, agency="H56.02")
    assert_error(send(client, "PUT", f"/{CODE}", moved, **key(own_unit)), 403, "api_key_scope")
    assert Procedure.objects.get(code=CODE).agency.code == "H56.19"
    changed = send(client, "PUT", f"/{CODE}", editable(content, name="Tên qua khóa API"), **key(own_unit))
    assert changed.status_code == 200, changed.content
    assert AuditEvent.objects.filter(action="catalogue.procedure_updated", actor=admin).count() == 1


def test_an_agency_administrator_membership_is_what_counts(client, who, version):
    """A staff account becomes an editor of H56.19's procedures with an agency-admin membership there."""
    import datetime as dt

    user = who["specialist"]
    Membership.objects.create(user=user, org_unit=OrgUnit.objects.get(code="H56.19"), role=Role.AGENCY_ADMIN,
                              valid_from=dt.date(2025, 7, 1))  # fmt: skip
    as_(client, user)
    assert client.get(f"{BASE}/{CODE}").json()["can_edit"] is True
