"""Work that layers above the dossiers do in the transaction of every dossier event.

The scorecard keeps its fact tables in the same transaction as the events (docs/architecture/overview.md,
rule 6) but sits above this app in the import order, so it registers a hook here when Django starts
(``motcua.reporting.apps``). A hook is called by ``services.common.commit_change`` after the event is
written and before the dossier row is saved; it may change fields of the dossier and returns the names of
the fields it changed, which are saved with the rest. It must not send anything outside the database:
side effects belong in the outbox. An exception in a hook rolls the whole transition back.
"""

from __future__ import annotations

from collections.abc import Callable

from .models import Dossier, DossierEvent

EventHook = Callable[[Dossier, DossierEvent], "set[str]"]

_hooks: list[EventHook] = []


def register_event_hook(hook: EventHook) -> None:
    """Add ``hook`` once (registering the same function again is a no-op)."""
    if hook not in _hooks:
        _hooks.append(hook)


def registered_event_hooks() -> tuple[EventHook, ...]:
    return tuple(_hooks)


def run_event_hooks(dossier: Dossier, event: DossierEvent) -> set[str]:
    changed: set[str] = set()
    for hook in _hooks:
        changed |= hook(dossier, event)
    return changed
