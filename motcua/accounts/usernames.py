"""Usernames of citizen accounts: never the personal ID (docs/architecture/personal-data.md).

A citizen signs in with their personal ID (``selectors.user_for_identifier`` finds the account by the
encrypted ``User.personal_id``), so the username is only an internal handle — and it ends up in the audit chain
(``actor_label``) and other plain columns, where a personal ID must not be. It is ``cd.`` and ten random
lowercase letters: nothing in it can be read as a number.
"""

from __future__ import annotations

import secrets
import string

from .models import User

PREFIX = "cd."


def citizen_username() -> str:
    """A fresh, unused username for a citizen account."""
    while True:
        candidate = PREFIX + "".join(secrets.choice(string.ascii_lowercase) for _ in range(10))
        if not User.objects.filter(username=candidate).exists():
            return candidate
