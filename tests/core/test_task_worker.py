"""``motcua task_worker``: the queued tasks run, and a database outage pauses the worker instead of ending it
(the chaos run of issue 11 restarts PostgreSQL under load: ``db_worker`` died, every task waited)."""

import signal

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django_tasks import task
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet

from motcua.core.management.commands import task_worker

# The worker manages its own connection (it drops it between claims), as in production: no test transaction.
pytestmark = pytest.mark.django_db(transaction=True)
RAN: list[int] = []


@task()
def remember(value: int) -> int:
    RAN.append(value)
    return value


@pytest.fixture
def queue(settings):
    """The production queue (tasks in the database) instead of the tests' immediate backend; the worker's
    signal handlers are taken back afterwards."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    RAN.clear()
    yield
    for sig, handler in handlers.items():
        signal.signal(sig, handler)


@pytest.fixture
def outage(monkeypatch):
    """The worker's first two claims meet an unreachable database, as during a PostgreSQL restart."""
    real = DBTaskResultQuerySet.get_locked
    calls = {"claims": 0, "pauses": []}

    def get_locked(self):
        calls["claims"] += 1
        if calls["claims"] <= 2:
            raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")
        return real(self)

    monkeypatch.setattr(DBTaskResultQuerySet, "get_locked", get_locked)
    monkeypatch.setattr(task_worker, "wait", calls["pauses"].append)
    return calls


def run_batch(command):
    call_command(command, "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)


def test_the_worker_runs_the_queued_tasks(queue):
    result = remember.enqueue(3)
    run_batch("task_worker")
    assert RAN == [3]
    assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"


def test_a_database_outage_pauses_the_worker_which_then_runs_the_task(queue, outage):
    result = remember.enqueue(7)
    run_batch("task_worker")
    assert RAN == [7]
    assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"
    assert outage["claims"] >= 3
    assert outage["pauses"] == [0.5, 1.0]  # waits that grow while the database stays away


def test_db_worker_itself_ends_at_the_first_database_error(queue, outage):
    """Why ``task_worker`` exists: django-tasks-db's own loop gives up (if this starts failing, it no longer
    does, and ``task_worker`` can go)."""
    remember.enqueue(1)
    with pytest.raises(OperationalError):
        run_batch("db_worker")
    assert RAN == []
