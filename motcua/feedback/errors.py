"""Typed errors of the evaluation and PAKN services: a stable ``code`` and a translated message."""

from __future__ import annotations

from motcua.dossiers.errors import DossierError


class FeedbackError(DossierError):
    """A rule refused the action; nothing was changed."""

    code = "feedback_error"
    http_status = 400


class EvaluationNotAllowed(FeedbackError):
    """Not returned, not the applicant, already given, edit window closed, bad or used link."""

    code = "evaluation_not_allowed"
    http_status = 409


class InvalidFeedbackInput(FeedbackError):
    code = "invalid_input"
    http_status = 422


class FeedbackNotFound(FeedbackError):
    code = "feedback_not_found"
    http_status = 404


class FeedbackActionNotAllowed(FeedbackError):
    code = "action_not_allowed"
    http_status = 403


class RateLimited(FeedbackError):
    code = "rate_limited"
    http_status = 429
