"""The citizen's lists cost the same number of queries whatever their length: the data store, the access
ledger, the issued results and the public feedback answers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from motcua.core.blobs import put_blob
from motcua.feedback.services import feedback_answer, feedback_publish, feedback_submit
from motcua.org.models import OrgUnit
from motcua.wallet.services import document_store, ledger_record

pytestmark = pytest.mark.django_db


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def add_documents(citizen, first, count):
    for i in range(first, first + count):
        blob = put_blob(b"%PDF-1.4 stored document " + str(i).encode(), extension="pdf")
        document_store(
            owner_kind="person", owner_key=citizen.personal_id, owner_name=citizen.full_name,
            document_type="CCCD" if i % 2 else "GIAY_KHAI_SINH", title=f"Giấy tờ {i}", blob=blob,
            original_name=f"g{i}.pdf", content_type="application/pdf", page_count=1, origin="upload",
        )  # fmt: skip


def add_reads(citizen, officer, count):
    unit = OrgUnit.objects.get(code="H56.40")
    for i in range(count):
        ledger_record(
            subject_kind="person", subject_key=citizen.personal_id, kind="dossier_read", actor=officer,
            purpose=f"Giải quyết hồ sơ {i}", unit=unit, dossier_code=f"H56.40-260302-{i:04d}",
        )  # fmt: skip


def add_answers(officer, first, count):
    unit = OrgUnit.objects.get(code="H56.40")
    for i in range(first, first + count):
        f = feedback_submit(
            subject_kind="unit", unit=unit, title=f"Phản ánh {i}", content="Nội dung", sender_name="A",
            phone=f"09120000{i:02d}", consent=True,
        )  # fmt: skip
        feedback_publish(
            feedback=feedback_answer(feedback=f, officer=officer, answer="Đã xử lý"), officer=officer
        )


def test_lists_do_not_grow_with_their_rows(client, people):
    citizen, officer = people["citizen"], people["admin"]
    client.force_login(citizen)
    pages = [reverse("wallet_home"), reverse("my_access_ledger"), reverse("feedback_list")]
    add_documents(citizen, 0, 2)
    add_reads(citizen, officer, 2)
    add_answers(officer, 0, 2)
    few = [queries(client, url) for url in pages]
    add_documents(citizen, 2, 6)
    add_reads(citizen, officer, 6)
    add_answers(officer, 2, 6)
    many = [queries(client, url) for url in pages]
    assert many == few, dict(zip(pages, zip(few, many, strict=True), strict=True))


def test_the_staff_feedback_queue_does_not_grow_with_its_rows(client, people):
    unit = OrgUnit.objects.get(code="H56.40")

    def add(first, count):
        for i in range(first, first + count):
            feedback_submit(
                subject_kind="unit", unit=unit, title=f"Phản ánh {i}", content="Nội dung", sender_name="A",
                phone=f"09130000{i:02d}", consent=True,
            )  # fmt: skip

    client.force_login(people["admin"])
    add(0, 2)
    few = queries(client, reverse("backoffice:feedback_queue"))
    add(2, 6)
    assert queries(client, reverse("backoffice:feedback_queue")) == few
