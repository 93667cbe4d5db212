"""The public catalogue pages and the back office, through the Django test client."""

import json

import pytest
from django.urls import NoReverseMatch, reverse

from motcua.catalogue.models import Procedure, ProcedureVersion, Review
from motcua.core.models import AuditEvent

from .data import procedure_data, provincial_data


@pytest.fixture
def published(make_procedure):
    khai_sinh = make_procedure(procedure_data(), publish=True)
    permit = make_procedure(provincial_data(), publish=True)
    return {"khai_sinh": khai_sinh, "permit": permit}


def test_the_catalogue_page_lists_sectors_with_counts(client, published):
    response = client.get(reverse("procedure_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thủ tục hành chính" in html and "Đăng ký khai sinh" in html and "Cấp giấy phép môi trường" in html
    assert "Hộ tịch" in html and "Môi trường" in html
    assert response.context["page"].count == 2
    assert {s["code"]: s["count"] for s in response.context["sectors"]} == {"HO_TICH": 1, "MOI_TRUONG": 1}
    assert '<html lang="vi">' in html


def test_search_and_filters_on_the_page(client, published):
    response = client.get(reverse("procedure_list"), {"q": "khai sih"})
    assert [v.code for v in response.context["page"].items] == ["1.001193"]
    assert "gần đúng" in response.content.decode()
    response = client.get(reverse("procedure_list"), {"sector": "MOI_TRUONG", "level": "province"})
    assert [v.code for v in response.context["page"].items] == ["1.004616"]
    # A bad filter value is dropped, not an error.
    response = client.get(reverse("procedure_list"), {"level": "huyen", "page": "x"})
    assert response.status_code == 200 and response.context["page"].count == 2


def test_the_empty_state(client, published):
    response = client.get(reverse("procedure_list"), {"q": "zzzz qqqq"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Không tìm thấy thủ tục" in html and "Xem tất cả thủ tục" in html


def test_pagination_links_keep_the_filters(client, make_procedure):
    for i in range(22):
        make_procedure(provincial_data(code=f"1.1000{i:02d}", name=f"Cấp phép số {i:02d}"), publish=True)
    response = client.get(reverse("procedure_list"), {"sector": "MOI_TRUONG"})
    page = response.context["page"]
    assert (page.count, page.num_pages) == (22, 2)
    assert "sector=MOI_TRUONG&amp;page=2" in response.content.decode()
    second = client.get(reverse("procedure_list"), {"sector": "MOI_TRUONG", "page": 2})
    assert len(second.context["page"].items) == 2


def test_the_procedure_page_has_what_a_citizen_needs(client, published):
    response = client.get(reverse("procedure_detail", args=["1.004616"]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "Cấp giấy phép môi trường",
        "15 ngày làm việc",
        "1.000.000 đồng",
        "Tờ khai đăng ký khai sinh theo mẫu",
        "TK_KHAI_SINH",
        "Nộp tại bất kỳ điểm tiếp nhận một cửa nào của tỉnh (3 điểm)",
        "Trung tâm Phục vụ hành chính công tỉnh",
        "Dịch vụ công trực tuyến một phần",
        "Luật Hộ tịch số 60/2014/QH13",
        "có hiệu lực từ 01/01/2016",
        "Sở Nông nghiệp và Môi trường",
        "Nộp hồ sơ trực tuyến",
        "Phiên bản 1",
        "Quyết định số 1234/QĐ-UBND",
        "Dữ liệu minh họa",
    ]:
        assert text in html, text
    # The button leads to the dossier app's online application once it exists, else to the login page.
    try:
        target = reverse("dossier_apply", args=["1.004616"])
    except NoReverseMatch:
        target = f"{reverse('accounts:login')}?next=/thu-tuc/1.004616/"
    assert f'href="{target}">Nộp hồ sơ trực tuyến' in html


def test_free_procedures_and_the_cutoff_rule(client, published):
    html = client.get(reverse("procedure_detail", args=["1.001193"])).content.decode()
    assert "Không thu phí, lệ phí." in html and "01 ngày làm việc" in html
    assert "Hồ sơ nhận sau 15 giờ 00 được tính là nhận vào ngày làm việc tiếp theo." in html
    assert "Ủy ban nhân dân cấp xã" in html and "Dịch vụ công trực tuyến toàn trình" in html


def test_no_online_button_when_not_online(client, make_procedure):
    make_procedure(provincial_data(online_level="none"), publish=True)
    html = client.get(reverse("procedure_detail", args=["1.004616"])).content.decode()
    assert "Nộp hồ sơ trực tuyến" not in html and "Chưa cung cấp trực tuyến" in html


def test_unknown_and_unpublished_procedures_are_404(client, make_procedure):
    make_procedure()
    assert client.get(reverse("procedure_detail", args=["1.001193"])).status_code == 404
    assert client.get(reverse("procedure_detail", args=["9.999999"])).status_code == 404


# ---- back office --------------------------------------------------------------------------------


def test_the_back_office_needs_a_staff_login(client, published, staff):
    url = reverse("backoffice:catalogue_list")
    assert client.get(url).status_code == 302
    client.force_login(staff["citizen"])
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    "role", ["one_stop_officer", "specialist", "division_head", "agency_leader", "auditor"]
)
def test_staff_read_but_only_administrators_edit(client, published, staff, role):
    client.force_login(staff[role])
    assert client.get(reverse("backoffice:catalogue_list")).status_code == 200
    detail = client.get(reverse("backoffice:procedure_detail", args=["1.004616"]))
    assert detail.status_code == 200 and "Sửa bản nháp" not in detail.content.decode()
    assert client.get(reverse("backoffice:procedure_edit", args=["1.004616"])).status_code == 403
    assert client.get(reverse("backoffice:procedure_new")).status_code == 403
    assert client.post(reverse("backoffice:procedure_publish", args=["1.004616"])).status_code == 403
    assert client.post(reverse("backoffice:procedure_review", args=["1.004616"])).status_code == 403
    assert client.get(reverse("backoffice:procedure_diff", args=["1.004616"])).status_code == 200


def test_an_agency_administrator_edits_only_their_agency(client, published, staff):
    client.force_login(staff["agency_admin"])  # at H56.19
    assert client.get(reverse("backoffice:procedure_edit", args=["1.004616"])).status_code == 200
    assert (
        client.get(reverse("backoffice:procedure_edit", args=["1.001193"])).status_code == 403
    )  # commune level
    client.force_login(staff["province_admin"])
    assert client.get(reverse("backoffice:procedure_edit", args=["1.001193"])).status_code == 200


def form_data(client, code):
    response = client.get(reverse("backoffice:procedure_edit", args=[code]))
    form = response.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or value is False:
            continue
        data[name] = value
    return data


def test_editing_a_draft_then_publishing_it(client, published, staff):
    client.force_login(staff["agency_admin"])
    data = form_data(client, "1.004616")
    data["name"] = "Cấp giấy phép môi trường (sửa đổi)"
    data["time_limit_amount"] = "20"
    fees = json.loads(data["fees"])
    fees[0]["amount"] = 1500000
    data["fees"] = json.dumps(fees, ensure_ascii=False)
    response = client.post(reverse("backoffice:procedure_edit", args=["1.004616"]), data)
    assert response.status_code == 302, response.context["form"].errors
    procedure = Procedure.objects.get(code="1.004616")
    assert (procedure.name, procedure.draft_revision) == ("Cấp giấy phép môi trường (sửa đổi)", 2)
    assert ProcedureVersion.objects.get(procedure=procedure).name == "Cấp giấy phép môi trường"

    detail = client.get(reverse("backoffice:procedure_detail", args=["1.004616"])).content.decode()
    assert (
        "Thay đổi chưa công bố" in detail and "1.500.000 đồng" in detail and "Công bố phiên bản mới" in detail
    )
    diff = client.get(reverse("backoffice:procedure_diff", args=["1.004616"]))
    assert diff.context["target"] == "draft" and not diff.context["diff"].empty

    response = client.post(reverse("backoffice:procedure_publish", args=["1.004616"]), {"note": "Sửa phí"})
    assert response.status_code == 302
    assert list(ProcedureVersion.objects.filter(procedure=procedure).values_list("number", flat=True)) == [
        2,
        1,
    ]
    public = client.get(reverse("procedure_detail", args=["1.004616"])).content.decode()
    assert "1.500.000 đồng" in public and "20 ngày làm việc" in public
    diff = client.get(reverse("backoffice:procedure_diff", args=["1.004616"]), {"from": 1, "to": 2})
    labels = [c.label for c in diff.context["diff"].fields]
    assert labels == ["Tên thủ tục", "Thời hạn giải quyết"]


def test_bad_edits_show_clear_errors_and_change_nothing(client, published, staff):
    client.force_login(staff["province_admin"])
    data = form_data(client, "1.004616")
    data["fees"] = '[{"name": "Phí", "amount": -5}]'
    data["components"] = "[{name: thiếu ngoặc kép}]"
    data["time_limit_amount"] = "0"
    response = client.post(reverse("backoffice:procedure_edit", args=["1.004616"]), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Không phải JSON hợp lệ" in errors["components"][0]
    data["components"] = "[]"
    response = client.post(reverse("backoffice:procedure_edit", args=["1.004616"]), data)
    errors = response.context["form"].errors
    assert errors["fees"] == ["fees[0].amount: Mức phí, lệ phí không được âm (nhận được -5)."]
    assert errors["time_limit_amount"] == ["Thời hạn giải quyết phải lớn hơn 0 (nhận được 0)."]
    assert Procedure.objects.get(code="1.004616").draft_revision == 1


def test_a_stale_form_is_refused(client, published, staff):
    client.force_login(staff["province_admin"])
    data = form_data(client, "1.004616")
    first = dict(data, name="Tên thứ nhất")
    assert client.post(reverse("backoffice:procedure_edit", args=["1.004616"]), first).status_code == 302
    second = dict(data, name="Tên thứ hai")
    response = client.post(reverse("backoffice:procedure_edit", args=["1.004616"]), second)
    assert "đã được người khác sửa" in str(response.context["form"].non_field_errors())
    assert Procedure.objects.get(code="1.004616").name == "Tên thứ nhất"


def test_creating_a_procedure_and_a_publish_refused_by_the_lint(client, org, staff):
    client.force_login(staff["agency_admin"])
    response = client.get(reverse("backoffice:procedure_new"))
    data = {k: v for k, v in response.context["form"].initial.items() if v not in (None, False)}
    data.update(code="1.012345", name="Thủ tục thử", sector="MOI_TRUONG", agency="H56.19", time_limit_amount="5",
                result_name="Văn bản chấp thuận")  # fmt: skip
    response = client.post(reverse("backoffice:procedure_new"), data)
    assert response.status_code == 302, response.context["form"].errors
    detail = client.get(reverse("backoffice:procedure_detail", args=["1.012345"])).content.decode()
    assert "không có đường tới kết thúc quy trình" in detail  # the template's one step has no action
    response = client.post(reverse("backoffice:procedure_publish", args=["1.012345"]), follow=True)
    assert "Chưa thể công bố" in response.content.decode()
    assert ProcedureVersion.objects.count() == 0


def test_recording_a_review(client, published, staff):
    client.force_login(staff["agency_admin"])
    response = client.post(
        reverse("backoffice:procedure_review", args=["1.004616"]),
        {
            "reviewed_on": "2025-09-10",
            "reviewed_by": "Sở Tư pháp",
            "simplification_proposed": "on",
            "note": "Rút gọn",
        },
    )
    assert response.status_code == 302
    review = Review.objects.get()
    assert review.simplification_proposed and review.recorded_by == staff["agency_admin"]
    assert AuditEvent.objects.filter(action="catalogue.procedure_reviewed").exists()


def test_the_draft_list_filters(client, published, make_procedure, staff):
    make_procedure(provincial_data(code="1.000777", name="Thủ tục chưa công bố"))
    client.force_login(staff["specialist"])
    response = client.get(reverse("backoffice:catalogue_list"), {"state": "unpublished"})
    assert [p.code for p in response.context["page"].object_list] == ["1.000777"]
    response = client.get(reverse("backoffice:catalogue_list"), {"q": "khai sinh"})
    assert [p.code for p in response.context["page"].object_list] == ["1.001193"]


def test_catalogue_pages_queries_do_not_grow_with_the_procedures(
    client, make_procedure, django_assert_max_num_queries
):
    """Home, the list, a search with and without diacritics and a procedure's page: a fixed number of queries
    whatever the catalogue holds (benchmarks/load)."""
    make_procedure(procedure_data(), publish=True)
    pages = [reverse("home"), reverse("procedure_list"), f"{reverse('procedure_list')}?q=khai+sinh",
             f"{reverse('procedure_list')}?q=đăng+ký", reverse("procedure_detail", args=["1.001193"])]  # fmt: skip

    def queries():
        counts = []
        for url in pages:
            with django_assert_max_num_queries(8) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured.captured_queries))
        return counts

    queries()  # warm the caches
    few = queries()
    make_procedure(provincial_data(), publish=True)
    assert queries() == few
