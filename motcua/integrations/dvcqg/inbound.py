"""Receiving the dossiers citizens file on the national portal (pull, then acknowledge).

``motcua sync_dvcqg`` asks the portal for the submissions it has not had an acknowledgement for
(``client.pull``), takes each one through ``message_receive`` and tells the portal what became of it
(``client.acknowledge``). Each message is checked in this order, and the first failure decides:

1. the envelope: ``MaThongDiep``, ``ThoiDiemKy``, ``NoiDung`` (the dossier's JSON as text) and ``ChuKy``;
2. the signature: HMAC-SHA256 with the shared secret (``signing.py``) — missing or wrong → *refused*;
3. the timestamp: within ``max_skew_seconds`` of our clock — otherwise a replay → *refused*;
4. a message id already accepted: the same content → *duplicate* (nothing created, acknowledged again);
   other content under the same id → *refused*;
5. the content (``protocol.parse_submission``), the procedure (published), the receiving point, the
   applicant, the components → *rejected* with the reason;
6. a national dossier code already received → *duplicate* (the same dossier twice gives one dossier).

A refused message is not acknowledged (the portal offers it again: a rotated key fixed later lets it
through); a rejected one is acknowledged as rejected with the reason, so the portal can tell the citizen.
Every outcome is logged and kept in ``PortalMessage``; nothing is created unless the message is accepted.

An accepted message becomes a dossier through the dossier services, as the citizen would have filed it in
motcua: ``dossier_create_draft`` → components (``dossier_component_attach`` for a file,
``dossier_component_provide`` with origin "registry" for a document taken from the portal's store) →
``dossier_submit``, so it waits for intake at its receiving point with a provincial code, and the national
code is kept in ``PortalDossier`` — all in one transaction. The applicant's account is found by personal
ID (tax code for a business); a citizen without one gets an account without a password (they signed in
with VNeID on the portal; signing in to motcua with VNeID later finds the same account by personal ID).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import AccountKind, User
from motcua.accounts.usernames import citizen_username
from motcua.catalogue.models import ProcedureVersion
from motcua.catalogue.routing import can_receive_at
from motcua.catalogue.selectors import procedure_get_published
from motcua.core.audit import audit_record
from motcua.core.validators import normalize_phone, validate_cccd, validate_mst
from motcua.dossiers import services as dossier_services
from motcua.dossiers.errors import DossierError
from motcua.dossiers.models import ApplicantKind, ComponentOrigin, Dossier
from motcua.dossiers.procedure import procedure_spec
from motcua.org.models import OrgUnit

from . import conf
from .client import PortalClient
from .errors import MessageRefused, PortalError
from .models import MessageOutcome, PortalDossier, PortalMessage
from .protocol import PortalApplicant, Submission, parse_submission
from .signing import signature_valid

logger = logging.getLogger("motcua.integrations.dvcqg")


@dataclass
class Received:
    """What became of one message."""

    outcome: str  # MessageOutcome value
    message_id: str = ""
    national_code: str = ""
    reason_code: str = ""
    reason: str = ""
    dossier: Dossier | None = None

    @property
    def acknowledge(self) -> bool:
        return self.outcome != MessageOutcome.REFUSED and bool(self.message_id)


@dataclass
class PullSummary:
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    refused: int = 0
    unacknowledged: int = 0
    error: str = ""
    results: list[Received] = field(default_factory=list)


def _refuse(code: str, message: str) -> MessageRefused:
    return MessageRefused(message, code=code, outcome="refused")


def _reject(code: str, message: str) -> MessageRefused:
    return MessageRefused(message, code=code, outcome="rejected")


# -- the envelope ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Envelope:
    message_id: str
    signed_at: str
    content: str
    signature: str


def _envelope(raw: Any) -> Envelope:
    if not isinstance(raw, dict):
        raise _refuse("malformed_envelope", _("Thông điệp không phải một đối tượng JSON."))
    message_id, signed_at, content = raw.get("MaThongDiep"), raw.get("ThoiDiemKy"), raw.get("NoiDung")
    if not isinstance(message_id, str) or not message_id.strip() or len(message_id) > 100:
        raise _refuse("malformed_envelope", _("Thông điệp thiếu mã thông điệp (MaThongDiep)."))
    if not isinstance(signed_at, str) or not isinstance(content, str):
        raise _refuse("malformed_envelope", _("Thông điệp thiếu thời điểm ký hoặc nội dung."))
    signature = raw.get("ChuKy")
    if signature in (None, ""):
        raise _refuse("unsigned", _("Thông điệp không có chữ ký (ChuKy)."))
    if not isinstance(signature, str):
        raise _refuse("bad_signature", _("Chữ ký của thông điệp không hợp lệ."))
    return Envelope(message_id.strip(), signed_at, content, signature)


def _verify(envelope: Envelope, now: dt.datetime) -> None:
    secret = conf.secret()
    if not secret:
        raise _refuse(
            "secret_not_configured", _("Chưa cấu hình khóa bí mật để kiểm tra chữ ký (MOTCUA_DVCQG_SECRET).")
        )
    if not signature_valid(
        secret, envelope.message_id, envelope.signed_at, envelope.content, envelope.signature
    ):
        raise _refuse("bad_signature", _("Chữ ký của thông điệp không đúng."))
    try:
        signed_at = dt.datetime.fromisoformat(envelope.signed_at.replace("Z", "+00:00"))
    except ValueError as exc:
        raise _refuse("bad_timestamp", _("Thời điểm ký không đúng định dạng ISO 8601.")) from exc
    if signed_at.tzinfo is None:
        raise _refuse("bad_timestamp", _("Thời điểm ký phải có múi giờ."))
    if abs(now - signed_at) > conf.max_skew():
        raise _refuse(
            "stale_timestamp",
            _("Thông điệp được ký lúc %(at)s, lệch quá xa thời điểm hiện tại: có thể là thông điệp gửi lại.")
            % {"at": envelope.signed_at},
        )


# -- the applicant and the dossier ----------------------------------------------------------------------


def _applicant_account(applicant: PortalApplicant) -> User:
    """The applicant's account, found by personal ID / tax code, or made (without a password)."""
    try:
        if applicant.kind == ApplicantKind.CITIZEN:
            validate_cccd(applicant.personal_id)
            key, lookup = applicant.personal_id, {"personal_id": applicant.personal_id}
        else:
            validate_mst(applicant.tax_code)
            key, lookup = applicant.tax_code, {"tax_code": applicant.tax_code}
        phone = normalize_phone(applicant.phone) if applicant.phone else ""
    except ValidationError as exc:
        raise _reject("applicant_invalid", exc.messages[0]) from exc
    account = User.objects.filter(**lookup).first()
    if account is not None:
        if account.kind == AccountKind.STAFF:
            raise _reject("applicant_is_staff", _("Số định danh của chủ hồ sơ thuộc một tài khoản cán bộ."))
        return account
    if User.objects.filter(username=key).exists():
        raise _reject(
            "applicant_account_conflict", _("Đã có tài khoản khác dùng tên đăng nhập %(key)s.") % {"key": key}
        )
    account = User(
        # A citizen's username is never the personal ID (docs/architecture/personal-data.md).
        username=citizen_username() if applicant.kind == ApplicantKind.CITIZEN else key,
        kind=AccountKind.CITIZEN if applicant.kind == ApplicantKind.CITIZEN else AccountKind.BUSINESS,
        full_name=applicant.name,
        phone=phone,
        email=applicant.email if "@" in applicant.email else "",
        **lookup,
    )
    account.set_unusable_password()
    account.save()
    audit_record(action="account.created_from_dvcqg", obj=account, data={"kind": account.kind})
    return account


