"""Who holds deadlines already given to citizens: a registry that other apps plug into.

A change of the calendar (a holiday, a swap, new working hours) must never silently move a due moment
already promised. The apps that store due moments (dossiers, dossier steps, ...) register a *provider*;
``services.deadline_impact`` asks every provider for its open deadlines, recomputes each with the current
(or a previewed) calendar and lists those that would change; ``services.deadlines_recompute`` writes the new
due moments back through the provider, only when an administrator asks for it, and audits each change.

A provider is any object with a ``name`` and two methods::

    class DossierDeadlines:
        name = "dossiers.step"

        def open_deadlines(self) -> Iterable[OpenDeadline]: ...
        def store_due(self, key: str, due: datetime) -> None: ...

Register it once, e.g. in the app's ``AppConfig.ready``: ``register_deadline_provider(DossierDeadlines())``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from motcua.calendar.engine import Limit, Pause


@dataclass(frozen=True)
class OpenDeadline:
    """A due moment a provider stored, with everything needed to recompute it.

    ``key`` is unique within the provider; ``due`` is the stored value. The recomputed value is
    ``due_moment(received, limit, cutoff=cutoff, pauses=pauses, restart=restart)`` with the calendar of
    ``org_unit_id`` — so a provider that stores due moments *without* pauses passes no pauses.
    """

    key: str
    label: str
    received: dt.datetime
    limit: Limit
    due: dt.datetime
    cutoff: dt.time | None = None
    pauses: tuple[Pause, ...] = ()
    restart: bool = False
    org_unit_id: int | None = None


@runtime_checkable
class DeadlineProvider(Protocol):
    name: str

    def open_deadlines(self) -> Iterable[OpenDeadline]: ...

    def store_due(self, key: str, due: dt.datetime) -> None: ...


_providers: dict[str, DeadlineProvider] = {}


def register_deadline_provider(provider: DeadlineProvider) -> None:
    """Add (or replace) a provider under its ``name``."""
    if not isinstance(provider, DeadlineProvider):
        raise TypeError(f"{provider!r} is not a DeadlineProvider")
    _providers[provider.name] = provider


def unregister_deadline_provider(name: str) -> None:
    _providers.pop(name, None)


def deadline_providers() -> list[DeadlineProvider]:
    return [_providers[name] for name in sorted(_providers)]
