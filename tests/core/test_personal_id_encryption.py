"""Personal ID numbers encrypted at rest (docs/architecture/personal-data.md): the field, its look-ups, the keys,
the rotation command, the migration of existing rows, and no plain personal ID anywhere in the database."""

import base64
import re

import pytest
from django.core.exceptions import FieldError, ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from motcua.accounts.models import AccountKind, User
from motcua.accounts.selectors import user_for_identifier
from motcua.core import personal_data
from motcua.core.checks import personal_data_keys_check, personal_data_keys_deploy_check
from motcua.core.personal_data import PersonalDataError, PersonalDataKeyError

HOA = "038195001234"
BINH = "038088004321"
KEY_1 = base64.b64encode(bytes(range(32))).decode()
KEY_2 = base64.b64encode(bytes(range(100, 132))).decode()
KEY_1_OTHER = base64.b64encode(bytes(range(50, 82))).decode()  # another key under the same id "1"


def citizen(personal_id, username=None):
    return User.objects.create_user(
        username=username or f"cd.{personal_id[-6:]}", password=None, kind=AccountKind.CITIZEN,
        full_name="Công dân", personal_id=personal_id,
    )  # fmt: skip


def raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def keys(settings, value, current=""):
    settings.MOTCUA_PERSONAL_DATA_KEYS = value
    settings.MOTCUA_PERSONAL_DATA_KEY_ID = current


# -- the field --------------------------------------------------------------------------------------------


def test_round_trip_and_the_column_holds_a_token_not_the_number(db):
    user = citizen(HOA)
    stored = raw("accounts_user", "personal_id", user.pk)
    assert stored.startswith("v1:") and HOA not in stored and personal_data.is_token(stored)
    assert User.objects.get(pk=user.pk).personal_id == HOA
    assert User.objects.values_list("personal_id", flat=True).get(pk=user.pk) == HOA
    # Deterministic: the same number under the same key is the same token (that is what look-ups compare).
    assert citizen(BINH).pk and raw("accounts_user", "personal_id", user.pk) == personal_data.encrypt(HOA)
    assert personal_data.encrypt(HOA) != personal_data.encrypt(BINH)


def test_null_and_empty_stay_as_they_are(db):
    staff = User.objects.create_user(username="canbo", password=None, kind=AccountKind.STAFF, full_name="A")
    assert raw("accounts_user", "personal_id", staff.pk) is None
    assert User.objects.filter(personal_id__isnull=True).get() == staff


def test_equality_in_and_exclude_look_ups_work_unchanged(db):
    hoa, binh = citizen(HOA), citizen(BINH)
    assert User.objects.get(personal_id=HOA) == hoa
    assert set(User.objects.filter(personal_id__in=[HOA, BINH, "038000000000"])) == {hoa, binh}
    assert list(User.objects.exclude(personal_id=HOA)) == [binh]
    assert not User.objects.filter(personal_id="038000000000").exists()
    assert User.objects.get_or_create(personal_id=HOA, defaults={"username": "x"}) == (hoa, False)
    # Sign-in by personal ID finds the account although its username is not the number.
    assert user_for_identifier(f" {HOA} ") == hoa and hoa.username != HOA


def test_the_unique_constraint_survives(db):
    citizen(HOA)
    duplicate = User(username="cd.other", kind=AccountKind.CITIZEN, full_name="B", personal_id=HOA)
    with pytest.raises(ValidationError, match="số định danh"):
        duplicate.validate_constraints()
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_validation_runs_on_the_plain_value(db):
    user = User(username="cd.bad", kind=AccountKind.CITIZEN, full_name="B", personal_id="12345")
    with pytest.raises(ValidationError) as error:
        user.full_clean(exclude=["password"])
    assert "personal_id" in error.value.message_dict


@pytest.mark.parametrize(
    "lookup",
    ["icontains", "contains", "startswith", "istartswith", "endswith", "iexact", "gt", "regex", "lower"],
)
def test_searching_inside_the_ciphertext_is_refused_loudly(db, lookup):
    with pytest.raises(FieldError, match="encrypted at rest"):
        list(User.objects.filter(**{f"personal_id__{lookup}": "0381"}))


def test_the_admin_search_matches_a_whole_personal_id_by_equality(db, client):
    hoa = citizen(HOA)
    admin = User.objects.create_superuser(username="quantri", password="x" * 12, kind=AccountKind.STAFF,
                                          full_name="Quản trị", email="a@example.vn")  # fmt: skip
    client.force_login(admin)
    response = client.get("/quan-tri/accounts/user/", {"q": HOA})
    assert response.status_code == 200, response.status_code
    assert list(response.context["cl"].result_list) == [hoa]
    assert list(client.get("/quan-tri/accounts/user/", {"q": HOA[:6]}).context["cl"].result_list) == []


