"""Benchmark of the portfolio import against a raw baseline.

    python bench/import_portfolio.py N [--database-url URL]

Writes an N-row portfolio file the way creditors send them (``;``,
Windows-1252, decimal comma, dd/mm/aaaa, names with accents and ``’``,
CUIT, phone and e-mail, a few of them wrong), sets up a fresh database (a
temporary SQLite file by default; with a PostgreSQL URL, a new database on
that server, dropped afterwards), imports the file through ``start_import``
/ ``run_import``, and then, against the same database, loads the same file
the least a program can do: Python's csv reader and one ``executemany``
into a plain table. The last line printed is ``ratio <r>``, where r is the
full import's rows per second over the baseline's: the share of the raw
speed that the whole import keeps.
"""

import argparse
import csv
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from benchdb import drop_database, fresh_database

FIRST_NAMES = [
    "MARÍA",
    "JOSÉ",
    "JUAN",
    "ANA",
    "LUIS",
    "SOFÍA",
    "MARTÍN",
    "LUCÍA",
    "CARLOS",
    "VALENTINA",
    "GONZALO",
    "MAGALÍ",
    "NICOLÁS",
    "FLORENCIA",
    "JOAQUÍN",
    "INÉS",
]
LAST_NAMES = [
    "NÚÑEZ",
    "D’ANGELO",
    "GONZÁLEZ",
    "RODRÍGUEZ",
    "FERNÁNDEZ",
    "LÓPEZ",
    "MARTÍNEZ",
    "PÉREZ",
    "GÓMEZ",
    "DÍAZ",
    "SÁNCHEZ",
    "ROMERO",
    "O’BRIEN",
    "MUÑOZ",
    "ÁLVAREZ",
    "BENÍTEZ",
]
AREAS = ["11", "221", "351", "341", "261", "381", "223", "299"]
PRODUCTS = ["Tarjeta", "Préstamo personal", "Cuenta corriente", "Prendario"]
HEADER = [
    "Nro Cuenta",
    "Producto",
    "Titular",
    "CUIT",
    "Teléfono",
    "E-mail",
    "Saldo",
    "Vencimiento",
]
WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def es_ar_amount(cents: int) -> str:
    units, rest = divmod(cents, 100)
    return f"{units:,}".replace(",", ".") + f",{rest:02d}"


def cuit_for(dni: int, prefix: str) -> str:
    body = f"{prefix}{dni:08d}"
    remainder = sum(w * int(d) for w, d in zip(WEIGHTS, body, strict=True)) % 11
    if remainder == 1:
        # The check digit would be 10: AFIP issues such a number as 23-.
        return cuit_for(dni, "23") if prefix != "23" else cuit_for(dni + 1, prefix)
    return f"{body[:2]}-{body[2:]}-{(11 - remainder) % 11}"


def plain(text: str) -> str:
    table = str.maketrans("ÁÉÍÓÚÑ’", "AEIOUN ")
    return text.translate(table).replace(" ", "").lower()


def write_portfolio(path: Path, rows: int, seed: int = 20250331) -> None:
    """Write ``rows`` accounts; about 2 % carry a wrong CUIT, phone or e-mail."""
    rng = random.Random(seed)
    with path.open("w", encoding="cp1252", newline="") as stream:
        writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADER)
        for number in range(1, rows + 1):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            dni = rng.randrange(10_000_000, 45_000_000)
            cuit = cuit_for(dni, rng.choice(("20", "27")))
            area = rng.choice(AREAS)
            # Area code and subscriber number make ten digits together;
            # subscriber numbers from 3 to 5 are assigned in every area here.
            digits = 10 - len(area)
            local = rng.randrange(3 * 10 ** (digits - 1), 6 * 10 ** (digits - 1))
            phone = f"0{area} 15 {local}"
            email = f"{plain(first)}.{plain(last)}{number}@gmail.com"
            defect = rng.random()
            if defect < 0.01:
                cuit = cuit[:-1] + str((int(cuit[-1]) + 1) % 10)
            elif defect < 0.02:
                phone = "15"
            elif defect < 0.03:
                email = email.replace("@", "")
            due = f"{rng.randrange(1, 29):02d}/{rng.randrange(1, 13):02d}/2024"
            writer.writerow(
                [
                    f"{number:010d}",
                    rng.choice(PRODUCTS),
                    f"{last}, {first}",
                    cuit,
                    phone,
                    email,
                    es_ar_amount(rng.randrange(1_000, 500_000_000)),
                    due,
                ]
            )


