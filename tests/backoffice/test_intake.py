"""Counter intake /can-bo/tiep-nhan/: pick the procedure, enter the applicant, tick, scan, receive."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from motcua.dossiers.models import ComponentOrigin, Dossier, DossierEvent
from motcua.dossiers.status import DossierStatus
from motcua.org.models import OrgUnit

from .conftest import html_file, pdf_file, vn

pytestmark = pytest.mark.django_db
INTAKE = reverse("backoffice:counter_intake")


@pytest.fixture
def officer(login, people, version, clock):
    clock(vn(2026, 3, 2, 8, 0))
    return login(people["officer"])


def form(**overrides):
    data = {
        "point": OrgUnit.objects.get(code="H56.40").pk,
        "procedure": "1.009999",
        "channel": "counter",
        "kind": "citizen",
        "name": "Trịnh Văn An",
        "personal_id": "038090012345",
        "phone": "0912 000 111",
        "email": "",
        "address": "12 Lê Lợi, phường Hạc Thành",
        "provided": ["1", "2"],
        "note": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_search_then_pick_the_procedure(officer):
    html = officer.get(INTAKE, {"q": "khai thac nuoc"}).content.decode()
    assert "Cấp giấy phép khai thác nước dưới đất (thử nghiệm)" in html
    assert "procedure=1.009999" in html
    html = officer.get(INTAKE, {"procedure": "1.009999"}).content.decode()
    assert 'name="provided"' in html and "Sơ đồ khu vực khai thác" in html
    assert "Tiếp nhận và cấp giấy hẹn" in html
    response = officer.get(INTAKE, {"procedure": "9.999999"})
    assert response.status_code == 200
    assert "Không tìm thấy thủ tục đã công bố có mã 9.999999." in response.content.decode()


def test_counter_intake_receives_the_dossier_with_a_code_and_an_appointment(officer):
    response = officer.post(INTAKE, form())
    assert response.status_code == 302
    d = Dossier.objects.get()
    assert response["Location"] == reverse("backoffice:dossier_detail", args=[d.pk])
    assert d.status == DossierStatus.RECEIVED and d.code == "H56.40-260302-0001"
    assert d.channel == "counter" and d.applicant_phone == "+84912000111"
    assert d.due_at == vn(2026, 3, 9, 17, 0)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Đã tiếp nhận hồ sơ H56.40-260302-0001. Hẹn trả kết quả: 17:00 ngày 09/03/2026."
    ]
    assert set(d.components.filter(checked=True).values_list("position", flat=True)) == {1, 2}
    assert officer.get(response["Location"]).status_code == 200


def test_a_business_applies_by_post_with_scans(officer):
    response = officer.post(
        INTAKE,
        form(kind="business", name="Công ty TNHH Lam Sơn", personal_id="", tax_code="2801234564", channel="postal",
             scan_1=pdf_file("don.pdf", pages=3), pages_1="3"),
    )  # fmt: skip
    assert response.status_code == 302, response.context["form"].errors
    d = Dossier.objects.get()
    assert (d.applicant_kind, d.applicant_tax_code, d.channel) == ("business", "2801234564", "postal")
    scanned = d.components.get(position=1)
    assert scanned.digitised and scanned.page_count == 3 and scanned.origin == ComponentOrigin.COUNTER_SCAN
    assert d.components.get(position=2).origin == ComponentOrigin.PAPER


@pytest.mark.parametrize(
    ("overrides", "message", "status"),
    [
        ({"personal_id": "123"}, "", 400),  # the validator's own message, next to the field
        ({"personal_id": ""}, "Công dân cần có số định danh cá nhân.", 400),
        ({"kind": "business", "personal_id": ""}, "Tổ chức, doanh nghiệp cần có mã số thuế.", 400),
        ({"name": ""}, "Vui lòng nhập thông tin này.", 400),
        ({"email": "not-an-email"}, "Địa chỉ email không hợp lệ.", 400),
        ({"provided": ["1"]}, "Chưa đủ giấy tờ bắt buộc để tiếp nhận: Sơ đồ khu vực khai thác", 422),
        ({"scan_1": "html", "pages_1": "1"}, "", 422),  # a scan refused by content: no dossier either
    ],
)
def test_bad_input_re_renders_with_the_message_and_saves_nothing(officer, overrides, message, status):
    if overrides.get("scan_1") == "html":
        overrides["scan_1"] = html_file()
    events = DossierEvent.objects.count()
    response = officer.post(INTAKE, form(**overrides))
    assert response.status_code == status
    html = response.content.decode()
    assert message in html
    assert 'class="notice notice-error"' in html or 'class="error"' in html
    assert 'value="Trịnh Văn An"' in html or overrides.get("name") == ""  # what was typed stays
    assert Dossier.objects.count() == 0 and DossierEvent.objects.count() == events


def test_staff_without_a_counter_gets_403(login, people, version):
    assert login(people["specialist"]).get(INTAKE).status_code == 403
    assert login(people["tax"]).post(INTAKE, form()).status_code == 403
    assert Dossier.objects.count() == 0


def test_an_officer_at_a_commune_may_receive_a_provincial_procedure(login, people, version, clock):
    clock(vn(2026, 3, 2, 8, 0))
    commune = people["commune_officer"].memberships.get().org_unit
    response = login(people["commune_officer"]).post(INTAKE, form(point=commune.pk))
    assert response.status_code == 302
    d = Dossier.objects.get()
    assert d.receiving_point == commune and d.resolving_unit.code == "H56.19"
    # The officer may not pick a point that is not theirs.
    response = login(people["commune_officer"]).post(
        INTAKE, form(point=OrgUnit.objects.get(code="H56.40").pk)
    )
    assert response.status_code == 400
    assert Dossier.objects.count() == 1


def test_a_commune_procedure_asks_for_the_applicants_commune(login, people, demo, clock):
    from motcua.catalogue.services.procedures import procedure_create, procedure_publish
    from motcua.catalogue.spec import parse_procedure

    from .conftest import procedure_data

    data = procedure_data(
        code="1.008888", level="commune", agency="commune", resolving_unit="applicant_commune"
    )
    data["process"]["steps"][2].update(unit="resolving", inter_agency=False)
    spec = parse_procedure(data).spec
    procedure_publish(actor=None, procedure=procedure_create(actor=None, spec=spec, create_sectors=True))
    clock(vn(2026, 3, 2, 8, 0))
    officer = login(people["officer"])
    html = officer.get(INTAKE, {"procedure": "1.008888"}).content.decode()
    assert 'name="commune"' in html and "Hạc Thành" in html
    response = officer.post(INTAKE, form(procedure="1.008888"))
    assert response.status_code == 400 and "Vui lòng chọn một mục." in response.content.decode()
    commune = OrgUnit.objects.filter(kind="commune", name__icontains="Hạc Thành").get()
    response = officer.post(INTAKE, form(procedure="1.008888", commune=commune.pk))
    assert response.status_code == 302
    d = Dossier.objects.get()
    assert (
        d.resolving_unit == commune and d.applicant_commune == commune and d.receiving_point.code == "H56.40"
    )
