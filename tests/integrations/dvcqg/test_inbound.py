"""Receiving the dossiers filed on the national portal: created through the dossier services, once per
national dossier, and bad, unsigned or replayed messages refused with nothing created and the reason kept."""

import json

import pytest

from motcua.accounts.models import User
from motcua.dossiers.models import Dossier
from motcua.integrations.dvcqg.client import portal_client
from motcua.integrations.dvcqg.inbound import message_receive, submissions_pull
from motcua.integrations.dvcqg.models import PortalDossier, PortalMessage, PortalUpdate
from motcua.integrations.dvcqg.signing import sign

from .conftest import SECRET, submission, sync, vn

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_nine(clock, version):
    clock(vn(2026, 3, 2, 9, 0))
    return clock


def pull():
    return submissions_pull(client=portal_client())


def counts():
    return (
        Dossier.objects.count(),
        User.objects.count(),
        PortalDossier.objects.count(),
        PortalUpdate.objects.count(),
    )


def test_a_submission_becomes_an_online_dossier_awaiting_intake(people, at_nine, portal):
    (message_id,) = portal.submit(submission())
    summary = pull()
    assert (summary.accepted, summary.rejected, summary.refused) == (1, 0, 0)
    link = PortalDossier.objects.select_related("dossier").get(national_code="G22.99-260302-000123")
    d = link.dossier
    assert (d.status, d.channel, d.receiving_point.code, d.resolving_unit.code) == (
        "awaiting_intake", "online", "H56.40", "H56.19"
    )  # fmt: skip
    assert d.code.startswith("H56.40-260302-") and d.form_data == {"muc_dich": "Sinh hoạt"}
    assert [(c.position, c.origin, c.digitised) for c in d.components.filter(required=True)] == [
        (1, "upload", True), (2, "upload", True)
    ]  # fmt: skip
    assert d.components.get(position=1).original_name == "don-de-nghi.pdf"
    account = d.applicant
    assert (account.personal_id, account.kind, account.phone) == ("038090011223", "citizen", "+84912345670")
    assert account.username.startswith("cd.")  # never the personal ID (docs/architecture/personal-data.md)
    assert not account.has_usable_password()  # signs in with VNeID, found by personal ID
    assert link.message_id == message_id
    assert portal.state.acks[message_id] == {"KetQua": "accepted", "MaHoSo": d.code, "MaLyDo": "", "LyDo": ""}
    assert PortalMessage.objects.get(message_id=message_id).acknowledged
    # Its "Mới đăng ký" goes back with both codes.
    sync(pull=False)
    update = portal.state.updates[f"{d.code}:1"]
    assert (update["TrangThaiHoSo"], update["MaHoSoDVCQG"], update["KenhThucHien"]) == (
        1,
        "G22.99-260302-000123",
        2,
    )


def test_an_existing_account_is_used_and_a_document_from_the_portals_store_is_registry_origin(
    people, at_nine, portal
):
    data = submission(
        ChuHoSo={"LoaiDoiTuong": 1, "HoTen": "Lê Thị Hoa", "SoDinhDanh": "038195001234"},
        ThanhPhanHoSo=[submission()["ThanhPhanHoSo"][0], {"ViTri": 2, "DuocLayTuKhoDMQG": 1, "MaTaiLieu": "KHO-77"}],
    )  # fmt: skip
    portal.submit(data)
    users = User.objects.count()
    assert pull().accepted == 1
    d = PortalDossier.objects.get().dossier
    assert d.applicant == people["citizen"] and User.objects.count() == users
    second = d.components.get(position=2)
    assert (second.origin, second.source_reference) == ("registry", "Kho dữ liệu Cổng DVCQG KHO-77")


def test_the_same_national_dossier_twice_gives_one_dossier(people, at_nine, portal):
    first, second = portal.submit(submission(), copies=2)
    summary = pull()
    assert (summary.accepted, summary.duplicates) == (1, 1)
    assert PortalDossier.objects.count() == 1 and Dossier.objects.count() == 1
    code = Dossier.objects.get().code
    assert portal.state.acks[first]["MaHoSo"] == portal.state.acks[second]["MaHoSo"] == code
    # The portal offers an acknowledged message again (its acknowledgement was lost): still one dossier.
    portal.redeliver(first)
    before = counts()
    assert pull().duplicates == 1 and counts() == before
    outcomes = sorted(PortalMessage.objects.values_list("outcome", flat=True))
    assert outcomes == ["accepted", "duplicate", "duplicate"]


