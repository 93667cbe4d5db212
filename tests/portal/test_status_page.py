"""The public status page: code + last 4 digits, no personal data, one answer for wrong and unknown, limits."""

import pytest
from django.urls import reverse

from motcua.dossiers import services as s
from motcua.dossiers.services.intake import CounterApplicant

from .conftest import centre, received, submitted, vn

pytestmark = pytest.mark.django_db
URL = "/tra-cuu-ho-so/"


def lookup(client, code, digits, ip="10.0.0.1"):
    return client.post(URL, {"ma": code, "so": digits}, REMOTE_ADDR=ip)


def result_block(html):
    """The answer part of the page (the notice or the result), without the echoed form."""
    return html.split('<form method="post"', 1)[0].split("</h1>", 1)[1]


def test_the_url_is_stable_and_prefills_the_code(client, people, version):
    assert reverse("dossier_status_lookup") == URL
    html = client.get(URL, {"ma": "h56.40-260302-0001"}).content.decode()
    assert 'value="H56.40-260302-0001"' in html
    assert "4 số cuối điện thoại" in html


def test_right_pair_shows_the_status_and_no_personal_data(client, people, version, clock):
    d = received(people, version, clock)
    response = lookup(client, d.code, "5678")  # the citizen's phone is +84912345678
    assert response.status_code == 200
    html = response.content.decode()
    block = result_block(html)
    assert d.code in block and "Đã tiếp nhận" in block
    assert "Cấp giấy phép khai thác nước dưới đất" in block
    assert "Trung tâm Phục vụ hành chính công" in block
    assert "10:00 02/03/2026" in block and "17:00 09/03/2026" in block  # received, due
    for personal in (
        "Lê Thị Hoa",
        "038195001234",
        "12 Lê Lợi",
        "0912345678",
        "+84912345678",
        "@demo.motcua.local",
    ):
        assert personal not in html, personal


def test_wrong_pair_gives_the_same_answer_as_an_unknown_code(client, people, version, clock):
    clock(vn(2026, 3, 2, 9, 0))
    d = submitted(people, version)
    wrong = lookup(client, d.code, "0000")
    unknown = lookup(client, "H56.40-260302-9999", "5678")
    garbage = lookup(client, "<script>", "5678")
    assert wrong.status_code == unknown.status_code == garbage.status_code == 200
    answers = {result_block(r.content.decode()) for r in (wrong, unknown, garbage)}
    assert len(answers) == 1
    assert "Không tìm thấy hồ sơ phù hợp." in answers.pop()
    assert "Lê Thị Hoa" not in wrong.content.decode() and 'value="0000"' not in wrong.content.decode()
    assert f'value="{d.code}"' in wrong.content.decode()  # the code stays, to be corrected


def test_drafts_are_never_found(client, people, version, clock):
    clock(vn(2026, 3, 2, 9, 0))
    s.dossier_create_draft(applicant=people["citizen"], procedure_version=version, receiving_point=centre())
    assert "Không tìm thấy hồ sơ phù hợp." in lookup(client, "None", "5678").content.decode()


def test_without_a_phone_the_personal_id_digits_are_the_second_factor(client, people, version, clock):
    clock(vn(2026, 3, 2, 8, 0))
    d = s.dossier_receive_at_counter(
        officer=people["officer"],
        receiving_point=centre(),
        procedure_version=version,
        applicant=CounterApplicant(kind="citizen", name="Trịnh Văn An", personal_id="038090012345"),
        provided_positions=[1, 2],
    )
    assert "Không tìm thấy" in lookup(client, d.code, "5678").content.decode()
    html = lookup(client, d.code, "2345").content.decode()
    assert "Đã tiếp nhận" in html and "Trịnh Văn An" not in html and "038090012345" not in html


def test_the_second_factor_must_be_four_digits(client, people, version):
    html = lookup(client, "H56.40-260302-0001", "12a").content.decode()
    assert "Hãy nhập đúng 4 chữ số." in html


def test_attempts_are_limited_per_client_address(client, people, version, clock):
    clock(vn(2026, 3, 2, 9, 0))
    d = submitted(people, version)
    for i in range(10):
        assert lookup(client, f"H56.40-260302-{i:04d}", "1111").status_code == 200
    limited = lookup(client, d.code, "5678")  # even the right pair, from this address
    assert limited.status_code == 429
    assert (
        "Bạn đã tra cứu quá nhiều lần" in limited.content.decode() and "10 phút" in limited.content.decode()
    )
    assert "Chờ tiếp nhận" not in result_block(limited.content.decode())
    assert limited["Retry-After"] == "600"
    assert lookup(client, d.code, "5678", ip="10.0.0.2").status_code == 200  # another address is not blocked
    # The window passes.
    clock.shift(minutes=11)
    assert lookup(client, d.code, "5678").status_code == 200


def test_attempts_are_limited_per_code(client, people, version, clock):
    clock(vn(2026, 3, 2, 9, 0))
    d = submitted(people, version)
    for i in range(10):
        assert lookup(client, d.code, f"{i:04d}", ip=f"10.0.1.{i}").status_code == 200
    response = lookup(client, d.code, "5678", ip="10.0.2.1")
    assert response.status_code == 429
    assert lookup(client, "H56.40-260302-0099", "5678", ip="10.0.2.1").status_code == 200
