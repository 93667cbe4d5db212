"""The signature receivers check: ``t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``."""

import datetime as dt
import hashlib
import hmac

import pytest

from motcua.integrations.http import HttpRequest
from motcua.integrations.webhooks import sealing
from motcua.integrations.webhooks.fake import FakeReceiver
from motcua.integrations.webhooks.signing import parse_header, sign, signature_header, verify

SECRET = "whsec_test-secret"
BODY = b'{"dossier":{"code":"H56.40-260302-0001"},"id":"e1","type":"dossier.received"}'
T = 1_772_416_800  # 2026-03-02 09:00 +07:00


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body():
    expected = hmac.new(SECRET.encode(), f"{T}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, T, BODY) == expected
    assert signature_header([SECRET], T, BODY) == f"t={T},v1={expected}"
    assert parse_header(f"t={T}, v1={expected.upper()}") == (T, [expected])


def test_verify_accepts_the_genuine_request_within_five_minutes():
    header = signature_header([SECRET], T, BODY)
    assert verify(SECRET, header, BODY, T)
    assert verify(SECRET, header, BODY, T + 300)
    assert verify(SECRET, header, BODY, dt.datetime.fromtimestamp(T + 299, tz=dt.UTC))


@pytest.mark.parametrize(
    ("secret", "body", "now", "header_t"),
    [
        ("whsec_other", BODY, T, T),  # another secret
        (SECRET, BODY.replace(b"received", b"returned"), T, T),  # an altered body
        (SECRET, BODY + b" ", T, T),  # even one byte
        (SECRET, BODY, T + 301, T),  # a replay after the tolerance
        (SECRET, BODY, T - 301, T),  # a timestamp from the future
        ("", BODY, T, T),  # no secret verifies nothing
    ],
)
def test_verify_refuses_altered_requests(secret, body, now, header_t):
    header = signature_header([SECRET], header_t, BODY)
    assert not verify(secret, header, body, now)


def test_an_altered_timestamp_breaks_the_signature():
    header = signature_header([SECRET], T, BODY)
    forged = header.replace(f"t={T}", f"t={T + 600}")
    assert not verify(SECRET, forged, BODY, T + 600)


@pytest.mark.parametrize("header", ["", "v1=abc", f"t={T}", "t=soon,v1=abc", "garbage"])
def test_malformed_headers_do_not_verify(header):
    assert not verify(SECRET, header, BODY, T)


def test_during_a_rotation_either_secret_verifies():
    header = signature_header(["whsec_new", "whsec_old"], T, BODY)
    assert header.count("v1=") == 2
    assert verify("whsec_new", header, BODY, T) and verify("whsec_old", header, BODY, T)
    assert not verify("whsec_third", header, BODY, T)


def test_the_fake_receiver_refuses_a_request_with_a_bad_signature():
    now = dt.datetime.fromtimestamp(T, tz=dt.UTC)
    receiver = FakeReceiver(secret=SECRET, clock=lambda: now)
    good = {"X-Motcua-Signature": signature_header([SECRET], T, BODY), "X-Motcua-Delivery": "d1"}
    assert receiver(HttpRequest("POST", "https://x", good, BODY, 5)).status == 200
    bad = {**good, "X-Motcua-Delivery": "d2"}
    assert receiver(HttpRequest("POST", "https://x", bad, BODY + b"x", 5)).status == 401
    assert [r.verdict for r in receiver.requests] == ["processed", "refused"]
    assert len(receiver.events) == 1


def test_secrets_are_sealed_and_unsealed_with_fallback_keys(settings):
    secret = sealing.new_secret()
    assert secret.startswith("whsec_") and len(secret) > 40
    sealed = sealing.seal(secret)
    assert secret not in sealed and sealing.unseal(sealed) == secret
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-key-" + "x" * 50, [old_key]
    assert sealing.unseal(sealed) == secret  # a key rotation the Django way keeps it readable
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(ValueError):
        sealing.unseal(sealed)


def test_secrets_sealed_by_the_first_release_still_open_and_only_as_webhook_secrets(settings):
    """The key derivation is the one ``sealing.py`` had before ``motcua.core.sealing`` (copied here)."""
    import base64

    from cryptography.fernet import Fernet

    from motcua.accounts import totp

    settings.MOTCUA_TOTP_KEY = ""
    digest = hashlib.sha256(b"motcua.integrations.webhooks.secret:" + settings.SECRET_KEY.encode()).digest()
    sealed = Fernet(base64.urlsafe_b64encode(digest)).encrypt(SECRET.encode()).decode("ascii")
    assert sealing.unseal(sealed) == SECRET
    with pytest.raises(ValueError):
        totp.unseal(sealed)  # same key material, another label: another key
    with pytest.raises(ValueError):
        sealing.unseal(totp.seal("JBSWY3DPEHPK3PXP"))


def test_the_receivers_snippet_in_the_docs_agrees_with_verify():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[3] / "docs" / "api" / "webhooks.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in text.split("```python\n")[1:]]
    snippet = next(b for b in blocks if "def verify(" in b)
    namespace: dict = {}
    exec(compile(snippet, "docs/api/webhooks.md", "exec"), namespace)  # noqa: S102 - our own docs
    doc_verify = namespace["verify"]
    header = signature_header([SECRET, "whsec_old"], T, BODY)
    for secret, body, now in [(SECRET, BODY, T), ("whsec_old", BODY, T + 200), (SECRET, BODY + b"x", T),
                              ("whsec_x", BODY, T), (SECRET, BODY, T + 301), ("", BODY, T)]:  # fmt: skip
        assert doc_verify(secret, header, body, now) == verify(secret, header, body, now)
    assert doc_verify(SECRET, header, BODY, T)
