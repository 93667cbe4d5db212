"""The registries' fakes (data and errors), the look-up service's rules and its ledger entries."""

import datetime as dt

import pytest

from motcua.core.audit import audit_verify
from motcua.core.models import AuditEvent
from motcua.core.validators import validate_cccd, validate_mst
from motcua.integrations.registries import (
    LookupContext,
    LookupRefused,
    RegistryError,
    RegistryNotFound,
    RegistryUnavailable,
    registry_lookup_business,
    registry_lookup_person,
)
from motcua.integrations.registries.fake import (
    SPECIAL_BUSINESSES,
    SPECIAL_PERSONS,
    make_business,
    make_person,
)
from motcua.wallet.models import AccessEntry

KEYS = ["038195001234", "038088004321", "001203000111", "038175009999", "079301000777", "038224000123"]


@pytest.mark.parametrize("key", KEYS)
def test_fake_person_is_deterministic_and_agrees_with_the_key(key):
    a, b = make_person(key), make_person(key)
    assert a == b
    # What the key encodes (birth year, sex) matches the record: the validator accepts both together.
    validate_cccd(key, birth_date=a.birth_date, sex=a.sex)
    assert a.id_card_number == key
    assert (
        a.id_card_issued_on >= a.birth_date.replace(year=a.birth_date.year + 14) or a.birth_date.year > 2011
    )
    assert a.id_card_expires_on is None or a.id_card_expires_on > a.id_card_issued_on
    assert len(a.full_name.split()) >= 3 and a.permanent_address.endswith("tỉnh Thanh Hóa")
    heads = [m for m in a.household if m.relation == "Chủ hộ"]
    assert len(heads) == 1 and heads[0].full_name == a.household_head
    assert key in [m.personal_id for m in a.household]
    for member in a.household:
        validate_cccd(member.personal_id)


def test_fake_people_differ_and_demo_accounts_keep_their_names():
    assert make_person("038195001234").full_name == "Lê Thị Hoa"
    assert make_person("038195001234").birth_date == dt.date(1995, 3, 14)
    assert make_person("038088004321").full_name == "Nguyễn Văn Bình"
    assert len({make_person(k).full_name for k in KEYS[2:]}) == len(KEYS[2:])


@pytest.mark.parametrize("key", ["2801234564", "0100109106", "2800000411"])
def test_fake_business(key):
    validate_mst(key)
    b = make_business(key)
    assert b == make_business(key)
    assert b.tax_code == key and b.registration_number == key
    assert (
        b.name.startswith(("Công ty", "Doanh nghiệp tư nhân")) and b.representative and b.status == "active"
    )
    if key == "2801234564":
        assert b.name == "Công ty TNHH Xây dựng Lam Sơn"


def test_special_keys_are_valid_numbers():
    for key in SPECIAL_PERSONS:
        validate_cccd(key)
    for key in SPECIAL_BUSINESSES:
        validate_mst(key)


@pytest.fixture
def ctx(people):
    return LookupContext(actor=people["officer"], purpose="Kiểm tra thông tin người nộp", dossier_code="X-1")


@pytest.mark.parametrize(
    ("key", "error", "code", "outcome"),
    [
        ("038099000404", RegistryNotFound, "registry_not_found", "not_found"),
        ("038099000408", RegistryUnavailable, "registry_timeout", "error"),
        ("038099000500", RegistryUnavailable, "registry_unavailable", "error"),
        ("038099000502", RegistryError, "registry_malformed", "error"),
    ],
)
def test_person_errors_are_typed_and_logged(ctx, key, error, code, outcome):
    with pytest.raises(error) as info:
        registry_lookup_person(personal_id=key, context=ctx)
    assert info.value.code == code
    assert "bản sao" in str(info.value)  # the message suggests the fallback: a copy
    entry = AccessEntry.objects.get(subject_key=key)
    assert (entry.kind, entry.subject_kind, entry.outcome) == ("registry_lookup", "person", outcome)
    assert entry.source == "CSDLQG về dân cư"


@pytest.mark.parametrize(
    ("key", "error", "code"),
    [
        ("2800000404", RegistryNotFound, "registry_not_found"),
        ("2800001408", RegistryUnavailable, "registry_timeout"),
        ("2800003500", RegistryUnavailable, "registry_unavailable"),
        ("2800009502", RegistryError, "registry_malformed"),
    ],
)
def test_business_errors(ctx, key, error, code):
    with pytest.raises(error) as info:
        registry_lookup_business(tax_code=key, context=ctx)
    assert info.value.code == code
    assert AccessEntry.objects.get(subject_key=key).source == "CSDLQG về đăng ký doanh nghiệp"


def test_found_lookup_is_logged_with_its_context_and_audited(people, ctx):
    before = AuditEvent.objects.count()
    record = registry_lookup_person(personal_id="038088004321", context=ctx)
    assert record.full_name == "Nguyễn Văn Bình" and len(record.request_id) == 32
    entry = AccessEntry.objects.get()
    assert entry.subject_key == "038088004321" and entry.outcome == "found"
    assert entry.actor == people["officer"] and entry.dossier_code == "X-1"
    assert entry.purpose == "Kiểm tra thông tin người nộp"
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.get(seq=entry.audit_seq)
    assert event.action == "personal_data.registry_lookup"
    assert "038088004321" not in str(event.object_id)  # the chain names the subject by a hash only
    assert audit_verify() is None  # the chain still verifies


def test_business_lookup_found(ctx):
    b = registry_lookup_business(tax_code="2801234564", context=ctx)
    assert b.name == "Công ty TNHH Xây dựng Lam Sơn"
    assert AccessEntry.objects.get().subject_kind == "business"


@pytest.mark.parametrize("purpose", ["", "   "])
def test_lookup_without_purpose_is_refused_and_sends_nothing(people, purpose):
    with pytest.raises(LookupRefused) as info:
        registry_lookup_person(
            personal_id="038088004321", context=LookupContext(actor=people["officer"], purpose=purpose)
        )
    assert info.value.code == "registry_purpose_required"
    assert not AccessEntry.objects.exists()


@pytest.mark.parametrize("key", ["12345", "999195001234", "03819500123a"])
def test_invalid_personal_id_is_refused(ctx, key):
    with pytest.raises(LookupRefused) as info:
        registry_lookup_person(personal_id=key, context=ctx)
    assert info.value.code == "registry_bad_key"
    assert not AccessEntry.objects.exists()


def test_invalid_tax_code_is_refused(ctx):
    with pytest.raises(LookupRefused):
        registry_lookup_business(tax_code="2801234565", context=ctx)  # wrong check digit


def test_user_id_header_values(people):
    assert LookupContext(actor=people["officer"], purpose="x").user_id() == "motcua.tinh"
    assert LookupContext(actor=people["citizen"], purpose="x").user_id() == "citizen:038195001234"
    assert LookupContext(actor=None, purpose="x").user_id() == "system"
