"""The local test CA and agency signing certificates of dev, demo and tests (``motcua dev_certs``).

Never used in production: there ``settings.MOTCUA_SIGNERS`` names each agency's PKCS#12 file or PKCS#11
token and ``settings.MOTCUA_TRUST_ROOTS`` the national root (Root CA of the Government's digital signature
service). Layout under ``settings.MOTCUA_CERTS_DIR``::

    ca.pem              the test CA certificate (the trust root of verification when MOTCUA_TRUST_ROOTS is empty)
    ca-key.pem          its private key (unencrypted: a throw-away test key)
    signers/<name>.p12  one PKCS#12 per signer: "default" (the province) and one per resolving agency,
                        passphrase ``DEV_PASSPHRASE``

Everything is EC P-256. Creation is idempotent: an existing file is kept (delete the folder to start over).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import re
import secrets
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings

DEV_PASSPHRASE = b"motcua-dev-only"
DEFAULT_SIGNER = "default"
# Test certificates are valid from a fixed past date, so documents signed with a simulated clock (demo history,
# tests that travel in time) still validate.
VALID_FROM = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
_SAFE = re.compile(r"[^A-Za-z0-9._-]")
_lock = threading.RLock()


def certs_dir() -> Path:
    return Path(settings.MOTCUA_CERTS_DIR)


def ca_cert_path() -> Path:
    return certs_dir() / "ca.pem"


def signer_path(name: str) -> Path:
    return certs_dir() / "signers" / f"{_SAFE.sub('_', name) or DEFAULT_SIGNER}.p12"


@contextlib.contextmanager
def _locked() -> Iterator[None]:
    """This thread and every other process creating certificates in the same folder wait for each other
    (test workers, two dev servers): a CA key and certificate must come from the same run."""
    folder = certs_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with _lock, open(folder / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield None
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def _province() -> str:
    return str(getattr(settings, "MOTCUA_PROVINCE_NAME", "") or "Thanh Hóa")


def _fit(text: str, limit: int = 64) -> str:
    """At most ``limit`` UTF-8 bytes (X.509 name attributes are limited in bytes for UTF8String)."""
    while len(text.encode("utf-8")) > limit:
        text = text[:-1]
    return text.strip()


def _name(common_name: str, *, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, _province()),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(organisation)),
            x509.NameAttribute(NameOID.COMMON_NAME, _fit(common_name)),
        ]
    )


def ensure_ca() -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey, bool]:
    """The test CA (created when missing); the flag says whether it was created now."""
    cert_file, key_file = ca_cert_path(), certs_dir() / "ca-key.pem"
    with _locked():
        if cert_file.is_file() and key_file.is_file():
            cert = x509.load_pem_x509_certificate(cert_file.read_bytes())
            key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
            assert isinstance(key, ec.EllipticCurvePrivateKey)  # noqa: S101 - our own file
            return cert, key, False
        key = ec.generate_private_key(ec.SECP256R1())
        name = _name(
            f"motcua Test CA {_province()} (KHÔNG DÙNG THẬT)", organisation="motcua — chỉ dùng thử nghiệm"
        )
        now = dt.datetime.now(dt.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(VALID_FROM)
            .not_valid_after(now + dt.timedelta(days=20 * 365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256())
        )
        _write_atomic(
            key_file,
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
        )
        _write_atomic(cert_file, cert.public_bytes(serialization.Encoding.PEM))
        return cert, key, True


def ensure_signer(name: str, *, common_name: str) -> tuple[Path, bool]:
    """The PKCS#12 of signer ``name`` (``default`` or an org-unit code), created when missing."""
    path = signer_path(name)
    if path.is_file():
        return path, False
    ca_cert, ca_key, _created = ensure_ca()
    with _locked():
        if path.is_file():
            return path, False
        key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name, organisation=f"UBND tỉnh {_province()}"))
            .issuer_name(ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(VALID_FROM)
            .not_valid_after(now + dt.timedelta(days=10 * 365))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
            )
            .sign(ca_key, hashes.SHA256())
        )
        data = pkcs12.serialize_key_and_certificates(
            name=f"motcua-{name}-{secrets.token_hex(2)}".encode(),
            key=key,
            cert=cert,
            cas=[ca_cert],
            encryption_algorithm=serialization.BestAvailableEncryption(DEV_PASSPHRASE),
        )
        _write_atomic(path, data)
        return path, True
