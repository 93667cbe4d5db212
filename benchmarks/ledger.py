"""What chaining every read of personal data into the audit chain costs under concurrency (issue 7's ledger).

    .venv/bin/python benchmarks/ledger.py [--threads 1,4,8] [--records 300]
    DATABASE_URL=postgres://user:pw@host:5432/motcua_bench_ledger .venv/bin/python benchmarks/ledger.py

A staff read of a dossier writes an ``AccessEntry`` and an audit-chain row in one transaction
(``wallet.services.ledger_record``); the chain's head is one locked row, so concurrent readers queue on it.
This run creates a throwaway PostgreSQL database (default ``postgres://postgres@127.0.0.1:5432/
motcua_bench_ledger``; dropped at the end), then, for each thread count, has every thread write
``--records`` ledger entries

* through ``ledger_record`` (entry + chained audit row), and
* as the baseline, in the same run: the same ``AccessEntry`` insert in its own transaction, without the chain,

and prints entries per second and the ratio chained / baseline per thread count. A ratio that grows with the
thread count is the head row's serialisation; at one thread it is the chain's own cost (a second insert, the
head update, a hash).
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/motcua_bench_ledger"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--threads", default="1,4,8")
    parser.add_argument("--records", type=int, default=300, help="entries per thread and per variant")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        sys.exit("this benchmark needs PostgreSQL (concurrent writers)")
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ["MOTCUA_TASKS_IMMEDIATE"] = "true"

    import django

    django.setup()
    from django.db import connection, connections, transaction
    from django.test.utils import setup_databases, teardown_databases

    from motcua.wallet.models import AccessEntry, AccessKind, OwnerKind
    from motcua.wallet.services import ledger_record

    old = setup_databases(verbosity=0, interactive=False)
    try:
        from django.contrib.auth import get_user_model

        officer = get_user_model().objects.create_user(
            username="bench.officer",
            password=None,
            full_name="Cán bộ đo",
            kind="staff",
            email="b@example.org",
        )

        def chained(i: int) -> None:
            ledger_record(
                subject_kind=OwnerKind.PERSON, subject_key=f"0380990{i % 100000:05d}", kind=AccessKind.DOSSIER_READ,
                actor=officer, purpose="Giải quyết hồ sơ BENCH", dossier_code="BENCH",
            )  # fmt: skip

        def plain(i: int) -> None:
            with transaction.atomic():
                AccessEntry.objects.create(
                    subject_kind=OwnerKind.PERSON, subject_key=f"0380990{i % 100000:05d}",
                    kind=AccessKind.DOSSIER_READ, at=django.utils.timezone.now(), actor=officer,
                    actor_label="Cán bộ đo", dossier_code="BENCH", purpose="Giải quyết hồ sơ BENCH",
                )  # fmt: skip

        def run(work: Callable[[int], None], threads: int) -> float:
            errors: list[BaseException] = []

            def worker(offset: int) -> None:
                try:
                    for i in range(args.records):
                        work(offset + i)
                except BaseException as exc:  # reported below
                    errors.append(exc)
                finally:
                    connections.close_all()

            pool = [threading.Thread(target=worker, args=(t * args.records,)) for t in range(threads)]
            start = time.perf_counter()
            for t in pool:
                t.start()
            for t in pool:
                t.join()
            elapsed = time.perf_counter() - start
            if errors:
                raise errors[0]
            return float(threads * args.records / elapsed)

        connection.close()
        print(
            f"PostgreSQL {args.database_url.rsplit('@', 1)[-1]}; {args.records} entries per thread and variant"
        )
        print(f"{'threads':>8} {'plain/s':>10} {'chained/s':>10} {'chained cost ×':>15}")
        for threads in (int(t) for t in args.threads.split(",")):
            plain_rate = run(plain, threads)
            chained_rate = run(chained, threads)
            print(
                f"{threads:>8} {plain_rate:>10.0f} {chained_rate:>10.0f} {plain_rate / chained_rate:>15.2f}"
            )
        from motcua.core.audit import audit_verify

        print("audit chain after the run:", audit_verify() or "intact")
    finally:
        connections.close_all()
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
