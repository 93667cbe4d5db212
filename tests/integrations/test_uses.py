"""The registries in use, over HTTP: the portal wizard's pre-fill, the counter look-up, a component taken
from the registry instead of a copy."""

import re

import pytest
from django.urls import reverse

from motcua.accounts.models import AccountKind, User
from motcua.dossiers.models import Dossier
from motcua.integrations.registries import LookupRefused
from motcua.integrations.registries.fake import make_business, make_person
from motcua.integrations.registries.uses import component_from_registry
from motcua.wallet.models import AccessEntry

from .conftest import DEMO_PASSWORD, centre, counter_dossier, login


def details_url(code="1.009999"):
    return reverse("dossier_apply_details", args=[code]) + "?receiving_point=H56.40"


def input_value(html, name):
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert match, name
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


# -- (a) the portal wizard -----------------------------------------------------------------------------


def test_wizard_prefills_the_citizens_details_from_the_population_registry(client, people, version):
    login(client, people["citizen"])
    response = client.get(details_url())
    assert response.status_code == 200
    html = response.content.decode()
    expected = make_person("038195001234")
    assert input_value(html, "address") == expected.current_address
    assert "Thông tin điền sẵn từ CSDLQG về dân cư" in html  # marked as pre-filled
    assert "14/03/1995" in html and expected.permanent_address in html
    entry = AccessEntry.objects.get()
    assert (entry.subject_key, entry.kind, entry.outcome) == ("038195001234", "registry_lookup", "found")
    assert entry.purpose == "Điền sẵn thông tin tờ khai" and entry.actor == people["citizen"]
    # The pre-filled form is a normal form: posting it creates the draft with that address.
    response = client.post(details_url(), {"receiving_point": "H56.40", "address": expected.current_address,
                                           "request_text": "Đề nghị cấp phép"})  # fmt: skip
    assert response.status_code == 302
    assert Dossier.objects.get().applicant_address == expected.current_address


def test_wizard_prefill_for_a_business(client, people, version):
    login(client, people["business"])
    html = client.get(details_url()).content.decode()
    assert input_value(html, "address") == make_business("2801234564").address
    assert "CSDLQG về đăng ký doanh nghiệp" in html


