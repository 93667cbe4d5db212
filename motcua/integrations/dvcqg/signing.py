"""The signature on each dossier message the portal sends: HMAC-SHA256 with the shared secret.

The signed text is ``<message id> LF <timestamp> LF <content>``, where the content is the dossier's JSON
*as text* (the envelope carries it as a string, so nothing needs re-serialising to check it) and the
timestamp is when the portal signed the envelope (ISO 8601 with an offset). The portal signs each time it
serves a message, so an envelope captured and replayed later carries a stale timestamp and is refused.
"""

from __future__ import annotations

import hashlib
import hmac


def signed_text(message_id: str, timestamp: str, content: str) -> bytes:
    return f"{message_id}\n{timestamp}\n{content}".encode()


def sign(secret: str, message_id: str, timestamp: str, content: str) -> str:
    """The hex signature of one message."""
    return hmac.new(secret.encode(), signed_text(message_id, timestamp, content), hashlib.sha256).hexdigest()


def signature_valid(secret: str, message_id: str, timestamp: str, content: str, signature: str) -> bool:
    """Constant-time comparison; an empty secret never verifies anything."""
    if not secret or not signature:
        return False
    expected = sign(secret, message_id, timestamp, content)
    return hmac.compare_digest(expected, signature.strip().lower())
