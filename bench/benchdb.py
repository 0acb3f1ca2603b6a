"""What the benchmarks share: a throwaway database and SQL for both engines.

Each benchmark fills its book with INSERT … SELECT over a series of numbers,
so the few expressions SQLite and PostgreSQL write differently are here.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

# The instant the books are filled "at", in UTC.
TS = "2025-06-30 12:00:00"


def fresh_database(url: str | None, workdir: Path, tag: str) -> tuple[str, str | None]:
    """Return the URL of an empty database, and the name to drop it by.

    Without ``url``, a SQLite file in ``workdir``. With a PostgreSQL URL, a
    new database beside the one it names, called ``<name>_<tag>_<pid>``.
    """
    if not url:
        return f"sqlite:///{workdir / 'bench.sqlite3'}", None
    if url.startswith("sqlite"):
        return url, None
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'recupero'}_{tag}_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}")), name


def drop_database(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


class Dialect:
    """The few expressions that SQLite and PostgreSQL write differently."""

    def __init__(self, vendor: str) -> None:
        self.pg = vendor == "postgresql"

    def series(self, lo: int, hi: int) -> tuple[str, str]:
        """Return a WITH clause and a FROM item giving ``i`` from lo to hi."""
        if self.pg:
            return "", f"generate_series({lo}::bigint, {hi}) AS n(i)"
        return (
            f"WITH RECURSIVE n(i) AS (SELECT {lo} UNION ALL "
            f"SELECT i + 1 FROM n WHERE i < {hi})",
            "n",
        )

    def money(self, cents: str) -> str:
        return f"({cents})::numeric / 100" if self.pg else f"({cents}) / 100.0"

    def days_before(self, days: str, date: str) -> str:
        if self.pg:
            return f"DATE '{date}' - ({days})::int"
        return f"date('{date}', '-' || ({days}) || ' days')"

    def days_after(self, days: str, date: str) -> str:
        if self.pg:
            return f"DATE '{date}' + ({days})::int"
        return f"date('{date}', '+' || ({days}) || ' days')"

    def padded(self, number: str, width: int) -> str:
        if self.pg:
            return f"lpad(({number})::text, {width}, '0')"
        return f"printf('%0{width}d', {number})"

    @property
    def timestamp(self) -> str:
        return f"TIMESTAMPTZ '{TS}+00'" if self.pg else f"'{TS}'"

    @property
    def empty_json(self) -> str:
        return "'{}'::jsonb" if self.pg else "'{}'"