def test_dumpdata_writes_tokens(db):
    from io import StringIO

    citizen(HOA)
    out = StringIO()
    call_command("dumpdata", "accounts.user", stdout=out)
    assert HOA not in out.getvalue() and personal_data.encrypt(HOA) in out.getvalue()


# -- keys -------------------------------------------------------------------------------------------------


def test_a_wrong_key_is_a_clear_error_not_garbage(db, settings):
    keys(settings, {"1": KEY_1})
    user = citizen(HOA)
    keys(settings, {"1": KEY_1_OTHER})
    with pytest.raises(PersonalDataError, match="does not open with the configured key"):
        User.objects.get(pk=user.pk)
    keys(settings, {"2": KEY_2})
    with pytest.raises(PersonalDataKeyError, match="key id '1'"):
        User.objects.get(pk=user.pk)


def test_keys_in_text_form_and_malformed_keys(settings):
    assert personal_data.parse_keys(f"a:{KEY_1}, b:{KEY_2}") == {
        "a": bytes(range(32)), "b": bytes(range(100, 132)),
    }  # fmt: skip
    for bad, message in [
        ("1:c2hvcnQ=", "32 random bytes"), (f"bad id!:{KEY_1}", "key id"), (KEY_1, "'<key id>:<base64 key>'"),
        (f"1:{KEY_1},1:{KEY_2}", "listed twice"), ("1:***", "base64"),
    ]:  # fmt: skip
        with pytest.raises(PersonalDataKeyError, match=re.escape(message)):
            personal_data.parse_keys(bad)
    keys(settings, {"1": KEY_1}, current="2")
    assert personal_data_keys_check()[0].id == "core.E001"
    keys(settings, {"1": KEY_1})
    assert personal_data_keys_check() == []


def test_derived_keys_are_refused_by_the_deploy_check(settings):
    keys(settings, "")
    settings.MOTCUA_DEMO = False
    assert [e.id for e in personal_data_keys_deploy_check()] == ["core.E002"]
    keys(settings, {"1": KEY_1})
    assert personal_data_keys_deploy_check() == []


def test_key_rotation_reencrypts_every_row_and_is_idempotent(db, settings, capsys):
    keys(settings, {"1": KEY_1})
    hoa, binh = citizen(HOA), citizen(BINH)
    old = raw("accounts_user", "personal_id", hoa.pk)
    # A new current key: rows under the old one are still read and still found by equality and IN.
    keys(settings, {"2": KEY_2, "1": KEY_1}, current="2")
    assert User.objects.get(personal_id=HOA) == hoa
    assert User.objects.filter(personal_id__in=[BINH]).get() == binh
    call_command("rotate_personal_data_key", "--dry-run")
    assert raw("accounts_user", "personal_id", hoa.pk) == old
    call_command("rotate_personal_data_key", "--batch-size", "1")
    assert "2 values re-encrypted" in capsys.readouterr().out
    assert raw("accounts_user", "personal_id", hoa.pk).startswith("v1:2:")
    call_command("rotate_personal_data_key")
    assert "0 values re-encrypted, 2 already current" in capsys.readouterr().out
    # The old key can go.
    keys(settings, {"2": KEY_2})
    assert User.objects.get(personal_id=HOA).personal_id == HOA


def test_rotation_reports_a_value_stored_twice_across_keys(db, settings):
    keys(settings, {"1": KEY_1})
    first = citizen(HOA)
    keys(settings, {"2": KEY_2, "1": KEY_1}, current="2")
    # What the unique constraint cannot see: the same number under two keys.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, is_staff, "
            "is_active, date_joined, kind, full_name, personal_id, phone, representative, failed_login_count) "
            "VALUES ('', %s, 'cd.twice', '', '', '', %s, %s, %s, 'citizen', 'B', %s, '', '', 0)",
            [False, False, True, first.date_joined, personal_data.encrypt(HOA, key_id="2")],
        )
    with pytest.raises(CommandError, match="1 values left"):
        call_command("rotate_personal_data_key")
    assert raw("accounts_user", "personal_id", first.pk).startswith("v1:1:")


# -- the migration of existing rows ------------------------------------------------------------------------

