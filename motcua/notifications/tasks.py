"""Background tasks (django-tasks): ``deliver`` makes one attempt at one delivery.

Enqueued by ``notify`` after commit (and, with a backend that can defer, for each retry). The work and
its idempotence live in ``services.delivery_send``; a channel failure is recorded, not raised.
"""

from __future__ import annotations

from django_tasks import task

from .services import delivery_send


@task()
def deliver(delivery_id: int) -> str:
    return delivery_send(delivery_id=delivery_id)
