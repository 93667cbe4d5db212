"""Use cases of the results registry: one module per use case; import from here."""

from .digitise import result_digitise_paper
from .issue import result_issue, results_issue_pending
from .manage import result_revoke, result_supersede
from .open import result_open_for_decision
from .read import result_file_read_record
from .verify import (
    Verdict,
    client_fingerprint,
    result_verify_code,
    result_verify_upload,
    verification_allowed,
)

__all__ = [
    "Verdict",
    "client_fingerprint",
    "result_digitise_paper",
    "result_file_read_record",
    "result_issue",
    "result_open_for_decision",
    "result_revoke",
    "result_supersede",
    "result_verify_code",
    "result_verify_upload",
    "results_issue_pending",
    "verification_allowed",
]
