"""Create, update, publish and review through the services: versions freeze, problems change nothing."""

import dataclasses
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from motcua.catalogue.errors import NothingToPublish, PublishRefused, SpecError, StaleDraft
from motcua.catalogue.models import CatalogueEntry, Procedure, ProcedureVersion, Review, Sector
from motcua.catalogue.records import procedures_with_parts, spec_from_procedure
from motcua.catalogue.selectors import (
    has_unpublished_changes,
    procedure_get_published,
    procedure_lint_problems,
    procedure_receiving_points,
    procedure_resolving_unit,
    version_spec,
)
from motcua.catalogue.services import (
    procedure_create,
    procedure_publish,
    procedure_review_record,
    procedure_update,
)
from motcua.catalogue.spec import spec_from_dict, spec_to_dict
from motcua.core.models import AuditEvent
from motcua.org.models import OrgUnit

from .data import procedure_data, provincial_data


def actions():
    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))


def test_create_stores_the_whole_draft(make_procedure, staff):
    procedure = make_procedure(actor=staff["province_admin"])
    stored = spec_from_procedure(procedures_with_parts().get(pk=procedure.pk))
    assert stored == spec_from_dict(procedure_data())
    assert procedure.draft_revision == 1 and procedure.current_version is None
    assert "khai sinh" in procedure.search_text and "ho tich" in procedure.search_text
    event = AuditEvent.objects.get(action="catalogue.procedure_created")
    assert event.actor == staff["province_admin"] and event.data["code"] == "1.001193"


def test_publish_freezes_a_version_and_later_edits_do_not_change_it(make_procedure, staff):
    admin = staff["province_admin"]
    procedure = make_procedure(actor=admin)
    version = procedure_publish(actor=admin, procedure=procedure, note="Lần đầu")
    procedure.refresh_from_db()
    assert (version.number, version.draft_revision, version.published_by) == (1, 1, admin)
    assert procedure.current_version == version and not has_unpublished_changes(procedure)
    assert version.snapshot == spec_to_dict(spec_from_dict(procedure_data()), include_reviews=False)
    assert (version.time_limit_amount, version.time_limit_unit, version.online_level) == (
        1,
        "working_days",
        "full",
    )
    assert version.parts_complete and not version.has_fees
    snapshot_before = dict(version.snapshot)

    changed = procedure_data(name="Đăng ký khai sinh (sửa)", time_limit={"amount": 2, "unit": "working_days"})
    procedure_update(actor=admin, procedure=procedure, spec=spec_from_dict(changed))
    procedure.refresh_from_db()
    assert procedure.draft_revision == 2 and has_unpublished_changes(procedure)
    frozen = ProcedureVersion.objects.get(pk=version.pk)
    assert frozen.snapshot == snapshot_before and frozen.name == "Đăng ký khai sinh"
    public = procedure_get_published(code="1.001193")
    assert public.number == 1 and version_spec(public).time_limit.amount == 1

    second = procedure_publish(actor=admin, procedure=procedure)
    assert second.number == 2 and second.name == "Đăng ký khai sinh (sửa)"
    assert procedure_get_published(code="1.001193") == second
    assert ProcedureVersion.objects.get(pk=version.pk).snapshot == snapshot_before
    assert actions().count("catalogue.procedure_published") == 2


def test_publishing_an_unchanged_draft_is_refused(make_procedure):
    procedure = make_procedure(publish=True)
    with pytest.raises(NothingToPublish):
        procedure_publish(actor=None, procedure=procedure)
    assert ProcedureVersion.objects.count() == 1


def test_a_process_failing_the_lint_is_not_published_and_nothing_is_written(make_procedure):
    process = procedure_data()["process"]
    process["steps"][2]["role"] = ""
    process["actions"] = process["actions"][:2]  # KY no longer reaches END
    procedure = make_procedure(procedure_data(process=process))
    before = actions()
    with pytest.raises(PublishRefused) as excinfo:
        procedure_publish(actor=None, procedure=procedure)
    found = {(p.code, p.step) for p in excinfo.value.problems}
    assert found >= {
        ("step_no_role", "KY"),
        ("step_no_end", "KY"),
        ("step_no_end", "XL"),
        ("step_no_end", "TN"),
    }
    assert excinfo.value.code == "procedure_lint_failed"
    assert ProcedureVersion.objects.count() == 0 and actions() == before
    procedure.refresh_from_db()
    assert procedure.current_version is None
    assert procedure_lint_problems(procedure=procedures_with_parts().get(pk=procedure.pk))


def test_an_update_equal_to_the_draft_changes_nothing(make_procedure):
    procedure = make_procedure()
    before = actions()
    procedure_update(actor=None, procedure=procedure, spec=spec_from_dict(procedure_data()))
    procedure.refresh_from_db()
    assert procedure.draft_revision == 1 and actions() == before


