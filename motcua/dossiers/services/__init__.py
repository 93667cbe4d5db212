"""Dossier use cases: one module per use case, one function per transition.

Every function takes keyword-only arguments, checks permission and source state, locks the dossier row,
changes the state, appends the chained ``DossierEvent`` — all in one transaction — and leaves side
effects (notifications) to run after commit.
"""

from .apology import dossier_apologise
from .apply import dossier_create_draft, dossier_submit, dossier_update_draft
from .components import dossier_component_attach, dossier_component_provide
from .decision import dossier_decide, dossier_return_result
from .fees import dossier_fee_paid
from .intake import dossier_receive, dossier_receive_at_counter, dossier_refuse
from .issued import dossier_result_issued
from .processing import dossier_assign, dossier_assign_many, dossier_forward, dossier_route, dossier_send_back
from .supplement import dossier_close_expired_supplements, dossier_request_supplement, dossier_supplement
from .suspension import dossier_resume, dossier_suspend
from .withdraw import dossier_withdraw

__all__ = [
    "dossier_apologise",
    "dossier_assign",
    "dossier_assign_many",
    "dossier_close_expired_supplements",
    "dossier_component_attach",
    "dossier_component_provide",
    "dossier_create_draft",
    "dossier_decide",
    "dossier_fee_paid",
    "dossier_forward",
    "dossier_receive",
    "dossier_receive_at_counter",
    "dossier_refuse",
    "dossier_request_supplement",
    "dossier_result_issued",
    "dossier_resume",
    "dossier_return_result",
    "dossier_route",
    "dossier_send_back",
    "dossier_submit",
    "dossier_supplement",
    "dossier_suspend",
    "dossier_update_draft",
    "dossier_withdraw",
]