def baseline(path: Path) -> float:
    """Load the file the least a program can: csv reader, one executemany.

    The rows go straight to the driver's cursor in one transaction (Django
    keeps its connection in autocommit, which would commit every row).
    """
    from django.db import connection, transaction

    columns = ", ".join(f"c{index} text" for index in range(len(HEADER)))
    marks = ", ".join(["?" if connection.vendor == "sqlite" else "%s"] * len(HEADER))
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE bench_baseline ({columns})")

    started = time.perf_counter()
    with transaction.atomic(), path.open(encoding="cp1252", newline="") as stream:
        reader = csv.reader(stream, delimiter=";")
        next(reader)
        cursor = connection.connection.cursor()
        cursor.executemany(f"INSERT INTO bench_baseline VALUES ({marks})", reader)  # noqa: S608
    return time.perf_counter() - started


def full_import(path: Path):
    from recupero.portfolios.actions import create_creditor
    from recupero.portfolios.importing import start_import
    from recupero.portfolios.models import ImportProfile

    creditor = create_creditor(code="bench", name="Banco de prueba")
    profile = ImportProfile.objects.create(
        creditor=creditor,
        name="cartera",
        columns={
            "account_number": "Nro Cuenta",
            "product": "Producto",
            "debtor_name": "Titular",
            "tax_id": "CUIT",
            "phone": "Teléfono",
            "email": "E-mail",
            "balance": "Saldo",
            "due_date": "Vencimiento",
        },
    )
    started = time.perf_counter()
    job = start_import(creditor=creditor, profile=profile, source=path, run_now=True)
    return job, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rows", type=int)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="recupero-bench-") as tmp:
        workdir = Path(tmp)
        url, created = fresh_database(args.database_url, workdir, "bench")
        os.environ.update(
            DATABASE_URL=url,
            RECUPERO_VAR_DIR=str(workdir),
            DJANGO_SETTINGS_MODULE="recupero.settings",
            LOG_LEVEL="WARNING",
        )
        os.environ.pop("CELERY_BROKER_URL", None)
        try:
            return run(args.rows, workdir)
        finally:
            if created and args.database_url:
                from django.db import connections

                connections.close_all()
                drop_database(args.database_url, created)


def run(rows: int, workdir: Path) -> int:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)

    path = workdir / "cartera.csv"
    started = time.perf_counter()
    write_portfolio(path, rows)
    size = path.stat().st_size
    took = time.perf_counter() - started
    print(f"file: {rows:,} rows, {size / 1e6:.1f} MB ({took:.1f} s)")

    job, full_seconds = full_import(path)
    print(
        f"import: {job.status}, {job.rows_created:,} created, "
        f"{job.rows_rejected:,} rejected, {job.rows_with_warnings:,} with warnings"
    )
    if job.status != "done" or job.rows_created != rows:
        print(job.error or job.message, file=sys.stderr)
        return 1
    baseline_seconds = baseline(path)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for label, seconds in (
        ("full import", full_seconds),
        ("baseline", baseline_seconds),
    ):
        print(f"{label + ':':12} {seconds:8.2f} s  {rows / seconds:10,.0f} rows/s")
    print(f"peak memory: {peak:,.0f} MB")
    print(f"ratio {baseline_seconds / full_seconds:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