def _unit(code: str, field_name: str) -> OrgUnit:
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None:
        raise _reject(
            "unit_unknown",
            _("Không có đơn vị mã “%(code)s” (%(field)s).") % {"code": code, "field": field_name},
        )
    return unit


def _attach_components(dossier: Dossier, account: User, submission: Submission) -> None:
    by_position = {c.position: c for c in dossier.components.all()}
    for item in submission.components:
        component = by_position.get(item.position)
        if component is None:
            raise _reject(
                "component_unknown",
                _("Thủ tục không có thành phần hồ sơ số %(n)s.") % {"n": item.position},
            )
        if item.from_store:
            dossier_services.dossier_component_provide(
                dossier=dossier, actor=account, component_id=component.pk, origin=ComponentOrigin.REGISTRY,
                reference=f"Kho dữ liệu Cổng DVCQG {item.reference}".strip(),
            )  # fmt: skip
        else:
            upload = SimpleUploadedFile(item.file_name, item.content or b"")
            dossier_services.dossier_component_attach(
                dossier=dossier, actor=account, component_id=component.pk, upload=upload
            )


def _version(code: str) -> ProcedureVersion:
    version = procedure_get_published(code=code)
    if version is None:
        raise _reject("procedure_unknown", _("Không có thủ tục mã “%(code)s” đang công bố.") % {"code": code})
    return version


