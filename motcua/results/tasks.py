"""Background tasks (django-tasks): ``issue_result`` issues one pending result.

Enqueued after the commit of the decision that opened the result. The work and its idempotence live in
``services.issue.result_issue``; a failure is recorded on the result (still pending), not raised, and
``motcua issue_results`` retries.
"""

from __future__ import annotations

from django_tasks import task

from .services.issue import result_issue


@task()
def issue_result(result_id: int) -> str:
    return result_issue(result_id=result_id)
