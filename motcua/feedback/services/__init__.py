"""Evaluation and PAKN use cases: one module per use case, keyword-only arguments, one transaction and an
audit row each; typed errors (``motcua.feedback.errors``) with stable codes."""

from .evaluation_edit import evaluation_edit, evaluation_editable_until
from .evaluation_give import evaluation_give
from .evaluation_link import evaluation_link_issue
from .feedback_answer import feedback_answer
from .feedback_mark_duplicate import feedback_mark_duplicate
from .feedback_provide_info import feedback_provide_info
from .feedback_publish import feedback_publish
from .feedback_react import feedback_react
from .feedback_refuse import feedback_refuse
from .feedback_request_info import feedback_request_info
from .feedback_route import feedback_route
from .feedback_submit import feedback_submit

__all__ = [
    "evaluation_edit",
    "evaluation_editable_until",
    "evaluation_give",
    "evaluation_link_issue",
    "feedback_answer",
    "feedback_mark_duplicate",
    "feedback_provide_info",
    "feedback_publish",
    "feedback_react",
    "feedback_refuse",
    "feedback_request_info",
    "feedback_route",
    "feedback_submit",
]
