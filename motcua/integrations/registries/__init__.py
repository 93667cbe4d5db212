"""The national registries: the population database (CSDLQG về dân cư) and the business registry (CSDLQG về
đăng ký doanh nghiệp), each behind one interface with a local fake and an HTTP (X-Road-like) backend.

Use ``registry_lookup_person`` / ``registry_lookup_business`` with a ``LookupContext``; the uses in the
application (pre-fill, counter look-up, a component taken from the registry) are in ``uses``.
"""

from .errors import LookupRefused, RegistryError, RegistryNotFound, RegistryUnavailable
from .lookup import business_registry, population_registry, registry_lookup_business, registry_lookup_person
from .types import (
    BUSINESS,
    POPULATION,
    SOURCE_NAMES,
    BusinessRecord,
    HouseholdMember,
    LookupContext,
    PersonRecord,
)

__all__ = [
    "BUSINESS",
    "POPULATION",
    "SOURCE_NAMES",
    "BusinessRecord",
    "HouseholdMember",
    "LookupContext",
    "LookupRefused",
    "PersonRecord",
    "RegistryError",
    "RegistryNotFound",
    "RegistryUnavailable",
    "business_registry",
    "population_registry",
    "registry_lookup_business",
    "registry_lookup_person",
]
