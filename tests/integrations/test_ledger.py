"""The access ledger: staff reads of a dossier's personal data are logged (and chained in the audit trail),
and each citizen sees — and downloads — exactly the reads of their own data, never anyone else's."""

import csv
import io

import pytest
from django.urls import reverse

from motcua.core.audit import audit_verify
from motcua.core.models import AuditEvent
from motcua.dossiers.services.components import dossier_component_attach
from motcua.wallet.models import AccessEntry

from .conftest import centre, counter_dossier, login, pdf_file

A_ID = "038195001234"  # people["citizen"], Lê Thị Hoa
B_ID = "038088004321"  # people["citizen2"], Nguyễn Văn Bình


def main(html):
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


@pytest.fixture
def dossier_a(people, version):
    """A dossier of citizen A received at the counter, with one scanned file."""
    d = counter_dossier(people, version, personal_id=A_ID, name="Lê Thị Hoa")
    component = d.components.get(position=1)
    dossier_component_attach(dossier=d, actor=people["officer"], component_id=component.pk, upload=pdf_file())
    return d


def test_the_ledger_holds_exactly_the_reads_that_happened(client, people, dossier_a):
    assert not AccessEntry.objects.exists()  # receiving and scanning are not reads
    officer = people["officer"]
    login(client, officer)
    page = reverse("backoffice:dossier_detail", args=[dossier_a.pk])
    assert client.get(page).status_code == 200
    assert client.get(page).status_code == 200
    component = dossier_a.components.get(position=1)
    download = client.get(reverse("backoffice:dossier_file", args=[dossier_a.pk, component.pk]))
    assert download.status_code == 200
    b"".join(download.streaming_content)

    entries = list(AccessEntry.objects.order_by("id"))
    assert [e.kind for e in entries] == ["dossier_read", "dossier_read", "document_read"]
    for e in entries:
        assert (e.subject_kind, e.subject_key) == ("person", A_ID)
        assert e.actor == officer and e.actor_label == officer.full_name
        assert e.unit == centre() and e.unit_name == centre().name
        assert e.dossier_code == dossier_a.code and e.purpose == f"Giải quyết hồ sơ {dossier_a.code}"
        event = AuditEvent.objects.get(seq=e.audit_seq)  # each read is a row of the audit chain
        assert event.action == f"personal_data.{e.kind}" and event.actor_id == officer.pk
    assert entries[2].source == component.name
    assert audit_verify() is None

    # Citizen A sees exactly those three reads.
    client.logout()
    login(client, people["citizen"])
    html = client.get(reverse("my_access_ledger")).content.decode()
    assert html.count('class="ledger-row') == 3
    assert officer.full_name in html and dossier_a.code in html and centre().name in html
    assert "Xem hồ sơ" in html and "Xem giấy tờ" in html


def test_staff_reading_through_the_api_is_logged_and_the_applicant_is_not(client, people, dossier_a):
    login(client, people["officer"])
    assert client.get(f"/api/v1/dossiers/{dossier_a.code}").status_code == 200
    entry = AccessEntry.objects.get()
    assert (entry.kind, entry.source, entry.subject_key) == ("dossier_read", "API", A_ID)
    # The applicant reading their own dossier is not a read of someone else's data.
    dossier_a.applicant = people["citizen"]
    dossier_a.save(update_fields=["applicant"])
    client.logout()
    login(client, people["citizen"])
    assert client.get(f"/api/v1/dossiers/{dossier_a.code}").status_code == 200
    assert AccessEntry.objects.count() == 1


def test_a_dossier_the_officer_may_not_see_logs_nothing(client, people, dossier_a):
    login(client, people["commune_officer"])  # another unit: 404, and no read
    assert client.get(reverse("backoffice:dossier_detail", args=[dossier_a.pk])).status_code == 404
    assert not AccessEntry.objects.exists()


def test_citizen_b_cannot_see_citizen_as_ledger(client, people, dossier_a):
    login(client, people["officer"])
    client.get(reverse("backoffice:dossier_detail", args=[dossier_a.pk]))
    assert AccessEntry.objects.filter(subject_key=A_ID).count() == 1
    client.logout()
    login(client, people["citizen2"])
    url = reverse("my_access_ledger")
    for query in ("", f"?so={A_ID}", f"?subject_key={A_ID}", f"?personal_id={A_ID}", "?page=2"):
        html = main(client.get(url + query).content.decode())  # (the language form echoes the URL)
        assert A_ID not in html and dossier_a.code not in html, query
        assert "Chưa có ai xem dữ liệu của bạn." in html
    body = client.get(reverse("my_access_ledger_csv") + f"?so={A_ID}").content.decode("utf-8-sig")
    assert A_ID not in body and len(list(csv.reader(io.StringIO(body)))) == 1  # the header only


def test_the_ledger_needs_a_login(client, demo):
    response = client.get(reverse("my_access_ledger"))
    assert (response.status_code == 302 and "login" in response.url) or "dang-nhap" in response.url
    assert client.get(reverse("my_access_ledger_csv")).status_code == 302


def test_csv_download(client, people, dossier_a):
    login(client, people["officer"])
    client.get(reverse("backoffice:dossier_detail", args=[dossier_a.pk]))
    client.get(reverse("backoffice:dossier_detail", args=[dossier_a.pk]))
    client.logout()
    login(client, people["citizen"])
    response = client.get(reverse("my_access_ledger_csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, for Excel
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:6] == ["Thời điểm", "Người truy cập", "Đơn vị", "Mã hồ sơ", "Mục đích", "Loại truy cập"]
    assert len(rows) == 3
    assert all(r[1] == people["officer"].full_name and r[3] == dossier_a.code for r in rows[1:])
    assert rows[1][5] == "Xem hồ sơ" and rows[1][8] == A_ID


def test_registry_lookups_and_the_business_ledger(client, people, demo):
    from motcua.integrations.registries import LookupContext, registry_lookup_business

    registry_lookup_business(tax_code="2801234564",
                             context=LookupContext(actor=people["officer"], purpose="Xác minh doanh nghiệp"))  # fmt: skip
    login(client, people["business"])
    html = client.get(reverse("my_access_ledger")).content.decode()
    assert "Xác minh doanh nghiệp" in html and "CSDLQG về đăng ký doanh nghiệp" in html
    client.logout()
    login(client, people["citizen"])
    assert "Xác minh doanh nghiệp" not in client.get(reverse("my_access_ledger")).content.decode()


def test_pagination_and_empty_state(client, people, demo):
    from motcua.wallet.services import ledger_record

    login(client, people["citizen"])
    assert "Chưa có ai xem dữ liệu của bạn." in client.get(reverse("my_access_ledger")).content.decode()
    for i in range(30):
        ledger_record(subject_kind="person", subject_key=A_ID, kind="dossier_read", actor=people["officer"],
                      purpose=f"Giải quyết hồ sơ số {i:02d}")  # fmt: skip
    first = client.get(reverse("my_access_ledger")).content.decode()
    second = client.get(reverse("my_access_ledger") + "?page=2").content.decode()
    assert first.count('class="ledger-row') == 25 and second.count('class="ledger-row') == 5
    assert "Giải quyết hồ sơ số 29" in first and "Giải quyết hồ sơ số 00" in second
    assert 'rel="next"' in first


def test_navigation_links_to_the_ledger(client, people, demo):
    login(client, people["citizen"])
    assert reverse("my_access_ledger") in client.get(reverse("home")).content.decode()
