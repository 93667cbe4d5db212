"""“Hồ sơ của tôi”: only mine, the dossier page, the supplement flow and the withdrawal."""

import pytest
from django.urls import reverse

from motcua.dossiers import services as s
from motcua.dossiers.status import DossierStatus

from .conftest import centre, html_as_pdf, media_files, pdf_file, received, submitted, vn

pytestmark = pytest.mark.django_db


def test_my_dossiers_lists_only_mine_with_text_badges(client, people, version, clock):
    clock(vn(2026, 3, 2, 9, 0))
    mine = submitted(people, version)
    theirs = submitted(people, version, who="citizen2")
    client.force_login(people["citizen"])
    html = client.get(reverse("my_dossiers")).content.decode()
    assert mine.code in html and theirs.code not in html
    assert "Chờ tiếp nhận" in html  # the status as text, not only a colour
    assert "Chưa tiếp nhận" in html
    assert reverse("my_dossier", args=[mine.pk]) in html


def test_my_dossiers_empty_state(client, people, version):
    client.force_login(people["citizen2"])
    html = client.get(reverse("my_dossiers")).content.decode()
    assert "Bạn chưa có hồ sơ nào." in html and reverse("procedure_list") in html


def test_my_dossiers_paginates_and_filters(client, people, version, clock):
    clock(vn(2026, 3, 2, 9, 0))
    for _ in range(11):
        s.dossier_create_draft(
            applicant=people["citizen"], procedure_version=version, receiving_point=centre()
        )
    sent = submitted(people, version)
    client.force_login(people["citizen"])
    first = client.get(reverse("my_dossiers")).content.decode()
    assert "Trang 1/2" in first and "12 hồ sơ" in first
    second = client.get(reverse("my_dossiers"), {"page": 2}).content.decode()
    assert "Trang 2/2" in second
    waiting = client.get(reverse("my_dossiers"), {"loc": "dang-giai-quyet"}).content.decode()
    assert sent.code in waiting and "Bản nháp — chưa có mã" not in waiting
    empty = client.get(reverse("my_dossiers"), {"loc": "da-co-ket-qua"}).content.decode()
    assert "Không có hồ sơ nào trong mục này." in empty


def test_another_citizens_dossier_is_404_everywhere(client, people, version, clock):
    clock(vn(2026, 3, 2, 9, 0))
    theirs = submitted(people, version, who="citizen2")
    component = theirs.components.first()
    for user in ("citizen", "officer"):  # staff included: the portal page is the applicant's own
        client.force_login(people[user])
        assert client.get(reverse("my_dossier", args=[theirs.pk])).status_code == 404
        assert (
            client.get(reverse("dossier_component_download", args=[theirs.pk, component.pk])).status_code
            == 404
        )
        assert (
            client.post(
                reverse("dossier_withdraw", args=[theirs.pk]), {"version": 1, "reason": "x"}
            ).status_code
            == 404
        )
        assert (
            client.post(reverse("dossier_supplement_send", args=[theirs.pk]), {"version": 1}).status_code
            == 404
        )
    theirs.refresh_from_db()
    assert theirs.status == DossierStatus.AWAITING_INTAKE


