"""PAdES signatures of issued results (pyHanko) and their validation.

Signing credentials, per resolving agency (org-unit code), from ``settings.MOTCUA_SIGNERS[code]`` or else
``settings.MOTCUA_SIGNERS["default"]``; each entry is either

- ``{"pkcs12": "/path/agency.p12", "passphrase": "..."}`` — a PKCS#12 file (``SimpleSigner.load_pkcs12``), or
- ``{"pkcs11_lib": "/usr/lib/...so", "token_label": "...", "key_label": "...", "cert_label": "...",
  "user_pin": "..."}`` — a key on a PKCS#11 token or HSM (``pyhanko.sign.pkcs11``).

When ``MOTCUA_SIGNERS`` is empty (dev, demo, tests) the certificates of ``motcua dev_certs`` under
``MOTCUA_CERTS_DIR`` are used: the agency's own when present, else the "default" provincial one — and, in
dev/demo only (``DEBUG`` or ``MOTCUA_DEMO``), an agency certificate is created on first use. In production an
agency without a credential and no "default" raises ``SigningUnavailable``.

Validation trusts ``settings.MOTCUA_TRUST_ROOTS`` (PEM files), or the dev CA when that list is empty. A file
is authentic only when its single signature is intact, valid, chains to a trusted root and covers the whole
file (nothing appended after signing).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from motcua.org.models import OrgUnit

from . import certs
from .errors import SigningUnavailable

logger = logging.getLogger(__name__)

SIGNATURE_FIELD = "ChuKySoCoQuan"


@dataclass(frozen=True)
class SignerInfo:
    subject: str
    fingerprint: str  # SHA-256 of the DER certificate, hex


def _dev_fallback_allowed() -> bool:
    return bool(getattr(settings, "DEBUG", False) or getattr(settings, "MOTCUA_DEMO", False))


def _signer_config(unit: OrgUnit) -> dict[str, str] | None:
    configured: dict[str, dict[str, str]] = getattr(settings, "MOTCUA_SIGNERS", {}) or {}
    if not configured:
        return None
    entry = configured.get(unit.code) or configured.get(certs.DEFAULT_SIGNER)
    if entry is None:
        raise SigningUnavailable(
            _("Chưa cấu hình chứng thư số để ký kết quả cho “%(unit)s”."), unit=unit.name
        )
    return entry


def _load_pkcs12(path: str | Path, passphrase: bytes | None) -> Any:
    from pyhanko.sign import signers

    try:
        signer = signers.SimpleSigner.load_pkcs12(str(path), passphrase=passphrase)  # type: ignore[no-untyped-call]
    except Exception as exc:  # pyHanko logs and returns None on most errors; some raise
        logger.error("cannot load PKCS#12 %s: %r", path, exc)
        signer = None
    if signer is None:
        raise SigningUnavailable(_("Không đọc được tệp chứng thư số để ký kết quả."))
    return signer


def _pkcs11_signer(entry: dict[str, str]) -> Any:  # pragma: no cover - needs a token (python-pkcs11)
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign import pkcs11

    session = pkcs11.open_pkcs11_session(
        entry["pkcs11_lib"],
        token_criteria=TokenCriteria(label=entry.get("token_label")),
        user_pin=entry.get("user_pin"),
    )
    return pkcs11.PKCS11Signer(
        session,
        key_label=entry.get("key_label"),
        cert_label=entry.get("cert_label") or entry.get("key_label"),
    )


def signer_for(unit: OrgUnit) -> Any:
    """The pyHanko signer of ``unit`` (see the module docstring for where credentials come from)."""
    entry = _signer_config(unit)
    if entry is not None:
        if entry.get("pkcs11_lib"):
            return _pkcs11_signer(entry)
        passphrase = entry.get("passphrase")
        return _load_pkcs12(entry["pkcs12"], passphrase.encode() if passphrase else None)
    path = certs.signer_path(unit.code)
    if not path.is_file() and _dev_fallback_allowed():
        certs.ensure_signer(unit.code, common_name=unit.name)
    if not path.is_file():
        path = certs.signer_path(certs.DEFAULT_SIGNER)
        if not path.is_file() and _dev_fallback_allowed():
            certs.ensure_signer(
                certs.DEFAULT_SIGNER, common_name=f"UBND tỉnh {settings.MOTCUA_PROVINCE_NAME}"
            )
    if not path.is_file():
        raise SigningUnavailable(
            _("Chưa có chứng thư số để ký kết quả: cấu hình MOTCUA_SIGNERS hoặc chạy “motcua dev_certs”.")
        )
    return _load_pkcs12(path, certs.DEV_PASSPHRASE)


def signer_info(signer: Any) -> SignerInfo:
    cert = signer.signing_cert
    return SignerInfo(
        subject=cert.subject.human_friendly, fingerprint=hashlib.sha256(cert.dump()).hexdigest()
    )


def sign_pdf(pdf: bytes, *, unit: OrgUnit, reason: str, location: str = "") -> tuple[bytes, SignerInfo]:
    """``pdf`` signed by ``unit``'s credential (PAdES B-B, SHA-256); the signature covers the whole file."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = signer_for(unit)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason[:200],
        location=location[:200],
        name=unit.name[:200],
    )
    out = _outside_event_loop(signers.sign_pdf, writer, meta, signer=signer)
    return out.getvalue(), signer_info(signer)


