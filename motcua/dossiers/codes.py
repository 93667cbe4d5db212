"""Dossier codes: ``{agency e-ID}-{YYMMDD}-{sequence:04d}`` by default, unique under concurrency.

The pattern is the setting ``MOTCUA_DOSSIER_CODE_PATTERN`` (regulations §3: clauses 1–2 of TT 03/2025 Art 13
were not found, so the format is configurable). The sequence is per prefix per day; it grows past 9999.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from motcua.org.models import OrgUnit

from .models import DossierCodeCounter

DEFAULT_PATTERN = "{agency}-{yymmdd}-{seq:04d}"


def _next_sequence(prefix: str, day: dt.date) -> int:
    for _attempt in range(3):
        updated = DossierCodeCounter.objects.filter(prefix=prefix, day=day).update(last=F("last") + 1)
        if updated:
            return DossierCodeCounter.objects.get(prefix=prefix, day=day).last
        try:
            with transaction.atomic():
                DossierCodeCounter.objects.create(prefix=prefix, day=day, last=1)
            return 1
        except IntegrityError:
            continue  # another transaction created the row first: increment it
    raise RuntimeError("could not allocate a dossier code sequence")


def dossier_code_issue(*, unit: OrgUnit, at: dt.datetime | None = None) -> str:
    """The next code for a dossier received by ``unit``. Call inside the receiving transaction."""
    moment = timezone.localtime(at or timezone.now())
    pattern = getattr(settings, "MOTCUA_DOSSIER_CODE_PATTERN", DEFAULT_PATTERN)
    prefix = unit.code
    seq = _next_sequence(prefix, moment.date())
    return pattern.format(agency=unit.code, yymmdd=moment.strftime("%y%m%d"), seq=seq)
