"""Use cases of the data store: one module per use case; import from here."""

from .ledger import ledger_record
from .store import document_store

__all__ = ["document_store", "ledger_record"]