@pytest.mark.parametrize("key", ["038099000408", "038099000404", "038099000502"])
def test_wizard_registry_error_shows_a_message_and_the_empty_form(client, version, demo, key):
    user = User.objects.create_user(username=key, password=DEMO_PASSWORD, kind=AccountKind.CITIZEN,
                                    full_name="Trần Văn Thử", personal_id=key)  # fmt: skip
    login(client, user)
    response = client.get(details_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "registry-prefill-error" in html and "bản sao" in html
    assert "Bạn vẫn có thể tự điền thông tin bên dưới." in html
    assert input_value(html, "address") == ""
    assert AccessEntry.objects.get().outcome in ("error", "not_found")


# -- (b) the counter intake form -----------------------------------------------------------------------


def intake_post(**extra):
    data = {"point": centre().pk, "procedure": "1.009999", "channel": "counter", "kind": "citizen",
            "name": "", "personal_id": "038088004321", "tax_code": "", "phone": "0912345678", "email": "",
            "address": "", "commune": "", "note": "ghi chú giữ nguyên", "provided": ["1", "2"]}  # fmt: skip
    data.update(extra)
    return data


def test_counter_lookup_fills_the_form_without_javascript(client, people, version):
    login(client, people["officer"])
    url = reverse("backoffice:counter_intake")
    response = client.post(url, intake_post(lookup="1"))
    assert response.status_code == 200
    html = response.content.decode()
    person = make_person("038088004321")
    assert input_value(html, "name") == "Nguyễn Văn Bình"
    assert input_value(html, "address") == person.current_address
    assert "02/11/1988" in html  # the birth date is shown beside the form
    assert input_value(html, "phone") == "0912345678"  # what the officer typed stays
    assert "ghi chú giữ nguyên" in html
    assert not Dossier.objects.exists()  # a look-up receives nothing
    entry = AccessEntry.objects.get()
    assert entry.actor == people["officer"] and entry.unit == centre()
    assert entry.purpose == "Tiếp nhận hồ sơ tại bộ phận một cửa (thủ tục 1.009999)"
    # Then the officer receives the dossier with the filled details.
    response = client.post(url, intake_post(name="Nguyễn Văn Bình", address=person.current_address))
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert (dossier.applicant_name, dossier.applicant_address) == ("Nguyễn Văn Bình", person.current_address)


def test_counter_lookup_of_a_business(client, people, version):
    login(client, people["officer"])
    response = client.post(
        reverse("backoffice:counter_intake"),
        intake_post(lookup="1", kind="business", personal_id="", tax_code="2801234564"),
    )
    html = response.content.decode()
    assert input_value(html, "name") == "Công ty TNHH Xây dựng Lam Sơn"
    assert AccessEntry.objects.get().subject_kind == "business"


@pytest.mark.parametrize(("key", "text"), [("038099000404", "Không tìm thấy"), ("038099000408", "tạm thời")])
def test_counter_lookup_errors(client, people, version, key, text):
    login(client, people["officer"])
    response = client.post(reverse("backoffice:counter_intake"), intake_post(lookup="1", personal_id=key))
    assert response.status_code == 200
    html = response.content.decode()
    assert text in html and "bản sao" in html
    assert input_value(html, "name") == ""


def test_counter_lookup_without_a_number(client, people, version):
    login(client, people["officer"])
    html = client.post(reverse("backoffice:counter_intake"), intake_post(lookup="1", personal_id="")).content
    assert "Nhập số định danh cá nhân hoặc mã số thuế" in html.decode()
    assert not AccessEntry.objects.exists()


def test_the_standalone_lookup_page_requires_a_purpose(client, people, demo):
    login(client, people["officer"])
    url = reverse("backoffice:registry_lookup")
    assert client.get(url).status_code == 200
    refused = client.post(url, {"registry": "population", "key": "038088004321", "purpose": ""})
    assert refused.status_code == 400 and not AccessEntry.objects.exists()
    found = client.post(url, {"registry": "population", "key": "038088004321", "purpose": "Xác minh",
                              "dossier_code": "h56.40-260302-0001"})  # fmt: skip
    assert "Nguyễn Văn Bình" in found.content.decode()
    entry = AccessEntry.objects.get()
    assert entry.purpose == "Xác minh" and entry.dossier_code == "H56.40-260302-0001"


def test_citizens_cannot_use_the_staff_lookup(client, people, demo):
    login(client, people["citizen"])
    response = client.post(reverse("backoffice:registry_lookup"),
                           {"registry": "population", "key": "038088004321", "purpose": "tò mò"})  # fmt: skip
    assert response.status_code == 403
    assert not AccessEntry.objects.exists()


# -- (c) a component from the registry -----------------------------------------------------------------


def test_component_not_eligible_or_without_a_number_is_refused(people, id_version):
    dossier = counter_dossier(people, id_version)
    first = dossier.components.get(position=1)  # the application form: no registry stands in for it
    with pytest.raises(LookupRefused) as info:
        component_from_registry(dossier=dossier, actor=people["officer"], component_id=first.pk)
    assert info.value.code == "registry_component_not_eligible"
    business_card = dossier.components.get(document_type="GCN_DKDN")  # a citizen dossier has no tax code
    with pytest.raises(LookupRefused) as info:
        component_from_registry(dossier=dossier, actor=people["officer"], component_id=business_card.pk)
    assert info.value.code == "registry_no_key"
    assert not AccessEntry.objects.filter(kind="registry_lookup").exists()


def test_registry_components_page_offers_the_id_card(client, people, id_version):
    dossier = counter_dossier(people, id_version)
    login(client, people["officer"])
    html = client.get(reverse("backoffice:registry_dossier", args=[dossier.pk])).content.decode()
    card = dossier.components.get(document_type="CCCD")
    assert reverse("backoffice:registry_component_fetch", args=[dossier.pk, card.pk]) in html
    assert "Lấy từ CSDL quốc gia" in html


def _provide_available():
    from motcua.dossiers import services

    return hasattr(services, "dossier_component_provide")


@pytest.mark.skipif(not _provide_available(), reason="dossier_component_provide has not landed yet")
def test_id_card_taken_from_the_registry(client, people, id_version):
    dossier = counter_dossier(people, id_version)
    card = dossier.components.get(document_type="CCCD")
    login(client, people["officer"])
    response = client.post(reverse("backoffice:registry_component_fetch", args=[dossier.pk, card.pk]),
                           {"next": "registry"})  # fmt: skip
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.origin == "registry" and card.provided
    assert card.source_reference.startswith("CSDLQG dân cư — tra cứu ")
    entry = AccessEntry.objects.get(kind="registry_lookup")
    assert entry.subject_key == "038088004321" and entry.dossier_code == dossier.code
    assert entry.purpose.startswith("Thay bản sao căn cước") and entry.unit == centre()


@pytest.mark.skipif(not _provide_available(), reason="dossier_component_provide has not landed yet")
def test_registry_not_found_leaves_the_component_alone(client, people, id_version):
    dossier = counter_dossier(people, id_version, personal_id="038099000404")
    card = dossier.components.get(document_type="CCCD")
    before = card.origin
    login(client, people["officer"])
    response = client.post(reverse("backoffice:registry_component_fetch", args=[dossier.pk, card.pk]),
                           follow=True)  # fmt: skip
    assert "Không tìm thấy" in response.content.decode()
    card.refresh_from_db()
    assert card.origin == before
