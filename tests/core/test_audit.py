"""The audit chain: every kind of tampering is detected, and the database refuses edits."""

import itertools
import random
from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from motcua.core.audit import audit_record, audit_verify
from motcua.core.models import AuditEvent, AuditHead

SQLITE_UPDATE_TRIGGER = """CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'core_auditevent is append-only'); END;"""


@contextmanager
def tamper_access():
    """What an attacker with database-owner rights can do: switch the append-only triggers off."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER core_auditevent_no_update")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER USER")
            else:
                cursor.execute(SQLITE_UPDATE_TRIGGER)


@pytest.fixture
def chain(db, django_user_model):
    officer = django_user_model.objects.create_user(
        username="canbo", password="x", kind="staff", full_name="Cán bộ"
    )
    for i in range(12):
        audit_record(action="test.event", actor=officer if i % 2 else None, object_type="dossier",
                     object_id=str(i), data={"i": i, "ghi_chú": "Hồ sơ số " + str(i)})  # fmt: skip
    assert audit_verify() is None
    return list(AuditEvent.objects.order_by("seq"))


def update_raw(seq, **fields):
    assignments = ", ".join(f"{name} = %s" for name in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE core_auditevent SET {assignments} WHERE seq = %s", [*fields.values(), seq])


def delete_raw(seq):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE seq = %s", [seq])


def test_record_links_each_row_to_the_previous(chain):
    assert [e.seq for e in chain] == list(range(1, 13))
    for previous, current in itertools.pairwise(chain):
        assert current.prev_hash == previous.hash
    head = AuditHead.objects.get()
    assert (head.seq, head.hash) == (12, chain[-1].hash)
    assert chain[1].actor_label == "canbo"
    assert chain[0].actor_label == "system"


def test_record_joins_the_callers_transaction(chain):
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(action="test.rolled_back")
        raise RuntimeError
    assert AuditEvent.objects.filter(action="test.rolled_back").count() == 0
    assert audit_verify() is None


def test_edited_data_is_detected(chain):
    with tamper_access():
        update_raw(5, data='{"i": 999}')
    broken = audit_verify()
    assert broken is not None and broken.seq == 5 and "edited" in broken.reason


def test_edited_actor_label_is_detected(chain):
    with tamper_access():
        update_raw(8, actor_label="someone-else")
    assert audit_verify().seq == 8


def test_deleted_row_is_detected(chain):
    with tamper_access():
        delete_raw(4)
    broken = audit_verify()
    assert broken is not None and broken.seq == 5


def test_deleted_newest_rows_are_detected_through_the_head(chain):
    with tamper_access():
        delete_raw(12)
        delete_raw(11)
    broken = audit_verify()
    assert broken is not None and broken.seq is None and "head" in str(broken)


def test_inserted_row_is_detected(chain):
    forged = chain[5]
    with tamper_access(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET seq = seq + 1000 WHERE seq > 6")
        cursor.execute("UPDATE core_auditevent SET seq = seq - 999 WHERE seq > 1000")
        cursor.execute(
            "INSERT INTO core_auditevent (seq, occurred_at, actor_label, action, object_type, object_id, data,"
            " prev_hash, hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [7, forged.occurred_at, "system", "test.forged", "dossier", "x", "{}", forged.hash, "f" * 64],
        )
    broken = audit_verify()
    assert broken is not None and broken.seq == 7


def test_reordered_rows_are_detected(chain):
    with tamper_access(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET seq = 1000 WHERE seq = 3")
        cursor.execute("UPDATE core_auditevent SET seq = 3 WHERE seq = 4")
        cursor.execute("UPDATE core_auditevent SET seq = 4 WHERE seq = 1000")
    broken = audit_verify()
    assert broken is not None and broken.seq == 3


def test_database_refuses_update(chain):
    with pytest.raises(DatabaseError), transaction.atomic():
        update_raw(3, action="test.changed")
    assert AuditEvent.objects.get(seq=3).action == "test.event"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps DELETE for the test flush")
def test_postgresql_refuses_delete(chain):
    with pytest.raises(DatabaseError), transaction.atomic():
        delete_raw(3)


def test_random_tamperings_are_all_detected(chain):
    """G11: many random tamperings (edit any column, delete, insert, swap), each one detected."""
    rng = random.Random(20261126)
    columns = ["action", "object_id", "actor_label", "data", "occurred_at", "prev_hash", "hash"]
    detected = 0
    trials = 300
    for _ in range(trials):
        seq = rng.randint(1, len(chain))
        kind = rng.choice(["edit", "delete", "swap", "insert"])
        with transaction.atomic():
            sid = transaction.savepoint()
            with tamper_access():
                if kind == "edit":
                    column = rng.choice(columns)
                    value = {
                        "data": '{"i": -1}',
                        "occurred_at": chain[seq - 1].occurred_at.replace(
                            microsecond=(chain[seq - 1].occurred_at.microsecond + 1) % 1_000_000
                        ),
                        "prev_hash": "a" * 64,
                        "hash": "b" * 64,
                    }.get(column, "tampered-" + str(rng.random()))
                    update_raw(seq, **{column: value})
                elif kind == "delete":
                    delete_raw(seq)
                elif kind == "swap":
                    other = seq % len(chain) + 1
                    with connection.cursor() as cursor:
                        cursor.execute("UPDATE core_auditevent SET seq = 100000 WHERE seq = %s", [seq])
                        cursor.execute("UPDATE core_auditevent SET seq = %s WHERE seq = %s", [seq, other])
                        cursor.execute("UPDATE core_auditevent SET seq = %s WHERE seq = 100000", [other])
                else:
                    with connection.cursor() as cursor:
                        cursor.execute(
                            "INSERT INTO core_auditevent (seq, occurred_at, actor_label, action, object_type,"
                            " object_id, data, prev_hash, hash) VALUES (%s, %s, '', 'x', '', '', '{}', %s, %s)",
                            [
                                len(chain) + 1,
                                chain[-1].occurred_at,
                                chain[-1].hash,
                                f"{rng.getrandbits(256):064x}",
                            ],
                        )
            if audit_verify() is not None:
                detected += 1
            transaction.savepoint_rollback(sid)
        assert audit_verify() is None
    assert detected == trials


def test_verify_audit_command(chain, capsys):
    call_command("verify_audit")
    assert "12 events verified" in capsys.readouterr().out
    with tamper_access():
        update_raw(6, object_id="99")
    with pytest.raises(CommandError, match="seq=6"):
        call_command("verify_audit")