def _create(submission: Submission, envelope: Envelope, sha: str, now: dt.datetime) -> Dossier:
    """The dossier, through the dossier services, and the accepted message's record, in one transaction
    (all or nothing)."""
    version = _version(submission.procedure_code)
    point = _unit(submission.receiving_point_code, "MaCoQuanTiepNhan")
    if not can_receive_at(point, listed=procedure_spec(version).receiving_points):
        raise _reject(
            "receiving_point_not_allowed",
            _("“%(unit)s” không tiếp nhận thủ tục này.") % {"unit": point.name},
        )
    commune = _unit(submission.commune_code, "MaXaPhuong") if submission.commune_code else None
    with transaction.atomic():
        account = _applicant_account(submission.applicant)
        draft = dossier_services.dossier_create_draft(
            applicant=account,
            procedure_version=version,
            receiving_point=point,
            applicant_commune=commune,
            form_data=submission.form_data,
            address=submission.applicant.address,
        )
        _attach_components(draft, account, submission)
        PortalDossier.objects.create(
            dossier=draft,
            national_code=submission.national_code,
            message_id=envelope.message_id,
            submitted_on_portal_at=submission.submitted_at,
        )
        dossier = dossier_services.dossier_submit(dossier=draft, applicant=account)
        audit_record(
            action="dvcqg.dossier_received", obj=dossier,
            data={"national_code": submission.national_code, "message_id": envelope.message_id},
        )  # fmt: skip
        PortalMessage.objects.create(
            message_id=envelope.message_id, national_code=submission.national_code,
            outcome=MessageOutcome.ACCEPTED, payload_sha256=sha, dossier=dossier, received_at=now, last_seen_at=now,
        )  # fmt: skip
    return dossier


# -- one message -----------------------------------------------------------------------------------------


def _log(result: Received, sha: str, now: dt.datetime) -> None:
    """Keep the outcome (an accepted message is kept with its dossier, in ``_create``); a message seen
    again with the same outcome and content bumps its counter."""
    if result.outcome == MessageOutcome.ACCEPTED:
        logger.info("DVCQG message %s (%s): accepted", result.message_id, result.national_code)
        return
    existing = PortalMessage.objects.filter(
        message_id=result.message_id,
        outcome=result.outcome,
        reason_code=result.reason_code,
        payload_sha256=sha,
    ).first()
    if existing is not None:
        existing.seen_count += 1
        existing.last_seen_at = now
        existing.save(update_fields=["seen_count", "last_seen_at"])
        return
    PortalMessage.objects.create(
        message_id=result.message_id[:100],
        national_code=result.national_code[:60],
        outcome=result.outcome,
        reason_code=result.reason_code[:60],
        reason=result.reason[:2000],
        payload_sha256=sha,
        dossier=result.dossier,
        received_at=now,
        last_seen_at=now,
    )
    level = logging.INFO if result.outcome == MessageOutcome.DUPLICATE else logging.WARNING
    logger.log(
        level, "DVCQG message %s (%s): %s %s %s", result.message_id or "?", result.national_code or "?",
        result.outcome, result.reason_code, result.reason,
    )  # fmt: skip


def _national_code_of(content: str) -> str:
    try:
        data = json.loads(content)
    except ValueError:
        return ""
    code = data.get("MaHoSoDVCQG") if isinstance(data, dict) else None
    return code[:60] if isinstance(code, str) else ""


def message_receive(raw: Any, *, now: dt.datetime | None = None) -> Received:
    """Check one envelope and, when it is good and new, create its dossier. Never raises for a bad message."""
    moment = now or timezone.now()
    message_id = str(raw.get("MaThongDiep") or "")[:100] if isinstance(raw, dict) else ""
    sha = ""
    try:
        envelope = _envelope(raw)
        sha = hashlib.sha256(envelope.content.encode("utf-8")).hexdigest()
        _verify(envelope, moment)
        result = _receive_verified(envelope, sha, moment)
    except MessageRefused as exc:
        content = raw.get("NoiDung") if isinstance(raw, dict) else None
        result = Received(
            outcome=exc.outcome, message_id=message_id, reason_code=exc.code, reason=str(exc),
            national_code=_national_code_of(content) if isinstance(content, str) else "",
        )  # fmt: skip
    _log(result, sha, moment)
    return result