def test_detail_shows_timeline_in_plain_words_without_staff_names(client, people, version, clock):
    d = received(people, version, clock)
    clock(vn(2026, 3, 2, 10, 30))
    d = s.dossier_route(dossier=d, officer=people["officer"])
    client.force_login(people["citizen"])
    html = client.get(reverse("my_dossier", args=[d.pk])).content.decode()
    assert "Bạn đã nộp hồ sơ trực tuyến tới Trung tâm Phục vụ hành chính công" in html
    assert "đã tiếp nhận hồ sơ, hẹn trả kết quả 17:00 09/03/2026" in html
    assert "Hồ sơ được chuyển tới Sở Nông nghiệp và Môi trường để giải quyết." in html
    assert "Trần Thu Trang" not in html and "motcua.tinh" not in html  # no staff names
    assert "Đang giải quyết" in html and "Còn 5 ngày làm việc" in html
    assert "Hồ sơ đang ở" in html
    # The applicant downloads their own file.
    component = d.components.get(position=1)
    response = client.get(reverse("dossier_component_download", args=[d.pk, component.pk]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_supplement_flow(client, people, version, clock, settings):
    d = received(people, version, clock)
    clock(vn(2026, 3, 2, 11, 0))
    d = s.dossier_request_supplement(
        dossier=d,
        actor=people["officer"],
        reason="Sơ đồ chưa rõ ranh giới",
        items=["Sơ đồ khu vực khai thác (bản rõ nét)"],
    )
    client.force_login(people["citizen"])
    html = client.get(reverse("my_dossier", args=[d.pk])).content.decode()
    assert "Bạn cần bổ sung hồ sơ" in html and "Sơ đồ chưa rõ ranh giới" in html
    assert "Sơ đồ khu vực khai thác (bản rõ nét)" in html
    assert "Hạn bổ sung" in html and "Gửi bổ sung" in html and "data-upload" in html
    assert "Tạm dừng tính thời gian" in html
    listing = client.get(reverse("my_dossiers")).content.decode()
    assert "Chờ bổ sung" in listing and "Bổ sung hồ sơ" in listing

    # A bad file is refused on the dossier page and stores nothing new.
    component = d.components.get(position=2)
    before = media_files(settings)
    bad = client.post(
        reverse("dossier_component_upload", args=[d.pk]), {"component": component.pk, "file": html_as_pdf()}
    )
    assert bad.status_code == 422 and "Nội dung tệp là HTML" in bad.content.decode()
    assert media_files(settings) == before
    # A good one replaces the component's file, then "Gửi bổ sung" restarts the clock.
    good = client.post(
        reverse("dossier_component_upload", args=[d.pk]),
        {"component": component.pk, "file": pdf_file("so-do-moi.pdf")},
    )
    assert good.status_code == 302 and good.url.endswith(f"#giay-to-{component.pk}")
    component.refresh_from_db()
    assert component.original_name == "so-do-moi.pdf"
    d.refresh_from_db()
    clock(vn(2026, 3, 3, 9, 0))
    client.force_login(people["citizen"])  # the session of yesterday has expired
    response = client.post(
        reverse("dossier_supplement_send", args=[d.pk]),
        {"version": d.lock_version, "note": "Đã bổ sung sơ đồ"},
    )
    assert response.status_code == 302 and response.url == reverse("my_dossier", args=[d.pk])
    d.refresh_from_db()
    assert d.status == DossierStatus.RECEIVED
    html = client.get(reverse("my_dossier", args=[d.pk])).content.decode()
    assert "Hồ sơ bổ sung đã được nhận; tiếp tục giải quyết." in html
    assert "Gửi bổ sung" not in html
    # Uploads are closed again once the supplement is in.
    late = client.post(
        reverse("dossier_component_upload", args=[d.pk]), {"component": component.pk, "file": pdf_file()}
    )
    assert late.status_code == 302 and late.url == reverse("my_dossier", args=[d.pk])


def test_supplement_with_a_stale_version_says_reload(client, people, version, clock):
    d = received(people, version, clock)
    d = s.dossier_request_supplement(dossier=d, actor=people["officer"], reason="Thiếu", items=["Sơ đồ"])
    client.force_login(people["citizen"])
    response = client.post(reverse("dossier_supplement_send", args=[d.pk]), {"version": d.lock_version - 1})
    assert response.status_code == 422
    assert "Vui lòng tải lại trang" in response.content.decode()
    d.refresh_from_db()
    assert d.status == DossierStatus.AWAITING_SUPPLEMENT


def test_withdraw_before_a_decision(client, people, version, clock):
    d = received(people, version, clock)
    client.force_login(people["citizen"])
    html = client.get(reverse("my_dossier", args=[d.pk])).content.decode()
    assert "Dừng giải quyết hồ sơ" in html
    empty = client.post(reverse("dossier_withdraw", args=[d.pk]), {"version": d.lock_version, "reason": "  "})
    assert empty.status_code == 422 and "Cần ghi lý do dừng giải quyết hồ sơ." in empty.content.decode()
    d.refresh_from_db()
    assert d.status == DossierStatus.RECEIVED
    response = client.post(
        reverse("dossier_withdraw", args=[d.pk]),
        {"version": d.lock_version, "reason": "Tôi không còn nhu cầu"},
    )
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.status == DossierStatus.STOPPED and d.closing_reason == "Tôi không còn nhu cầu"
    html = client.get(reverse("my_dossier", args=[d.pk])).content.decode()
    assert "Đã dừng giải quyết" in html and "Hồ sơ dừng giải quyết theo đề nghị của người nộp." in html
    assert f'action="{reverse("dossier_withdraw", args=[d.pk])}"' not in html


def test_no_withdrawal_after_the_decision(client, people, version, clock):
    d = received(people, version, clock)
    clock(vn(2026, 3, 2, 10, 30))
    d = s.dossier_route(dossier=d, officer=people["officer"])
    clock(vn(2026, 3, 3, 9, 0))
    d = s.dossier_forward(dossier=d, actor=people["specialist"], to_step="LT")
    d = s.dossier_forward(dossier=d, actor=people["tax"], to_step="PD")
    d = s.dossier_forward(dossier=d, actor=people["head"], to_step="KY")
    d = s.dossier_decide(dossier=d, actor=people["leader"], decision="approved")
    client.force_login(people["citizen"])
    html = client.get(reverse("my_dossier", args=[d.pk])).content.decode()
    assert "Đã có kết quả" in html and "Dừng giải quyết hồ sơ" not in html
    assert "Hồ sơ được chuyển liên thông tới Thuế tỉnh Thanh Hóa." in html
    assert (
        "Thuế tỉnh Thanh Hóa đã xử lý xong phần liên thông, chuyển hồ sơ về Sở Nông nghiệp và Môi trường."
        in html
    )
    response = client.post(
        reverse("dossier_withdraw", args=[d.pk]), {"version": d.lock_version, "reason": "Muộn"}
    )
    assert response.status_code == 422
    assert "Không thể thực hiện" in response.content.decode()
    d.refresh_from_db()
    assert d.status == DossierStatus.RESULT_READY


def test_my_dossiers_list_and_page_queries_do_not_grow(
    client, people, version, clock, django_assert_max_num_queries
):
    """The applicant's list and one dossier's page cost the same whatever the number of dossiers and events
    (benchmarks/load pins every list the load mix reads)."""
    clock(vn(2026, 3, 2, 9, 0))
    first = submitted(people, version)
    client.force_login(people["citizen"])
    pages = [
        reverse("my_dossiers"),
        f"{reverse('my_dossiers')}?loc=dang-giai-quyet",
        reverse("my_dossier", args=[first.pk]),
    ]
    for url in pages:
        client.get(url)  # warm the calendar cache

    def queries():
        counts = []
        for url in pages:
            with django_assert_max_num_queries(12) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured.captured_queries))
        return counts

    few = queries()
    for _ in range(4):
        submitted(people, version)
    s.dossier_withdraw(dossier=first, actor=people["citizen"], reason="Nộp nhầm")  # more events on the page
    assert queries() == few
