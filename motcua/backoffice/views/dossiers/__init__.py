"""The back office's dossier screens: queues, one dossier with its actions, counter intake."""

from .actions import (
    dossier_apologise,
    dossier_assign,
    dossier_decide,
    dossier_forward,
    dossier_receive,
    dossier_refuse,
    dossier_request_supplement,
    dossier_resume,
    dossier_return_result,
    dossier_route,
    dossier_send_back,
    dossier_supplement,
    dossier_suspend,
    dossier_withdraw,
)
from .detail import dossier_component_file, dossier_page
from .intake import counter_intake
from .queue import dossier_queue

__all__ = [
    "counter_intake",
    "dossier_apologise",
    "dossier_assign",
    "dossier_component_file",
    "dossier_decide",
    "dossier_forward",
    "dossier_page",
    "dossier_queue",
    "dossier_receive",
    "dossier_refuse",
    "dossier_request_supplement",
    "dossier_resume",
    "dossier_return_result",
    "dossier_route",
    "dossier_send_back",
    "dossier_supplement",
    "dossier_suspend",
    "dossier_withdraw",
]
