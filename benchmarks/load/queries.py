"""The pages of the load mix one at a time, in-process: SQL queries, their time, and the slowest statements.

    .venv/bin/python benchmarks/load/queries.py                      # against motcua_load (seed.py first)
    .venv/bin/python benchmarks/load/queries.py --top 3 --explain     # + EXPLAIN ANALYZE of each page's slowest

Where ``run.py`` says which request classes are slow under load, this says why: each GET of the Locust mix
is sent through Django's test ``Client`` as the same user (signed in with ``force_login``), ``--repeat``
times after one warm-up request, with ``CaptureQueriesContext``. Prints per page the median time, the number
of queries and the time spent in them, sorted by time; ``--top N`` lists the N slowest statements of each
page and ``--explain`` runs ``EXPLAIN (ANALYZE, BUFFERS)`` on the slowest one. Read-only apart from what the
pages themselves write (a staff dossier page records the read in the access ledger).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DEFAULT_DATABASE_URL, ROOT, Pg, server_env

sys.path.insert(0, str(ROOT))


def pages(fixture: dict[str, Any]) -> list[tuple[str, str | None, str]]:
    """(label, username or None, path) of every GET of the Locust mix, with realistic parameters."""
    from motcua.dossiers.models import Dossier

    citizen = fixture["citizens"][0]
    own = (
        Dossier.objects.filter(applicant__username=citizen)
        .exclude(status="draft")
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    code, _secret = fixture["lookups"][0]
    apply = fixture["apply"]["code"]
    rows: list[tuple[str, str | None, str]] = [
        ("GET /healthz", None, "/healthz"),
        ("GET /", None, "/"),
        ("GET /thu-tuc/?q= (diacritics)", None, "/thu-tuc/?q=c%E1%BA%A5p+l%E1%BA%A1i+gi%E1%BA%A5y+ch%E1%BB%A9ng+nh%E1%BA%ADn"),
        ("GET /thu-tuc/?q= (no diacritics)", None, "/thu-tuc/?q=cap+lai+giay+chung+nhan"),
        ("GET /thu-tuc/<code>/", None, f"/thu-tuc/{apply}/"),
        ("GET /tra-cuu-ho-so/", None, f"/tra-cuu-ho-so/?ma={code}"),
        ("GET /danh-gia-chat-luong/", None, "/danh-gia-chat-luong/"),
        ("GET /ho-so-cua-toi/", citizen, "/ho-so-cua-toi/"),
        ("GET /thu-tuc/<code>/nop-ho-so/thong-tin/", citizen, f"/thu-tuc/{apply}/nop-ho-so/thong-tin/?receiving_point=H56.40"),
    ]  # fmt: skip
    if own:
        rows.append(("GET /ho-so-cua-toi/<pk>/", citizen, f"/ho-so-cua-toi/{own}/"))
    for officer in fixture["officers"]:
        rows.append((f"GET /can-bo/ [{officer}]", officer, "/can-bo/"))
        for key in (
            "mine",
            "intake",
            "due_soon",
            "overdue",
            "supplement",
            "inter_in",
            "inter_out",
            "result",
            "all",
        ):
            rows.append(
                (f"GET /can-bo/ho-so/?queue={key} [{officer}]", officer, f"/can-bo/ho-so/?queue={key}")
            )
        rows.append(
            (f"GET /can-bo/ho-so/?queue=all&q= [{officer}]", officer, "/can-bo/ho-so/?queue=all&q=nguyen")
        )
        rows.append(
            (f"GET /can-bo/ho-so/?queue=all&page= [{officer}]", officer, "/can-bo/ho-so/?queue=all&page=20")
        )
        rows.append(
            (
                f"GET /can-bo/ho-so/?queue=all&status= [{officer}]",
                officer,
                "/can-bo/ho-so/?queue=all&status=processing",
            )
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", default=os.environ.get("MOTCUA_LOAD_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--fixture", type=Path, help="seed.py's fixture (default: written now)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--top", type=int, default=0, help="list the N slowest statements of each page")
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN ANALYZE the slowest statement of each page"
    )
    parser.add_argument("--only", default="", help="only the pages whose label contains this text")
    args = parser.parse_args()
    pg = Pg.from_url(args.database_url, who="the load benchmark", loopback_only=True)
    os.environ.update(
        server_env(
            pg.url, static_root=ROOT / "var" / "load-static", media_root=ROOT / "var" / "load" / "media"
        )
    )
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from motcua.accounts.models import User

    if args.fixture is None:
        from seed import export_fixture

        args.fixture = ROOT / "var" / "load" / "fixture.json"
        args.fixture.parent.mkdir(parents=True, exist_ok=True)
        export_fixture(args.fixture)
    fixture = json.loads(args.fixture.read_text())
    clients: dict[str | None, Client] = {}
    rows = []
    for label, username, path in pages(fixture):
        if args.only and args.only not in label:
            continue
        client = clients.get(username)
        if client is None:
            client = clients[username] = Client(HTTP_HOST="127.0.0.1")
            if username:
                client.force_login(User.objects.get(username=username))
        response = client.get(path)  # warm-up
        if response.status_code != 200:
            print(f"{label}: HTTP {response.status_code}", file=sys.stderr)
            continue
        times, captured = [], None
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                client.get(path)
                times.append((time.perf_counter() - start) * 1000)
            captured = ctx.captured_queries
        assert captured is not None  # noqa: S101
        sql_ms = sum(float(q["time"]) for q in captured) * 1000
        rows.append((label, statistics.median(times), len(captured), sql_ms, captured))
    rows.sort(key=lambda r: -r[1])
    print(f"{'page':<62} {'ms':>8} {'queries':>8} {'SQL ms':>8}")
    for label, ms, count, sql_ms, captured in rows:
        print(f"{label[:62]:<62} {ms:>8.1f} {count:>8} {sql_ms:>8.1f}")
        slowest = sorted(captured, key=lambda q: -float(q["time"]))
        for q in slowest[: args.top]:
            print(f"      {float(q['time']) * 1000:7.1f} ms  {q['sql'][:400]}")
        if args.explain and slowest and slowest[0]["sql"].lstrip().upper().startswith("SELECT"):
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {slowest[0]['sql']}")
                for (line,) in cursor.fetchall():
                    print(f"        {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
