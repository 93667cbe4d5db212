"""System checks of the core (``motcua check``; ``motcua check --deploy`` before a production start)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from . import personal_data


@checks.register(checks.Tags.security)
def personal_data_keys_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """The personal-data keys are well formed (docs/architecture/personal-data.md)."""
    return [
        checks.Error(problem, hint="See docs/architecture/personal-data.md (keys).", id="core.E001")
        for problem in personal_data.configuration_problems()
    ]


@checks.register(checks.Tags.security, deploy=True)
def personal_data_keys_deploy_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """In production the personal IDs are encrypted with keys of their own, not keys derived from SECRET_KEY."""
    if getattr(settings, "MOTCUA_PERSONAL_DATA_KEYS", None) or getattr(settings, "MOTCUA_DEMO", False):
        return []
    return [
        checks.Error(
            "MOTCUA_PERSONAL_DATA_KEYS is not set: personal IDs are encrypted with a key derived from SECRET_KEY.",
            hint="Set MOTCUA_PERSONAL_DATA_KEYS to '<key id>:<base64 of 32 random bytes>' "
            "(docs/architecture/personal-data.md); production settings refuse to start without it.",
            id="core.E002",
        )
    ]