def _outside_event_loop(function: Any, *args: Any, **kwargs: Any) -> Any:
    """Call ``function`` (pyHanko's sync API, which runs ``asyncio.run``) where no event loop runs.

    A WSGI worker has none; a thread that already runs a loop (an ASGI server, a test driving a browser)
    would make ``asyncio.run`` fail, so the call then goes to a short-lived worker thread.
    """
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


# -- validation ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureCheck:
    """The verdict on a file's signature. ``problem`` is "" when authentic, else one of ``no_signature``,
    ``signature_broken``, ``untrusted``, ``modified``."""

    problem: str
    detail: str = ""
    signer_subject: str = ""
    signer_fingerprint: str = ""
    signed_at: dt.datetime | None = None

    @property
    def ok(self) -> bool:
        return not self.problem


def trust_roots() -> list[Any]:
    from pyhanko.keys import load_cert_from_pemder

    paths = list(getattr(settings, "MOTCUA_TRUST_ROOTS", []) or [])
    if not paths:
        ca = certs.ca_cert_path()
        if not ca.is_file() and _dev_fallback_allowed():
            certs.ensure_ca()
        paths = [str(ca)] if ca.is_file() else []
    return [load_cert_from_pemder(path) for path in paths]  # type: ignore[no-untyped-call]


def check_signature(pdf: bytes) -> SignatureCheck:
    """Validate the one signature of ``pdf`` against the trust roots (never raises)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:
        return SignatureCheck("signature_broken", f"unreadable: {type(exc).__name__}")
    if not signatures:
        return SignatureCheck("no_signature")
    if len(signatures) != 1:
        return SignatureCheck("modified", f"{len(signatures)} signatures")
    embedded = signatures[0]
    try:
        context = ValidationContext(
            trust_roots=trust_roots(), allow_fetching=False, revocation_mode="soft-fail"
        )
        status = _outside_event_loop(validate_pdf_signature, embedded, context)
    except Exception as exc:
        return SignatureCheck("signature_broken", f"{type(exc).__name__}: {exc}"[:300])
    cert = status.signing_cert
    subject = cert.subject.human_friendly if cert is not None else ""
    fingerprint = hashlib.sha256(cert.dump()).hexdigest() if cert is not None else ""
    signed_at = status.signer_reported_dt

    def verdict(problem: str, detail: str = "") -> SignatureCheck:
        return SignatureCheck(
            problem, detail, signer_subject=subject, signer_fingerprint=fingerprint, signed_at=signed_at
        )

    if not (status.intact and status.valid):
        return verdict("signature_broken", "digest or signature mismatch")
    if not status.trusted:
        return verdict("untrusted", "certificate does not chain to a trusted root")
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        coverage = status.coverage.name if status.coverage is not None else "unknown"
        return verdict("modified", f"coverage {coverage}")
    return verdict("")