def _receive_verified(envelope: Envelope, sha: str, now: dt.datetime) -> Received:
    earlier = PortalMessage.objects.filter(
        message_id=envelope.message_id, outcome=MessageOutcome.ACCEPTED
    ).first()
    if earlier is not None:
        if earlier.payload_sha256 != sha:
            raise _refuse("replayed_other_content", _("Mã thông điệp đã dùng cho một nội dung khác."))
        return _duplicate(envelope, earlier.national_code, earlier.dossier)
    try:
        data = json.loads(envelope.content)
    except ValueError as exc:
        raise _reject("malformed_json", _("Nội dung thông điệp không phải JSON.")) from exc
    submission = parse_submission(data, max_file_bytes=int(conf.setting("max_file_bytes")))
    known = (
        PortalDossier.objects.select_related("dossier").filter(national_code=submission.national_code).first()
    )
    if known is not None:
        return _duplicate(envelope, submission.national_code, known.dossier)
    try:
        dossier = _create(submission, envelope, sha, now)
    except (DossierError, MessageRefused) as exc:
        if isinstance(exc, MessageRefused):
            raise
        raise _reject(exc.code, str(exc)) from exc
    except IntegrityError:
        # Another worker took the same national dossier at the same moment: it is theirs.
        known = (
            PortalDossier.objects.select_related("dossier")
            .filter(national_code=submission.national_code)
            .first()
        )
        if known is None:  # e.g. the applicant's account made at the same moment: try again next pull
            raise _refuse("conflict_retry", _("Xung đột khi ghi hồ sơ; sẽ nhận lại ở lần sau.")) from None
        return _duplicate(envelope, submission.national_code, known.dossier)
    return Received(
        outcome=MessageOutcome.ACCEPTED, message_id=envelope.message_id,
        national_code=submission.national_code, dossier=dossier,
    )  # fmt: skip


def _duplicate(envelope: Envelope, national_code: str, dossier: Dossier | None) -> Received:
    return Received(
        outcome=MessageOutcome.DUPLICATE, message_id=envelope.message_id, national_code=national_code,
        dossier=dossier, reason_code="duplicate",
        reason=_("Đã nhận hồ sơ này trước đó (mã %(code)s).") % {"code": dossier.code if dossier else "?"},
    )  # fmt: skip


def submissions_pull(*, client: PortalClient, now: dt.datetime | None = None) -> PullSummary:
    """One pull: every offered message received, then acknowledged (refused ones are not)."""
    summary = PullSummary()
    try:
        envelopes = client.pull(limit=int(conf.setting("pull_batch")))
    except PortalError as exc:
        summary.error = f"{exc.code}: {exc}"
        logger.warning("DVCQG pull failed: %s", summary.error)
        return summary
    for raw in envelopes:
        result = message_receive(raw, now=now)
        summary.results.append(result)
        if result.outcome == MessageOutcome.ACCEPTED:
            summary.accepted += 1
        elif result.outcome == MessageOutcome.DUPLICATE:
            summary.duplicates += 1
        elif result.outcome == MessageOutcome.REJECTED:
            summary.rejected += 1
        else:
            summary.refused += 1
        if result.acknowledge:
            _acknowledge(client, result, summary)
    return summary


def _acknowledge(client: PortalClient, result: Received, summary: PullSummary) -> None:
    outcome = "accepted" if result.outcome == MessageOutcome.DUPLICATE else result.outcome
    try:
        client.acknowledge(
            message_id=result.message_id, outcome=outcome,
            dossier_code=(result.dossier.code or "") if result.dossier else "",
            reason_code="" if result.outcome == MessageOutcome.ACCEPTED else result.reason_code,
            reason="" if result.outcome == MessageOutcome.ACCEPTED else result.reason,
        )  # fmt: skip
    except PortalError as exc:
        # The portal offers the message again; it is then a duplicate and acknowledged again.
        summary.unacknowledged += 1
        logger.warning("DVCQG acknowledgement of %s failed: %s", result.message_id, exc)
        return
    PortalMessage.objects.filter(message_id=result.message_id, outcome=result.outcome).update(
        acknowledged=True
    )
