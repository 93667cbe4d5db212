"""Personal IDs at rest: does the database hold any personal ID number (CCCD) in plain text? (issue #11,
docs/architecture/personal-data.md)

    .venv/bin/python benchmarks/pii_at_rest.py [--history 2000] [--database-url URL] [--replace] [--skip-sqlite]

1. PostgreSQL: creates a throwaway database (default ``postgres://postgres@127.0.0.1:5432/motcua_pii``, or
   ``DATABASE_URL`` / ``--database-url``; it must not exist yet unless ``--replace``), migrates it and loads the
   demo data with ``motcua seed_demo --history N`` (the development settings, as ``make run`` does), then takes
   a ``pg_dump`` of the whole database (plain SQL: every table's rows as text).
2. SQLite, the embedded default: the same into a scratch SQLite file, then reads the file's raw bytes (with
   its write-ahead log, if any).
3. The numbers to look for: every value stored in an encrypted personal-ID column, read back (decrypted)
   through the models — the demo accounts, the walk-in applicant, every simulated applicant of the year of
   history — plus the demo's own numbers in the code (accounts, walk-in, registry and VNeID fakes).
4. Prints, for each database, how many of those numbers occur in plain text in the dump / the file (must be
   0), and how many numbers shaped like a personal ID stand alone anywhere in it (``0XX[0-3]XXXXXXXX`` not
   inside a longer run of letters and digits, e.g. a hash; must be 0 too), by table for PostgreSQL.

Exit status 1 when a count is not 0, 2 when PostgreSQL is not reachable. The database and the scratch folder
are removed at the end, whatever happens.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from pgdb import Pg  # noqa: E402 - benchmarks/, next to this script

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/motcua_pii"
SETTINGS = "config.settings.dev"
DEMO_HISTORY_DOSSIERS = 2000  # seed_demo's default (motcua.reporting.simulate.demo)
#: A personal ID standing alone: not part of a longer run of letters and digits (a hex hash, a token).
SHAPED = re.compile(rb"(?<![0-9A-Za-z])0\d{2}[0-3]\d{8}(?![0-9A-Za-z])")

#: Run in the seeded database's settings: every personal ID it stores (decrypted by the models) and the
#: demo's own numbers, as JSON.
COLLECT = r"""
import json, re, django
django.setup()
from django.apps import apps
from motcua.core.fields import EncryptedPersonalIdField
from motcua.accounts.demo import DEMO_ACCOUNTS
from motcua.dossiers.demo import WALK_IN
from motcua.integrations.registries.fake import KNOWN_PERSONS, SPECIAL_PERSONS
from motcua.integrations.vneid.fake import DEMO_PERSONS
stored, columns = set(), []
for model in apps.get_models():
    for f in model._meta.concrete_fields:
        if isinstance(f, EncryptedPersonalIdField):
            columns.append(f"{model._meta.db_table}.{f.column}")
            stored.update(v for v in model._base_manager.values_list(f.name, flat=True) if v)
