"""The code tables both ways: every motcua status has one DVCQG code that maps back to it, the channel and
applicant codes round-trip, and the documented table says the same as the code."""

import re
from pathlib import Path

import pytest

from motcua.dossiers.models import ApplicantKind, Channel
from motcua.dossiers.status import DossierAction, DossierStatus
from motcua.integrations.dvcqg import codes
from motcua.integrations.dvcqg.codes import PortalStatus

DOC = Path(__file__).resolve().parents[3] / "docs" / "architecture" / "dvcqg-sync.md"


@pytest.mark.parametrize("status", [s for s in DossierStatus.values if s != DossierStatus.DRAFT])
def test_every_status_maps_to_one_code_that_maps_back(status):
    code = codes.dvcqg_status_for(status)
    assert status in codes.motcua_statuses_for(code)


def test_the_expected_pairs():
    S, P = DossierStatus, PortalStatus
    assert {s: int(codes.dvcqg_status_for(s)) for s in DossierStatus.values if s != S.DRAFT} == {
        S.AWAITING_INTAKE: 1, S.RECEIVED: 2, S.REFUSED: 3, S.PROCESSING: 4, S.SUSPENDED: 4,
        S.AWAITING_SUPPLEMENT: 5, S.RESULT_READY: 9, S.RETURNED: 10, S.STOPPED: 8, S.CLOSED: 8,
    }  # fmt: skip
    assert codes.motcua_statuses_for(P.PROCESSING) == (S.PROCESSING, S.SUSPENDED)
    assert codes.motcua_statuses_for(P.FINANCIAL_OBLIGATION) == (S.PROCESSING,)
    assert codes.motcua_statuses_for(P.WITHDRAW_REQUEST) == ()  # a request, not a status


def test_every_portal_code_is_known_both_ways_and_labelled():
    assert [int(p) for p in PortalStatus] == list(range(1, 11))
    for code in PortalStatus:
        codes.motcua_statuses_for(code)  # no KeyError
        assert codes.status_label(code) != str(int(code))
        if code in (PortalStatus.FINANCIAL_OBLIGATION, PortalStatus.WITHDRAW_REQUEST):
            continue  # the portal's own: motcua never sends them
        for status in codes.motcua_statuses_for(code):
            assert codes.dvcqg_status_for(status) == code
    with pytest.raises(ValueError):
        codes.motcua_statuses_for(11)
    with pytest.raises(KeyError):
        codes.dvcqg_status_for(DossierStatus.DRAFT)


def test_channels_and_applicant_kinds_round_trip():
    for channel in Channel.values:
        assert codes.CHANNEL_FROM_PORTAL[codes.CHANNEL_TO_PORTAL[channel]] == channel
    assert codes.CHANNEL_TO_PORTAL == {"counter": 1, "online": 2, "postal": 3}
    for kind in ApplicantKind.values:
        assert codes.APPLICANT_FROM_PORTAL[codes.APPLICANT_TO_PORTAL[kind]] == kind


def test_which_events_are_reported():
    A, S = DossierAction, DossierStatus
    assert codes.update_kind(A.SUBMIT, S.AWAITING_INTAKE) == codes.KIND_STATUS
    assert codes.update_kind(A.RESULT_ISSUED, S.RESULT_READY) == codes.KIND_RESULT
    assert codes.update_kind(A.APOLOGISE, S.PROCESSING) == codes.KIND_APPOINTMENT
    for internal in (A.ASSIGN, A.FORWARD, A.SEND_BACK, A.HAND_OVER, A.HAND_BACK, A.FEE_PAID, A.IMPORT):
        assert codes.update_kind(internal, S.PROCESSING) is None
    assert codes.update_kind(A.RECEIVE, S.DRAFT) is None


def test_the_documented_table_matches_the_code():
    text = DOC.read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| (\d+) \| ([^|]+?) \|", text, flags=re.M))
    assert {int(k): v.strip() for k, v in rows.items()} == {
        int(c): codes.status_label(c) for c in PortalStatus
    }
