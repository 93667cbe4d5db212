"""Use cases of the data store: one module per use case; import from here."""

from .harvest import wallet_harvest, wallet_on_event
from .intake import counter_applicant_owner, counter_intake_offers, counter_intake_receive
from .ledger import ledger_record
from .offers import wallet_offers_show
from .remove import wallet_remove
from .reuse import wallet_reuse
from .store import document_store
from .upload import wallet_upload
from .withdraw import wallet_withdraw_result

__all__ = [
    "counter_applicant_owner",
    "counter_intake_offers",
    "counter_intake_receive",
    "document_store",
    "ledger_record",
    "wallet_harvest",
    "wallet_offers_show",
    "wallet_on_event",
    "wallet_remove",
    "wallet_reuse",
    "wallet_upload",
    "wallet_withdraw_result",
]
