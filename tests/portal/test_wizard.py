"""The online application wizard through the test client: draft → uploads → review → submit → confirmation."""

import re

import pytest
from django.urls import reverse

from motcua.dossiers.models import Dossier, DossierComponent, DossierEvent
from motcua.dossiers.status import DossierStatus
from motcua.org.models import OrgUnit

from .conftest import html_as_pdf, media_files, pdf_file, png_file, vn

pytestmark = pytest.mark.django_db

XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def start_url(code="1.009999"):
    return reverse("dossier_apply", args=[code])


def create_draft(
    client, *, point="H56.40", address="12 Lê Lợi, phường Hạc Thành", text="Đề nghị cấp giấy phép"
):
    response = client.post(
        reverse("dossier_apply_details", args=["1.009999"]),
        {"receiving_point": point, "address": address, "request_text": text},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Dossier.objects.get(pk=int(re.search(r"/ho-so-cua-toi/(\d+)/giay-to/", response.url).group(1)))


def upload(client, dossier, component, file, **extra):
    return client.post(
        reverse("dossier_component_upload", args=[dossier.pk]),
        {"component": component.pk, "file": file},
        **extra,
    )


def test_procedure_page_button_points_at_the_wizard(client, version):
    html = client.get(reverse("procedure_detail", args=["1.009999"])).content.decode()
    assert f'href="{start_url()}"' in html
    assert "Nộp hồ sơ trực tuyến" in html


def test_the_wizard_needs_a_login(client, version):
    response = client.get(start_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_staff_cannot_apply_online(client, people, version):
    client.force_login(people["officer"])
    html = client.get(start_url()).content.decode()
    assert "Tài khoản cán bộ không dùng để nộp hồ sơ trực tuyến" in html
    assert 'name="receiving_point"' not in html


def test_unknown_procedure_is_404(client, people, version):
    client.force_login(people["citizen"])
    assert client.get(start_url("9.999999")).status_code == 404


def test_full_wizard_from_draft_to_confirmation(client, people, version, clock):
    clock(vn(2026, 3, 2, 9, 0))
    client.force_login(people["citizen"])

    # Step 1: the provincial centre is the default receiving point of a provincial procedure.
    html = client.get(start_url()).content.decode()
    assert re.search(r'<option value="H56.40" selected>', html)
    assert "Bước 1" in html
    response = client.get(start_url(), {"receiving_point": "H56.40"})
    assert response.status_code == 302
    assert response.url == reverse("dossier_apply_details", args=["1.009999"]) + "?receiving_point=H56.40"

    # Step 2: nothing is stored until the details are saved; bad input shows the error and stores nothing.
    details = client.get(response.url).content.decode()
    assert "Trung tâm Phục vụ hành chính công" in details and 'name="request_text"' in details
    bad = client.post(reverse("dossier_apply_details", args=["1.009999"]), {"receiving_point": "H56.40"})
    assert bad.status_code == 200
    assert "Vui lòng sửa các lỗi" in bad.content.decode()
    assert Dossier.objects.count() == 0
    dossier = create_draft(client)
    assert dossier.status == DossierStatus.DRAFT and dossier.code is None
    assert dossier.form_data == {"noi_dung_de_nghi": "Đề nghị cấp giấy phép"}
    assert dossier.applicant_address == "12 Lê Lợi, phường Hạc Thành"
    assert dossier.receiving_point.code == "H56.40" and dossier.resolving_unit.code == "H56.19"

    # Step 3: one upload per component, with size and pages shown; a progress bar for JS users.
    page = client.get(reverse("dossier_draft_components", args=[dossier.pk])).content.decode()
    assert page.count("data-upload") >= 3 and "<progress" in page and 'enctype="multipart/form-data"' in page
    first, second, _optional = dossier.components.order_by("position")
    response = upload(client, dossier, first, pdf_file(pages=3))
    assert response.status_code == 302
    assert response.url.endswith(f"/giay-to/#giay-to-{first.pk}")
    response = upload(client, dossier, second, png_file(), **XHR)
    assert response.status_code == 200 and response["X-Motcua-Fragment"] == "component"
    fragment = response.content.decode()
    assert (
        fragment.lstrip().startswith("<li")
        and "so-do.png" in fragment
        and "Đã tải lên thành công" in fragment
    )
    page = client.get(reverse("dossier_draft_components", args=[dossier.pk])).content.decode()
    assert "don-de-nghi.pdf" in page and "3 trang" in page and "Thay bằng tệp khác" in page

    # Step 4: review everything; the declaration is required.
    review = client.get(reverse("dossier_draft_review", args=[dossier.pk])).content.decode()
    for text in (
        "Lê Thị Hoa",
        "038195001234",
        "12 Lê Lợi",
        "Đề nghị cấp giấy phép",
        "don-de-nghi.pdf",
        "05 ngày làm việc",
    ):
        assert text in review, text
    refused = client.post(reverse("dossier_draft_review", args=[dossier.pk]), {"version": 0})
    assert "Bạn cần đánh dấu lời cam đoan" in refused.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.DRAFT
    response = client.post(
        reverse("dossier_draft_review", args=[dossier.pk]), {"version": 0, "declaration": "on"}
    )
    assert response.status_code == 302 and response.url == reverse("dossier_confirmation", args=[dossier.pk])

    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.AWAITING_INTAKE
    assert dossier.code == "H56.40-260302-0001"
    confirmation = client.get(response.url).content.decode()
    assert '<p class="dos-code" aria-labelledby="ma-ho-so-nhan">H56.40-260302-0001</p>' in confirmation
    assert "Nộp hồ sơ thành công" in confirmation
    assert "Trung tâm Phục vụ hành chính công" in confirmation
    assert "Điều gì xảy ra tiếp theo?" in confirmation
    assert "/tra-cuu-ho-so/?ma=H56.40-260302-0001" in confirmation
    assert reverse("my_dossier", args=[dossier.pk]) in confirmation
    # The draft pages now send the applicant to the dossier's page.
    assert client.get(reverse("dossier_draft_components", args=[dossier.pk])).url == reverse(
        "my_dossier", args=[dossier.pk]
    )


def test_submit_with_a_missing_required_component_says_which(client, people, version, clock):
    clock(vn(2026, 3, 2, 9, 0))
    client.force_login(people["citizen"])
    dossier = create_draft(client)
    upload(client, dossier, dossier.components.get(position=1), pdf_file())
    review = client.get(reverse("dossier_draft_review", args=[dossier.pk])).content.decode()
    assert "Chưa thể nộp hồ sơ" in review and "Sơ đồ khu vực khai thác" in review
    response = client.post(
        reverse("dossier_draft_review", args=[dossier.pk]), {"version": 0, "declaration": "on"}
    )
    assert response.status_code == 200
    assert "Còn thiếu giấy tờ bắt buộc: Sơ đồ khu vực khai thác." in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT and dossier.code is None
    assert not DossierEvent.objects.filter(dossier=dossier).exists()


@pytest.mark.parametrize("xhr", [False, True], ids=["plain", "xhr"])
def test_a_pdf_that_is_really_html_is_refused_and_nothing_is_stored(
    client, people, version, clock, settings, xhr
):
    clock(vn(2026, 3, 2, 9, 0))
    client.force_login(people["citizen"])
    dossier = create_draft(client)
    component = dossier.components.get(position=1)
    response = upload(client, dossier, component, html_as_pdf(), **(XHR if xhr else {}))
    assert response.status_code == 422
    html = response.content.decode()
    assert "Nội dung tệp là HTML, không phải PDF, JPEG hoặc PNG" in html
    component.refresh_from_db()
    assert not component.file and component.sha256 == "" and component.size == 0
    assert media_files(settings) == []


def test_an_oversize_file_is_refused_and_nothing_is_stored(
    client, people, version, clock, settings, monkeypatch
):
    from motcua.dossiers.services import components

    monkeypatch.setattr(components, "MAX_BYTES", 1024 * 1024)
    clock(vn(2026, 3, 2, 9, 0))
    client.force_login(people["citizen"])
    dossier = create_draft(client)
    component = dossier.components.get(position=1)
    big = pdf_file()
    big.file.write(b"\n%" + b"x" * (1024 * 1024 + 10))
    big.size = big.file.tell()
    big.file.seek(0)
    response = upload(client, dossier, component, big)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Tệp quá lớn" in html and "tối đa cho phép là 1 MB" in html
    assert "Tệp vừa chọn chưa được lưu" in html
    component.refresh_from_db()
    assert not component.file
    assert media_files(settings) == []


def test_upload_without_a_file_asks_for_one(client, people, version, clock):
    clock(vn(2026, 3, 2, 9, 0))
    client.force_login(people["citizen"])
    dossier = create_draft(client)
    component = dossier.components.get(position=1)
    response = client.post(
        reverse("dossier_component_upload", args=[dossier.pk]), {"component": component.pk}
    )
    assert response.status_code == 422
    assert "Hãy chọn một tệp PDF, JPEG hoặc PNG để tải lên." in response.content.decode()


def test_replacing_a_file_keeps_one_file_per_component(client, people, version, clock):
    clock(vn(2026, 3, 2, 9, 0))
    client.force_login(people["citizen"])
    dossier = create_draft(client)
    component = dossier.components.get(position=1)
    upload(client, dossier, component, pdf_file("ban-dau.pdf"))
    upload(client, dossier, component, pdf_file("ban-moi.pdf", pages=2))
    component.refresh_from_db()
    assert component.original_name == "ban-moi.pdf" and component.page_count == 2
    assert DossierComponent.objects.filter(dossier=dossier).count() == 3


def test_a_draft_is_resumed_from_my_dossiers(client, people, version, clock):
    clock(vn(2026, 3, 2, 9, 0))
    client.force_login(people["citizen"])
    dossier = create_draft(client)
    listing = client.get(reverse("my_dossiers")).content.decode()
    assert "Bản nháp — chưa có mã" in listing and "Tiếp tục nộp" in listing
    response = client.get(reverse("my_dossier", args=[dossier.pk]))
    assert response.status_code == 302 and response.url == reverse(
        "dossier_draft_components", args=[dossier.pk]
    )
    # Editing the details of the saved draft goes through dossier_update_draft.
    response = client.post(
        reverse("dossier_draft_details", args=[dossier.pk]),
        {"address": "Số 5 Trần Phú", "request_text": "Mới"},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.applicant_address == "Số 5 Trần Phú" and dossier.form_data["noi_dung_de_nghi"] == "Mới"


def test_another_users_draft_pages_are_404(client, people, version, clock):
    clock(vn(2026, 3, 2, 9, 0))
    client.force_login(people["citizen"])
    dossier = create_draft(client)
    client.force_login(people["citizen2"])
    for name in (
        "dossier_draft_details",
        "dossier_draft_components",
        "dossier_draft_review",
        "dossier_confirmation",
    ):
        assert client.get(reverse(name, args=[dossier.pk])).status_code == 404, name
    component = dossier.components.get(position=1)
    assert upload(client, dossier, component, pdf_file()).status_code == 404
    component.refresh_from_db()
    assert not component.file


def test_commune_procedure_asks_for_the_commune_and_defaults_the_receiving_point_to_it(
    client, people, commune_version, clock
):
    clock(vn(2026, 3, 2, 9, 0))
    client.force_login(people["citizen"])
    url = start_url("1.008888")
    html = client.get(url).content.decode()
    assert 'name="commune"' in html and "Bộ phận một cửa của xã, phường nơi tôi cư trú" in html
    # Without the commune the form says so and stores nothing.
    response = client.get(url, {"receiving_point": "", "commune": ""})
    assert response.status_code == 200 and "This field is required" not in response.content.decode()
    assert "field-error" in response.content.decode()
    commune = OrgUnit.objects.filter(kind="commune", name__icontains="Hạc Thành").get()
    response = client.get(url, {"receiving_point": "", "commune": commune.code})
    assert response.status_code == 302
    response = client.post(
        reverse("dossier_apply_details", args=["1.008888"]),
        {
            "receiving_point": "",
            "commune": commune.code,
            "address": "Phố Hạc Thành",
            "request_text": "Xin cấp phép",
        },
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.receiving_point == commune and dossier.applicant_commune == commune
    assert dossier.resolving_unit == commune
