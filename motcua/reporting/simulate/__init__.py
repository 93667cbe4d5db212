"""A simulated history of dossiers, written in bulk, that obeys the rules of the dossier services.

``motcua simulate --dossiers N --start DATE --end DATE --seed S`` gives the scorecard, the reports and the
benchmarks data: dossiers that arrived between two dates and went through the published procedures'
processes. The per-dossier services are far too slow for a million dossiers, so this package replays what
they would write — the same fields, step rows, pause rows and hash-chained events, with the due moments from
the same calendar engine functions — in memory, and stores each batch at once (COPY on PostgreSQL,
``executemany`` on SQLite; model instances and ``bulk_create`` cost more than the simulation itself).

What the services do and this module copies (keep the two in step when a service changes):

* codes ``{point}-{YYMMDD}-{seq:04d}`` per receiving point and day (``motcua.dossiers.codes``), continuing the
  ``DossierCodeCounter`` rows, issued at the online submission or at the counter intake;
* receipt (``services.intake``): deemed receipt and due moment from the resolving unit's calendar, the intake
  step at the receiving point, the event data ``due_at`` (and ``channel`` at the counter) and ``components``
  as they stand at intake (paper at the counter: scans are attached after the receipt);
* routing, forwarding, hand-over and hand-back, send-back (``services.processing``, ``services.steps``): step
  due moments, the after-15:00 transfer rule, early / on time / late of every closed step;
* one supplement request with its pause, then the supplement, a withdrawal, or the closure by the nightly
  ``close_expired_supplements`` after 15 working days (``services.supplement``, ``services.pauses``); rare
  suspensions; one apology at least one day before the due date; withdrawals before the decision; the
  decision, the signed result (``result_issued``) where there is one, and the return of the result. Fees are taken as paid at intake.

A story that runs past ``end`` stops there: the dossier keeps the state it had at the end of that day and has
no event after it. The days are simulated in blocks of ``BLOCK_DAYS``, each from its own random stream
derived from the seed, so the same seed, range, count and catalogue give the same dossiers whatever the
number of worker processes (only their database ids differ, and their codes when other dossiers were
received on those days). Simulated dossiers carry ``form_data["_simulated"] = True``; ``simulate`` refuses a
range that already has some unless asked to append.

Component files are not stored: a component keeps its origin, ``digitised`` flag and page count, with an
empty file. Applicants are synthetic, without accounts; officers are the demo staff where one holds the
step's role in the step's unit on that day, and otherwise an invented name without an account.

The modules, each importing only modules listed before it: ``config`` (what to simulate, the
result, the error, units of time), ``reference`` (synthetic people, reasons, weights), ``world`` (what is read
from the database once), ``arrivals`` (when, where and what arrives),
``replay`` (one dossier's rows, event log, steps, pauses, apology), ``transitions`` (the services'
transitions), ``story`` (one dossier's story, the stories of a block of days), ``writer`` (the batches, written
with ``motcua.dossiers.bulk``: the rows a story writes and the table writer),
``run`` (``simulate``: blocks, workers, batches), ``demo`` (the demo's history).
"""

from .config import SIMULATED_KEY, SimulationConfig, SimulationError, SimulationResult
from .demo import DEMO_HISTORY_DOSSIERS, seed_demo_history
from .run import simulate, simulated_in_range
from .story import stories
from .world import World

__all__ = [
    "DEMO_HISTORY_DOSSIERS",
    "SIMULATED_KEY",
    "SimulationConfig",
    "SimulationError",
    "SimulationResult",
    "World",
    "seed_demo_history",
    "simulate",
    "simulated_in_range",
    "stories",
]
