"""Benchmark of a mass result over a big book, against raw SQL.

    python bench/mass_result.py N [--database-url URL] [--code C]

Sets up a fresh database (a temporary SQLite file by default; with a
PostgreSQL URL, a new database on that server, dropped afterwards) and
fills it set-based, with INSERT … SELECT over a series of numbers (a
recursive CTE on SQLite, generate_series on PostgreSQL): one creditor with
the default stages and result codes, one portfolio, N debtors, N accounts
(one debtor in 10 with a second account, so debtor states gather several
accounts), about 30 % of them with a management state. A back-office user
may record in mass.

Then it times, once each (every run writes):

(a) ``register_mass_result`` with code C (default ``ENV``, a letter sent)
    over the accounts page's search for the portfolio, as the page passes
    it: the first result for most accounts, so most state rows are new;
(b) the same through the page, POST /consola/masivo/ with the test client:
    a second result on the same accounts;

and the baseline: one raw INSERT … SELECT of the same N activity rows
(rolled back), the least SQL that writes what a mass result writes most
of. It checks the counts that (a) left behind. The last line is
``ratio <r>``: (a) over the baseline, how many times slower the whole
mass result is than writing its activities alone.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from benchdb import Dialect, drop_database, fresh_database

CHUNK = 100_000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("accounts", type=int, help="e.g. 30000")
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--code", default="ENV", help="result code (default ENV)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="recupero-bench-") as tmp:
        workdir = Path(tmp)
        url, created = fresh_database(args.database_url, workdir, "mass")
        os.environ.update(
            DATABASE_URL=url,
            RECUPERO_VAR_DIR=str(workdir),
            DJANGO_SETTINGS_MODULE="recupero.settings",
            LOG_LEVEL="WARNING",
            ALLOWED_HOSTS="testserver",
        )
        os.environ.pop("CELERY_BROKER_URL", None)
        try:
            return run(args.accounts, args.code)
        finally:
            if created and args.database_url:
                from django.db import connections

                connections.close_all()
                drop_database(args.database_url, created)


# -- the book --------------------------------------------------------------


def build_book(accounts: int) -> dict:
    """Create the creditor, portfolio, user and the N accounts; return them."""
    import datetime

    from django.contrib.auth import get_user_model
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from recupero.access.actions import ensure_default_profiles, set_membership
    from recupero.access.models import ProfileKind
    from recupero.collections.actions import ensure_default_result_codes
    from recupero.parties.models import Debtor
    from recupero.portfolios.actions import create_creditor
    from recupero.portfolios.models import Account, Portfolio

    creditor = create_creditor(code="bench", name="Banco de prueba")
    portfolio = Portfolio.objects.create(
        creditor=creditor,
        code="cartera-bench",
        name="Cartera de prueba",
        placed_on=datetime.date(2025, 6, 1),
    )
    ensure_default_profiles()
    ensure_default_result_codes()
    user = get_user_model().objects.create_user("backoffice", first_name="Back")
    set_membership(user, profile=ProfileKind.BACK_OFFICE, areas=[])

    stage = creditor.stages.get(slug="mora_temprana")
    sql = Dialect(connection.vendor)
    ts = sql.timestamp
    statements = [
        # Debtors: id i.
        f"""INSERT INTO parties_debtor (id, identity_key, kind, name, cuit, dni,
            tax_id_as_written, identity_status, identity_issue, source,
            created_at, updated_at)
        SELECT i, 'bench:' || i, 'person', 'DEUDOR ' || i, '', '', '', 'missing',
            '', 'creditor_file', {ts}, {ts} FROM {{series}}""",
        # Accounts: id i; account i of debtor i, but every tenth account
        # belongs to the debtor before it, who then has two.
        f"""INSERT INTO portfolios_account (id, number, product, currency,
            capital, interest, fees, credit_limit, due_date, days_past_due,
            stage_position, is_legal, extra, balance_as_of, created_at,
            updated_at, debtor_id, creditor_id, portfolio_id, stage_id)
        SELECT i, 'B' || {sql.padded("i", 9)}, 'Tarjeta', 'ARS',
            {sql.money("100000 + (i * 104729) % 50000000")}, 0, 0, NULL, NULL, 45,
            {stage.position}, FALSE, {sql.empty_json}, NULL, {ts}, {ts},
            CASE WHEN i % 10 = 0 THEN i - 1 ELSE i END,
            {creditor.pk}, {portfolio.pk}, {stage.pk}
        FROM {{series}}""",
        # 3 in 10 accounts have been worked: some without contact, some
        # contacted, 1 in 20 of those with a pending promise.
        f"""INSERT INTO collections_accountstate (account_id, state, changed_at,
            next_attempt_on, last_activity_at, activity_count,
            last_result_code_id)
        SELECT i,
            CASE (i / 10) % 20 WHEN 0 THEN 'promesa_vigente'
                WHEN 6 THEN 'contactado' ELSE 'sin_contacto' END,
            {ts}, NULL, {ts}, 1, NULL
        FROM {{series}} WHERE i % 10 < 3""",
    ]
    started = time.perf_counter()
    for lo in range(1, accounts + 1, CHUNK):
        hi = min(lo + CHUNK - 1, accounts)
        with_clause, series = sql.series(lo, hi)
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                body = statement.replace("{series}", series)
                cursor.execute(f"{with_clause} {body}")
        print(
            f"\rbook: {hi:,} of {accounts:,} accounts "
            f"({time.perf_counter() - started:.0f} s)",
            end="",
            flush=True,
        )
    print()
    with connection.cursor() as cursor:
        # Rows went in with their ids: the sequences go on from there.
        for statement in connection.ops.sequence_reset_sql(
            no_style(), [Debtor, Account]
        ):
            cursor.execute(statement)
        if sql.pg:
            cursor.execute("VACUUM ANALYZE")
    return {"user": user, "portfolio": portfolio}


# -- the baseline ----------------------------------------------------------


def baseline(portfolio_id: int, code_id: int) -> float:
    """Time one INSERT … SELECT of an activity per account, rolled back."""
    from django.db import connection, transaction

    pg = connection.vendor == "postgresql"
    at = connection.ops.adapt_datetimefield_value(_now())
    statement = f"""INSERT INTO collections_activity (debtor_id, creditor_id,
            user_id, channel, contact_point_id, contact_value, result_code_id,
            reason, note, started_at, ended_at, occurred_on, next_attempt_on,
            created_at)
        SELECT a.debtor_id, a.creditor_id, NULL, 'letter', NULL, '', %s, '', '',
            %s, NULL, {"CURRENT_DATE" if pg else "date('now')"}, NULL, %s
        FROM portfolios_account a WHERE a.portfolio_id = %s"""

    class Rollback(Exception):
        pass

    started = time.perf_counter()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [code_id, at, at, portfolio_id])
            took = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    return took


def _now():
    from django.utils import timezone

    return timezone.now()


# -- timing ----------------------------------------------------------------


def run(accounts: int, code: str) -> int:
    import django
    from django.core.management import call_command

    django.setup()
    from django.db import connection
    from django.db.models import Count, F
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from recupero.collections.actions import register_mass_result
    from recupero.collections.models import Activity, ActivityAccount, ResultCode
    from recupero.portfolios.listing import search_accounts
    from recupero.portfolios.models import Account

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    book = build_book(accounts)
    print(f"book: {accounts:,} accounts in {time.perf_counter() - started:.1f} s")
    user, portfolio = book["user"], book["portfolio"]
    result = ResultCode.objects.get(code=code)
    print(f"database: {connection.vendor}, code {code}, one run each")

    raw_seconds = baseline(portfolio.pk, result.pk)

    # (a) The queryset the page builds from the accounts search.
    found = search_accounts(user, portfolio=portfolio)
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        recorded = register_mass_result(
            Account.objects.filter(pk__in=found.values("pk")),
            code,
            channel="letter",
            user=user,
            note="Carta 1",
        )
        mass_seconds = time.perf_counter() - started
    mass_queries = len(captured.captured_queries)

    activities = Activity.objects.filter(result_code=result).count()
    counts = dict(
        Account.objects.values_list("management__activity_count")
        .annotate(n=Count("id"))
        .order_by()
    )
    # Each account linked once, to an activity of its own debtor.
    links = ActivityAccount.objects.filter(activity__result_code=result)
    linked = links.filter(activity__debtor_id=F("account__debtor_id")).count()
    expected = {1: accounts - accounts * 3 // 10, 2: accounts * 3 // 10}
    right = recorded == activities == linked == accounts and counts == expected
    print(
        f"(a) recorded {recorded:,}; activities {activities:,}; linked {linked:,}; "
        f"activity counts {counts}: {'right' if right else 'WRONG'}"
    )

    # (b) Through the page, as the tester did.
    client = Client()
    client.force_login(user)
    url = f"/consola/masivo/?portfolio={portfolio.pk}"
    data = {"code": code, "channel": "letter", "note": "", "expected": accounts}
    started = time.perf_counter()
    response = client.post(url, data)
    page_seconds = time.perf_counter() - started
    print(f"(b) POST /consola/masivo/ answered {response.status_code}")

    print(f"(a) register_mass_result  {mass_seconds:9.3f} s  {mass_queries} queries")
    print(f"(b) POST /consola/masivo/ {page_seconds:9.3f} s")
    print(f"baseline: raw INSERT…SELECT {raw_seconds:9.3f} s  1 query")
    print(f"ratio {mass_seconds / raw_seconds:.3f}")
    return 0 if right else 1


if __name__ == "__main__":
    sys.exit(main())