def test_a_lost_acknowledgement_is_sent_again_next_time(people, at_nine, portal):
    (message_id,) = portal.submit(submission())
    portal.plan("xac-nhan", "server_error")
    summary = pull()
    assert (summary.accepted, summary.unacknowledged) == (1, 1)
    assert message_id not in portal.state.acks and not PortalMessage.objects.get().acknowledged
    assert pull().duplicates == 1
    assert portal.state.acks[message_id]["KetQua"] == "accepted" and Dossier.objects.count() == 1


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [("unsigned", "unsigned"), ("bad_signature", "bad_signature"), ("stale", "stale_timestamp")],
)
def test_unsigned_badly_signed_or_replayed_messages_are_refused(
    people, at_nine, portal, tamper, reason, caplog
):
    (message_id,) = portal.submit(submission(), tamper=tamper)
    before = counts()
    summary = pull()
    assert (summary.accepted, summary.refused) == (0, 1)
    assert counts() == before  # nothing created
    refused = PortalMessage.objects.get(message_id=message_id)
    assert (refused.outcome, refused.reason_code, refused.acknowledged) == ("refused", reason, False)
    assert refused.national_code == "G22.99-260302-000123"  # for the monitoring page, not trusted
    assert message_id not in portal.state.acks  # not acknowledged: offered again…
    assert reason in caplog.text
    pull()
    refused.refresh_from_db()
    assert refused.seen_count == 2 and PortalMessage.objects.count() == 1  # …and counted, not piled up


def test_a_captured_envelope_replayed_later_is_refused(people, at_nine, portal):
    portal.submit(submission())
    (envelope,) = portal_client().pull(limit=10)
    assert message_receive(envelope).outcome == "accepted"
    at_nine.shift(minutes=10)  # beyond the 5 minutes allowed
    before = counts()
    result = message_receive(envelope)
    assert (result.outcome, result.reason_code) == ("refused", "stale_timestamp") and counts() == before


def test_a_message_id_replayed_with_other_content_is_refused(people, at_nine, portal):
    portal.submit(submission())
    (envelope,) = portal_client().pull(limit=10)
    assert message_receive(envelope).outcome == "accepted"
    content = json.dumps(submission("G22.99-260302-000999"))
    forged = {
        **envelope,
        "NoiDung": content,
        "ChuKy": sign(SECRET, envelope["MaThongDiep"], envelope["ThoiDiemKy"], content),
    }
    before = counts()
    result = message_receive(forged)
    assert (result.outcome, result.reason_code) == (
        "refused",
        "replayed_other_content",
    ) and counts() == before


def test_without_a_configured_secret_nothing_is_taken(people, at_nine, portal, settings):
    portal.submit(submission())
    settings.MOTCUA_DVCQG = {**settings.MOTCUA_DVCQG, "secret": ""}
    before = counts()
    assert pull().refused == 1 and counts() == before
    assert PortalMessage.objects.get().reason_code == "secret_not_configured"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "malformed_json"),
        ([1, 2], "malformed_json"),
        (submission(MaTTHC="9.999999"), "procedure_unknown"),
        ({k: v for k, v in submission().items() if k != "MaHoSoDVCQG"}, "field_missing"),
        (submission(NgayNopHoSo="02/03/2026"), "field_format"),
        (submission(MaCoQuanTiepNhan="H56.999"), "unit_unknown"),
        (submission(ChuHoSo={"LoaiDoiTuong": 1, "HoTen": "A", "SoDinhDanh": "12345"}), "applicant_invalid"),
        (submission(ChuHoSo={"LoaiDoiTuong": 3, "HoTen": "A"}), "applicant_kind"),
        (submission(ThanhPhanHoSo=[{"ViTri": 9, "TenTep": "x.pdf", "NoiDung": "JVBERi0="}]), "component_unknown"),
        (submission(ThanhPhanHoSo=[{"ViTri": 1, "TenTep": "x.pdf", "NoiDung": "không phải base64"}]),
         "component_encoding"),
        (submission(ThanhPhanHoSo=[{"ViTri": 1, "TenTep": "x.pdf", "NoiDung": "PGh0bWw+PC9odG1sPg=="}]),
         "upload_type_not_allowed"),
        (submission(ThanhPhanHoSo=submission()["ThanhPhanHoSo"][:1]), "components_missing"),
    ],
)  # fmt: skip
def test_bad_content_is_rejected_with_its_reason_and_nothing_is_created(
    people, at_nine, portal, content, reason
):
    (message_id,) = portal.submit(content)
    before = counts()
    summary = pull()
    assert (summary.accepted, summary.rejected) == (0, 1)
    assert counts() == before  # no dossier, no account, no mapping, no outbox row
    kept = PortalMessage.objects.get(message_id=message_id)
    assert (kept.outcome, kept.reason_code) == ("rejected", reason) and kept.reason
    ack = portal.state.acks[message_id]
    assert ack["KetQua"] == "rejected" and ack["MaLyDo"] == kept.reason_code and ack["LyDo"]
    assert pull().rejected == 0  # acknowledged: not offered again


def test_the_portal_down_when_pulling_creates_nothing_and_does_not_stop_the_push(people, at_nine, portal):
    portal.submit(submission())
    portal.plan("ho-so-moi", "server_error")
    summary = sync()
    assert summary.pull.error.startswith("dvcqg_unavailable") and Dossier.objects.count() == 0
    assert summary.push is not None
    assert sync().pull.accepted == 1
