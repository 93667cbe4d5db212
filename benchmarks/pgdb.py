"""A throwaway PostgreSQL database named by a URL, for the benchmarks that need one (lifecycle.py, load/).

``Pg.from_url(url, who=…)`` refuses anything but a PostgreSQL URL naming a database; with ``loopback_only`` it
also refuses a host that is not this machine. The admin connection goes to the ``postgres`` database.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlparse


def loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address (or ``localhost``)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Pg:
    url: str
    name: str
    params: dict[str, Any]

    @classmethod
    def from_url(cls, url: str, *, who: str, loopback_only: bool = False) -> Pg:
        parsed = urlparse(url)
        if parsed.scheme not in {"postgres", "postgresql", "pgsql"}:
            raise SystemExit(f"{who} needs PostgreSQL; the database URL is {url!r}")
        name = unquote(parsed.path.lstrip("/"))
        if not name:
            raise SystemExit(f"database URL {url!r} names no database")
        host = parsed.hostname or "127.0.0.1"
        if loopback_only and not loopback(host):
            raise SystemExit(f"{who} runs on loopback only; the database host is {host!r}")
        params: dict[str, Any] = {
            "host": host,
            "port": parsed.port or 5432,
            "user": unquote(parsed.username or "") or None,
            "password": unquote(parsed.password or "") or None,
            "dbname": "postgres",
            "connect_timeout": 5,
        }
        return cls(url, name, params)

    def admin(self) -> Any:
        import psycopg

        return psycopg.connect(**{k: v for k, v in self.params.items() if v is not None}, autocommit=True)

    def exists(self) -> bool:
        with self.admin() as conn:
            return (
                conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.name]).fetchone()
                is not None
            )

    def create(self) -> None:
        from psycopg import sql

        with self.admin() as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(
                    sql.Identifier(self.name)
                )
            )

    def drop(self) -> None:
        from psycopg import sql

        with self.admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name)))

    def version(self) -> str:
        with self.admin() as conn:
            row = conn.execute("SHOW server_version").fetchone()
        return str(row[0]) if row else "?"