def test_update_refuses_a_new_code_a_stale_revision_and_unknown_references(make_procedure, org):
    procedure = make_procedure()
    with pytest.raises(SpecError) as excinfo:
        procedure_update(
            actor=None, procedure=procedure, spec=spec_from_dict(procedure_data(code="1.000001"))
        )
    assert excinfo.value.problems[0].code == "procedure_code_immutable"
    procedure_update(actor=None, procedure=procedure, spec=spec_from_dict(procedure_data(name="Tên mới")))
    with pytest.raises(StaleDraft):
        procedure_update(
            actor=None,
            procedure=procedure,
            spec=spec_from_dict(procedure_data(name="Tên khác")),
            expected_revision=1,
        )
    bad = procedure_data(sector={"code": "KHONG_CO"}, receiving_points=["H56.02"])
    bad["process"]["steps"][1]["unit"] = "H56.77"
    with pytest.raises(SpecError) as excinfo:
        procedure_update(actor=None, procedure=procedure, spec=spec_from_dict(bad))
    assert {p.code for p in excinfo.value.problems} == {"sector_unknown", "unit_not_one_stop", "unit_unknown"}
    procedure.refresh_from_db()
    assert procedure.name == "Tên mới" and procedure.draft_revision == 2


def test_create_refuses_a_taken_code_and_a_retired_agency(make_procedure, org):
    make_procedure()
    with pytest.raises(SpecError) as excinfo:
        procedure_create(actor=None, spec=spec_from_dict(procedure_data()))
    assert excinfo.value.problems[0].code == "procedure_code_taken"
    with pytest.raises(SpecError) as excinfo:
        procedure_create(actor=None, spec=spec_from_dict(provincial_data(agency="H56.17")))
    problem = excinfo.value.problems[0]
    assert problem.code == "unit_not_current" and "H56.19" in problem.message  # names the successor
    assert Procedure.objects.count() == 1


def test_create_sectors_on_request(org):
    spec = spec_from_dict(provincial_data(sector={"code": "DUONG_SAT", "name": "Đường sắt"}))
    with pytest.raises(SpecError):
        procedure_create(actor=None, spec=spec)
    procedure = procedure_create(actor=None, spec=spec, create_sectors=True)
    assert procedure.sector == Sector.objects.get(code="DUONG_SAT", name="Đường sắt")


def test_receiving_points_and_resolving_unit(make_procedure, org):
    khai_sinh = make_procedure(publish=True)
    spec = version_spec(khai_sinh.current_version)
    assert [u.code for u in procedure_receiving_points(spec=spec)] == ["H56.101", "H56.122", "H56.40"]
    assert (
        procedure_resolving_unit(version=khai_sinh.current_version, applicant_commune=org["commune"])
        == org["commune"]
    )
    listed = make_procedure(provincial_data(receiving_points=["H56.40"]), publish=True)
    listed_spec = version_spec(listed.current_version)
    assert [u.code for u in procedure_receiving_points(spec=listed_spec)] == ["H56.40"]
    assert procedure_resolving_unit(version=listed.current_version) == org["agri"]
    OrgUnit.objects.filter(code="H56.122").update(valid_to=dt.date(2025, 6, 30))
    assert [u.code for u in procedure_receiving_points(spec=spec)] == ["H56.101", "H56.40"]


def test_reviews_are_recorded(make_procedure, staff):
    procedure = make_procedure()
    review = procedure_review_record(
        actor=staff["agency_admin"],
        procedure=procedure,
        reviewed_on=dt.date(2025, 9, 10),
        reviewed_by="Sở Tư pháp",
        simplification_proposed=True,
        note="Bỏ bản sao",
    )
    assert review.recorded_by == staff["agency_admin"] and Review.objects.count() == 1
    assert "catalogue.procedure_reviewed" in actions()
    with pytest.raises(SpecError):
        procedure_review_record(
            actor=None,
            procedure=procedure,
            reviewed_on=timezone.localdate() + dt.timedelta(days=1),
            reviewed_by=" ",
        )
    assert Review.objects.count() == 1


def test_imported_reviews_are_added_once(make_procedure):
    data = procedure_data(reviews=[{"reviewed_on": "2025-03-01", "reviewed_by": "Sở Tư pháp"}])
    procedure = make_procedure(data)
    procedure_update(actor=None, procedure=procedure, spec=spec_from_dict(data))
    assert Review.objects.count() == 1
    more = dataclasses.replace(
        spec_from_dict(data),
        reviews=(
            *spec_from_dict(data).reviews,
            *spec_from_dict(
                procedure_data(reviews=[{"reviewed_on": "2025-09-01", "reviewed_by": "UBND tỉnh"}])
            ).reviews,
        ),
    )
    procedure_update(actor=None, procedure=procedure, spec=more)
    procedure.refresh_from_db()
    assert Review.objects.count() == 2 and procedure.draft_revision == 1


def test_the_public_search_table_follows_publication_and_can_be_rebuilt(make_procedure):
    procedure = make_procedure(publish=True)
    entry = CatalogueEntry.objects.get()
    assert (entry.code, entry.number, entry.version_id) == ("1.001193", 1, procedure.current_version_id)
    procedure_update(
        actor=None, procedure=procedure, spec=spec_from_dict(procedure_data(name="Khai sinh mới"))
    )
    assert CatalogueEntry.objects.get().name == "Đăng ký khai sinh"  # drafts never reach the public table
    version = procedure_publish(actor=None, procedure=procedure)
    entry = CatalogueEntry.objects.get()
    assert (entry.name, entry.number, entry.version_id) == ("Khai sinh mới", 2, version.pk)
    CatalogueEntry.objects.all().delete()
    call_command("catalogue_reindex", stdout=io.StringIO())
    assert CatalogueEntry.objects.get().version_id == version.pk
