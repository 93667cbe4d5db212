"""Shared fixtures of the scorecard tests: the dossier tests' people, clock and procedure (tests/dossiers/),
and a way to publish another procedure. Dossiers are made through the real services."""

from motcua.catalogue.services.procedures import procedure_create, procedure_publish
from motcua.catalogue.spec import parse_procedure

from ..dossiers.conftest import clock, demo, people, version, vn

__all__ = ["clock", "demo", "people", "publish", "version", "vn"]


def publish(data):
    """Publish a procedure given in the exchange format (see tests/dossiers/data.py); returns its version."""
    parsed = parse_procedure(data)
    assert parsed.spec is not None, parsed
    procedure = procedure_create(actor=None, spec=parsed.spec, create_sectors=True)
    return procedure_publish(actor=None, procedure=procedure)
