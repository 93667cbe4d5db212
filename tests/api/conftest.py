from tests.dossiers.conftest import clock, demo, people, pin_tax_unit, procedure_data, version, vn
from tests.portal.conftest import _clean_cache_and_media  # noqa: F401

__all__ = ["clock", "demo", "people", "pin_tax_unit", "procedure_data", "version", "vn"]