BEFORE = [
    ("accounts", "0003_api_keys"),
    ("dossiers", "0008_load_indexes"),
    ("wallet", "0003_result_withdrawn"),
    ("results", "0001_issued_results"),
    ("integrations", "0003_webhooks"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_rows_and_goes_back():
    _migrate(BEFORE)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, "
                "is_staff, is_active, date_joined, kind, full_name, personal_id, phone, representative, "
                "failed_login_count) VALUES ('', %s, %s, '', '', '', %s, %s, CURRENT_TIMESTAMP, 'citizen', "
                "'Lê Thị Hoa', %s, '', '', 0)",
                [False, HOA, False, True, HOA],
            )
            cursor.execute(
                "INSERT INTO wallet_accessentry (subject_kind, subject_key, kind, at, actor_label, unit_name, "
                "dossier_code, purpose, source, outcome) VALUES ('person', %s, 'registry_lookup', "
                "CURRENT_TIMESTAMP, 'system', '', '', 'Kiểm tra', '', 'found')",
                [HOA],
            )
        _migrate(_latest())
        user = User.objects.get(full_name="Lê Thị Hoa")
        assert user.personal_id == HOA and user.username.startswith("cd.") and HOA not in user.username
        assert raw("accounts_user", "personal_id", user.pk) == personal_data.encrypt(HOA)
        from motcua.wallet.models import AccessEntry

        entry = AccessEntry.objects.get(subject_key=HOA)
        assert raw("wallet_accessentry", "subject_key", entry.pk) == personal_data.encrypt(HOA)
        assert user_for_identifier(HOA) == user
        # Backwards: the plain values and the old username come back.
        _migrate(BEFORE)
        assert raw("accounts_user", "personal_id", user.pk) == HOA
        assert raw("accounts_user", "username", user.pk) == HOA
        assert raw("wallet_accessentry", "subject_key", entry.pk) == HOA
    finally:
        _migrate(_latest())


# -- nothing in plain text, end to end ---------------------------------------------------------------------

#: A number shaped like a personal ID, standing alone (not a run of digits inside a hex hash or a token).
PERSONAL_ID = re.compile(r"(?<![0-9A-Za-z])0\d{2}[0-3]\d{8}(?![0-9A-Za-z])")


def _text_cells():
    """Every text value of every table of the database, as stored."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            description = connection.introspection.get_table_description(cursor, table)
            names = ", ".join(connection.ops.quote_name(c.name) for c in description)
            cursor.execute(f"SELECT {names} FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, (str, bytes, dict, list)):
                        yield table, str(value)


def test_the_demo_database_holds_no_personal_id_in_plain_text(full_demo, client):
    from motcua.dossiers.models import Dossier
    from motcua.integrations.dvcqg.models import PortalUpdate
    from motcua.integrations.dvcqg.outbox import body_of
    from motcua.results.models import IssuedResult
    from motcua.wallet.models import AccessEntry, StoredDocument

    people = {v for v in Dossier.objects.values_list("applicant_personal_id", flat=True) if v}
    people |= {v for v in User.objects.values_list("personal_id", flat=True) if v}
    assert {HOA, BINH, "038090012345"} <= people and len(people) > 100  # the simulated year's applicants too
    cells = list(_text_cells())
    assert len(cells) > 10_000
    anyone = re.compile("|".join(sorted(people)))
    assert [(table, value[:40]) for table, value in cells if anyone.search(value)] == []
    assert [table for table, value in cells if PERSONAL_ID.search(value)] == []
    # …and every place still reads it back, and finds it by equality.
    assert Dossier.objects.filter(applicant_personal_id=HOA).count() == 3
    assert StoredDocument.objects.filter(owner_kind="person", owner_key=HOA).exists()
    assert AccessEntry.objects.filter(subject_key=HOA).count() >= 2
    assert IssuedResult.objects.filter(holder_key=HOA).exists()
    update = PortalUpdate.objects.filter(applicant_personal_id=HOA).order_by("pk").first()
    assert update is not None and update.payload["ChuHoSo"]["SoDinhDanh"] == ""
    assert body_of(update)["ChuHoSo"]["SoDinhDanh"] == HOA
    # The back office's search finds a whole personal ID by equality, not a part of one.
    client.force_login(User.objects.get(username="quantri.tinh"))
    queue = reverse("backoffice:dossier_queue")
    html = client.get(queue, {"queue": "all", "q": HOA}).content.decode()
    codes = set(Dossier.objects.filter(applicant_personal_id=HOA).values_list("code", flat=True))
    assert codes and all(code in html for code in codes)
    others = Dossier.objects.exclude(applicant_personal_id=HOA).exclude(code=None)
    assert not any(code in html for code in others.values_list("code", flat=True))
    partial = client.get(queue, {"queue": "all", "q": HOA[:9]}).content.decode()
    assert not any(code in partial for code in codes)
