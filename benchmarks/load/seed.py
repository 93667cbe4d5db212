"""The load benchmark's database: ``motcua_load`` with the Thanh Hóa demo data and ~100,000 simulated dossiers.

    .venv/bin/python benchmarks/load/seed.py                       # create or reuse motcua_load (100,000)
    .venv/bin/python benchmarks/load/seed.py --dossiers 5000 --database-url postgres://postgres@127.0.0.1/motcua_load_small
    .venv/bin/python benchmarks/load/seed.py --drop                # drop it (it is big)

Idempotent: when the database already holds about ``--dossiers`` dossiers (± 10 %, the runs add a few hundred
applications) nothing is written; with another number it stops unless ``--reseed`` (drop and build again).
Building: ``migrate``, ``seed_demo --history 0`` (organisation, accounts, calendar, catalogue, the demo
dossiers, the reform plan), then ``simulate`` — the bulk writer of the scorecard's history, which COPYs the
dossiers with their steps, components, pauses and hash-chained events — for the year before today, so the
queues hold open, due-soon and overdue dossiers, and the scorecard's facts are rebuilt. It prints how long
each step took.

``--fixture PATH`` then writes what the Locust users need to know and cannot guess (JSON): the demo
passwords and usernames, the published procedures and search words (with and without diacritics), the
procedure to apply for online, dossier codes with the public look-up's second factor, and per officer the
procedures of their dossiers (the queue page's filter).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DEFAULT_DATABASE_URL, DEFAULT_DOSSIERS, ROOT, Pg, server_env

sys.path.insert(0, str(ROOT))

#: Every demo officer the benchmark signs in as (accounts.demo), with what they do in the mix.
OFFICERS = (
    "motcua.tinh", "motcua.hacthanh", "chuyenvien.tnmt", "truongphong.tnmt", "lanhdao.tnmt",
    "chuyenvien.thue", "lanhdao.hacthanh", "quantri.tinh", "thanhtra",
)  # fmt: skip
CITIZENS = ("congdan.hoa", "congdan.binh")  # usernames (they sign in with their personal IDs too)
#: Searches a citizen types: with diacritics, and the same words without them (folded).
SEARCHES = (
    "cấp lại giấy chứng nhận", "khai sinh", "đăng ký kinh doanh", "sổ đỏ", "đất đai", "hộ tịch",
    "giấy phép xây dựng", "kết hôn", "thuế", "chứng thực", "bảo hiểm xã hội", "môi trường",
)  # fmt: skip
TOLERANCE = 0.10


@contextlib.contextmanager
def step(label: str) -> Iterator[None]:
    print(f"… {label}", flush=True)
    start = time.perf_counter()
    yield
    print(f"  done in {time.perf_counter() - start:.1f} s", flush=True)


def dossier_count(pg: Pg) -> int | None:
    """Dossiers in the benchmark database; None when it or its table does not exist."""
    import psycopg

    if not pg.exists():
        return None
    params = {k: v for k, v in pg.params.items() if v is not None} | {"dbname": pg.name}
    with psycopg.connect(**params) as conn:
        if conn.execute("SELECT to_regclass('dossiers_dossier')").fetchone() == (None,):
            return None
        row = conn.execute("SELECT count(*) FROM dossiers_dossier").fetchone()
    return int(row[0]) if row else 0


def django_setup(pg: Pg) -> None:
    scratch = ROOT / "var" / "load"
    env = server_env(pg.url, static_root=ROOT / "var" / "load-static", media_root=scratch / "media")
    os.environ.update(env)
    import django

    django.setup()


def build(pg: Pg, *, dossiers: int, workers: int) -> None:
    from django.core.management import call_command
    from django.utils import timezone

    started = time.perf_counter()
    with step("migrate"):
        call_command("migrate", verbosity=0, interactive=False)
    with step("seed_demo --history 0 (organisation, accounts, calendar, catalogue, demo dossiers, plan)"):
        call_command("seed_demo", history=0, verbosity=0)
    today = timezone.localdate()
    start, end = today - dt.timedelta(days=365), today - dt.timedelta(days=1)
    with step(
        f"simulate --dossiers {dossiers} --start {start} --end {end} --workers {workers} (COPY, facts)"
    ):
        call_command(
            "simulate", dossiers=dossiers, start=str(start), end=str(end), seed=2026, workers=workers,
            append=True, verbosity=1,
        )  # fmt: skip
    with step("VACUUM (ANALYZE)"):  # the steady state autovacuum keeps: the facts rebuild rewrote every row
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    print(f"seeded {pg.name} in {time.perf_counter() - started:.1f} s")


def ensure(pg: Pg, *, dossiers: int, workers: int, reseed: bool) -> int:
    """Create the database when it is missing (or ``reseed``); return how many dossiers it holds."""
    count = dossier_count(pg)
    if count is not None and abs(count - dossiers) <= TOLERANCE * dossiers and not reseed:
        print(f"{pg.name} already holds {count:,} dossiers: reused (--reseed builds it again)")
        django_setup(pg)
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)  # other engineers' new migrations
        return count
    if count is not None and not reseed:
        raise SystemExit(
            f"{pg.name} holds {count:,} dossiers, not about {dossiers:,}: pass --reseed to drop and build it "
            "again, or name another database with --database-url"
        )
    if pg.exists():
        print(f"dropping {pg.name}")
        pg.drop()
    pg.create()
    django_setup(pg)
    build(pg, dossiers=dossiers, workers=workers)
    return dossier_count(pg) or 0


# -- what the Locust users need -----------------------------------------------------------------------------


def _apply_target() -> dict[str, Any]:
    """The simplest procedure a citizen can apply for online at the provincial centre: one required file, no
    fee to pay before processing (so the one-stop officer can receive and route it at once)."""
    from motcua.catalogue.choices import OnlineLevel, ResolvingRule
    from motcua.catalogue.routing import can_receive_at
    from motcua.catalogue.selectors import published_versions
    from motcua.dossiers.procedure import procedure_spec
    from motcua.org.models import OrgUnit

    centre = OrgUnit.objects.get(code="H56.40")
    best: tuple[int, int, str] | None = None
    for version in published_versions().order_by("code"):
        spec = procedure_spec(version)
        if spec.online_level == OnlineLevel.NONE or "citizen" not in spec.applicant_types:
            continue
        if spec.resolving_unit == ResolvingRule.APPLICANT_COMMUNE or not spec.process.steps:
            continue
        if not can_receive_at(centre, listed=spec.receiving_points):
            continue
        required = sum(1 for c in spec.components if c.required)
        if required < 1 or any(f.amount > 0 and f.due == "at_submission" for f in spec.fees):
            continue  # a fee due at submission must be paid before the officer may route the dossier
        key = (required, len(spec.components), version.code)
        best = key if best is None or key < best else best
    if best is None:
        raise SystemExit("no published procedure a citizen can apply for online at H56.40")
    return {"code": best[2], "point": "H56.40", "required": best[0]}


def export_fixture(path: Path, *, seed: int = 7) -> None:
    from motcua.accounts.demo import DEMO_PASSWORD
    from motcua.accounts.models import User
    from motcua.catalogue.selectors import published_versions
    from motcua.core.text import fold
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.portal_selectors import public_secret_of
    from motcua.dossiers.selectors import dossier_procedure_options
    from motcua.dossiers.status import DossierStatus

    rng = random.Random(seed)
    procedures = sorted(published_versions().values_list("code", flat=True))
    last = (
        Dossier.objects.exclude(code__isnull=True).order_by("-pk").values_list("pk", flat=True).first() or 0
    )
    sample_ids = sorted({rng.randint(1, last) for _ in range(3000)})
    lookups = []
    rows = (
        Dossier.objects.filter(pk__in=sample_ids, code__isnull=False)
        .exclude(status=DossierStatus.DRAFT)
        .only("code", "applicant_phone", "applicant_personal_id", "applicant_tax_code")
    )
    for d in rows:
        secret = public_secret_of(d)
        if secret and d.code:
            lookups.append([d.code, secret])
    officers = {}
    for username in OFFICERS:
        user = User.objects.get(username=username)
        options = dossier_procedure_options(user=user)
        officers[username] = {"procedures": [code for code, _name in options][:40]}
    fixture = {
        "password": DEMO_PASSWORD,
        "citizens": list(CITIZENS),
        "officers": officers,
        "procedures": procedures,
        "searches": {"accented": list(SEARCHES), "plain": [fold(s) for s in SEARCHES]},
        "apply": _apply_target(),
        "lookups": lookups[:2000],
        "staff_searches": ["nguyen", "Lê", "H56", "đất", "hoa"],
    }
    path.write_text(json.dumps(fixture, ensure_ascii=False, indent=1))
    print(
        f"fixture {path}: {len(procedures)} procedures, {len(fixture['lookups'])} look-ups, apply for "
        f"{fixture['apply']['code']} ({fixture['apply']['required']} required file)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", default=os.environ.get("MOTCUA_LOAD_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--dossiers", type=int, default=DEFAULT_DOSSIERS, help=f"({DEFAULT_DOSSIERS:,})")
    parser.add_argument("--workers", type=int, default=2, help="simulation worker processes (2)")
    parser.add_argument("--reseed", action="store_true", help="drop and build the database again")
    parser.add_argument("--fixture", type=Path, help="write what the Locust users need to this JSON file")
    parser.add_argument("--drop", action="store_true", help="drop the database and exit")
    args = parser.parse_args()
    pg = Pg.from_url(args.database_url, who="the load benchmark", loopback_only=True)
    try:
        pg.version()
    except Exception as exc:
        print(
            f"PostgreSQL is not reachable at {pg.params['host']}:{pg.params['port']}: {exc}", file=sys.stderr
        )
        return 2
    if args.drop:
        pg.drop()
        shutil.rmtree(ROOT / "var" / "load" / "media", ignore_errors=True)  # the files of its dossiers
        print(f"dropped {pg.name} and var/load/media")
        return 0
    if args.dossiers < 1:
        parser.error("--dossiers must be at least 1")
    count = ensure(pg, dossiers=args.dossiers, workers=args.workers, reseed=args.reseed)
    print(f"{pg.name}: {count:,} dossiers")
    if args.fixture:
        export_fixture(args.fixture)
    from django.db import connections

    connections.close_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