demo = {a.personal_id for a in DEMO_ACCOUNTS if a.personal_id} | {WALK_IN.personal_id}
demo |= set(KNOWN_PERSONS) | set(SPECIAL_PERSONS) | {p.personal_id for p in DEMO_PERSONS}
personal = sorted(v for v in stored | demo if re.fullmatch(r"\d{12}", v))
print(json.dumps({"columns": columns, "stored": len(stored), "personal_ids": personal}))
"""


@dataclass(frozen=True)
class Seeded:
    columns: list[str]  # the encrypted columns, table.column
    stored: int  # distinct values in them
    personal_ids: list[str]  # the numbers to look for
    seed_seconds: float

    def pattern(self) -> re.Pattern[bytes]:
        return re.compile("|".join(self.personal_ids).encode())


def run(argv: list[str], env: dict[str, str], *, what: str) -> str:
    result = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - our own commands
    if result.returncode != 0:
        raise SystemExit(f"{what} failed (exit {result.returncode}):\n{result.stderr[-3000:]}")
    return result.stdout


def seed(env: dict[str, str], history: int) -> Seeded:
    """Migrate and load the demo data into the database of ``env``; answers what COLLECT found."""
    manage = [sys.executable, str(ROOT / "manage.py")]
    run([*manage, "migrate", "--verbosity", "0"], env, what="migrate")
    started = time.monotonic()
    run([*manage, "seed_demo", "--history", str(history)], env, what="seed_demo")
    seconds = time.monotonic() - started
    found = json.loads(run([sys.executable, "-c", COLLECT], env, what="reading the personal IDs").strip())
    return Seeded(found["columns"], found["stored"], found["personal_ids"], seconds)


def count(data: bytes, numbers: re.Pattern[bytes]) -> tuple[int, int]:
    return len(numbers.findall(data)), len(SHAPED.findall(data))


def by_table(dump: bytes, numbers: re.Pattern[bytes]) -> dict[str, tuple[int, int]]:
    """The counts of the rows of each table of a plain pg_dump (its COPY blocks); "(schema)" for the rest."""
    found: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    table = "(schema)"
    for line in dump.split(b"\n"):
        if line.startswith(b"COPY "):
            table = line.split()[1].decode()
            continue
        if line == b"\\.":
            table = "(schema)"
            continue
        plain, shaped = count(line, numbers)
        if plain or shaped:
            found[table][0] += plain
            found[table][1] += shaped
    return {name: (c[0], c[1]) for name, c in sorted(found.items())}


def report(label: str, size: int, found: Seeded, plain: int, shaped: int) -> None:
    print(
        f"{label}: {size / 1e6:.1f} MB scanned; {len(found.personal_ids)} personal IDs looked for "
        f"({found.stored} values in {len(found.columns)} encrypted columns, seeded in {found.seed_seconds:.0f} s): "
        f"{plain} in plain text, {shaped} personal-ID-shaped numbers"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--history", type=int, default=DEMO_HISTORY_DOSSIERS,
        help=f"simulated dossiers of the demo's year of history (default {DEMO_HISTORY_DOSSIERS}, as seed_demo)",
    )  # fmt: skip
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--replace", action="store_true", help="drop the database first if it exists")
    parser.add_argument("--skip-sqlite", action="store_true", help="only the PostgreSQL dump")
    args = parser.parse_args()

    pg = Pg.from_url(args.database_url, who="benchmarks/pii_at_rest.py", loopback_only=True)
    try:
        if pg.exists():
            if not args.replace:
                raise SystemExit(f"database {pg.name!r} already exists; drop it or pass --replace")
            pg.drop()
        pg.create()
    except SystemExit:
        raise
    except Exception as exc:
        print(
            f"PostgreSQL is not reachable at {pg.params['host']}:{pg.params['port']} ({exc})", file=sys.stderr
        )
        return 2
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        pg.drop()
        raise SystemExit("pg_dump is not on the PATH")
    scratch = Path(tempfile.mkdtemp(prefix="motcua-pii-"))
    base = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_PERSONAL_DATA")}
    base.update(
        DJANGO_SETTINGS_MODULE=SETTINGS, MOTCUA_MEDIA_ROOT=str(scratch / "media"),
        MOTCUA_SMS_FILE_DIR=str(scratch / "sms"), EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
    )  # fmt: skip
    failed = False
    try:
        print(f"motcua personal IDs at rest — seed_demo --history {args.history}, settings {SETTINGS}")
        # -- PostgreSQL ---------------------------------------------------------------------------------
        found = seed({**base, "DATABASE_URL": pg.url}, args.history)
        numbers = found.pattern()
        dump_env = {**base, "PGHOST": str(pg.params["host"]), "PGPORT": str(pg.params["port"])}
        if pg.params.get("user"):
            dump_env["PGUSER"] = str(pg.params["user"])
        if pg.params.get("password"):
            dump_env["PGPASSWORD"] = str(pg.params["password"])
        command = [pg_dump, "--no-owner", pg.name]
        dump = subprocess.run(command, env=dump_env, capture_output=True, check=True).stdout  # noqa: S603 - pg_dump
        plain, shaped = count(dump, numbers)
        report(f"PostgreSQL pg_dump of {pg.name}", len(dump), found, plain, shaped)
        for table, (p, s) in by_table(dump, numbers).items():
            print(f"    {table}: {p} in plain text, {s} personal-ID-shaped")
        failed |= bool(plain or shaped)
        # -- SQLite -------------------------------------------------------------------------------------
        if not args.skip_sqlite:
            path = scratch / "pii.sqlite3"
            found = seed({**base, "DATABASE_URL": f"sqlite:///{path}"}, args.history)
            numbers = found.pattern()
            files = [p for p in (path, Path(f"{path}-wal")) if p.exists()]
            data = b"".join(p.read_bytes() for p in files)
            plain, shaped = count(data, numbers)
            report(f"SQLite file {' + '.join(p.name for p in files)}", len(data), found, plain, shaped)
            failed |= bool(plain or shaped)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        try:
            pg.drop()
        except Exception as exc:
            print(f"could not drop database {pg.name}: {exc}", file=sys.stderr)
    print("FAIL: personal IDs stored in plain text" if failed else "OK: no personal ID in plain text")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
