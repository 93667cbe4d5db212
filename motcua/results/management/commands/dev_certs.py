"""Create the local test CA and signing certificates for dev and demo (idempotent).

Writes under ``settings.MOTCUA_CERTS_DIR`` (``var/certs`` by default): ``ca.pem`` (the trust root used by
verification when ``MOTCUA_TRUST_ROOTS`` is empty), ``ca-key.pem`` and ``signers/<name>.p12`` — "default"
(the province) and one per agency of the org tree (province agencies and vertical agencies). Communes and
other units get theirs on first signing in dev/demo (see ``motcua.results.signing``). Existing files are
kept; ``--force`` is not offered on purpose: delete the folder to start over. Never for production, where
``MOTCUA_SIGNERS`` names real PKCS#12 files or PKCS#11 tokens.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError

from motcua.org.models import OrgUnit, OrgUnitKind
from motcua.results import certs


class Command(BaseCommand):
    help = "Tạo CA thử nghiệm và chứng thư số ký kết quả cho môi trường phát triển, trình diễn."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--all-units", action="store_true", help="also every commune and division")

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "MOTCUA_SIGNERS", None):
            self.stdout.write("MOTCUA_SIGNERS is configured: the dev certificates are not used.")
        _cert, _key, created_ca = certs.ensure_ca()
        made = 0
        _path, created = certs.ensure_signer(
            certs.DEFAULT_SIGNER, common_name=f"UBND tỉnh {settings.MOTCUA_PROVINCE_NAME}"
        )
        made += int(created)
        kinds = [OrgUnitKind.PROVINCE, OrgUnitKind.AGENCY, OrgUnitKind.VERTICAL_AGENCY]
        units = OrgUnit.objects.all() if options["all_units"] else OrgUnit.objects.filter(kind__in=kinds)
        try:
            found = list(units.order_by("code"))
        except DatabaseError:  # not migrated yet: the agencies get theirs on first signing
            found = []
        for unit in found:
            _path, created = certs.ensure_signer(unit.code, common_name=unit.name)
            made += int(created)
        self.stdout.write(
            f"dev certificates in {certs.certs_dir()}: CA {'created' if created_ca else 'kept'}, "
            f"{made} signer(s) created"
        )
