"""Benchmark of the agent console over a big book, against raw SQL.

    python bench/console_queue.py N [--database-url URL] [--runs R] [--timeout S]

Sets up a fresh database (a temporary SQLite file by default; with a
PostgreSQL URL, a new database on that server, dropped afterwards) and
fills it set-based, with INSERT … SELECT over a series of numbers (a
recursive CTE on SQLite, generate_series on PostgreSQL): one creditor with
the default stages, one portfolio worked by one area, N debtors with one
phone each, N accounts over every stage, days past due and balance, 1 in
40 of them paid off, and about 30 % with a management state (some due
later, some deceased or settled). An agent works the area.

Then it times, as the median of R runs each:

(a) the queue page's reads, ``get_queue_page``: the head of 50 of
    ``agent_queue`` and its count up to ``QUEUE_COUNT_CAP`` (and the page
    itself through the client);
(b) ``take_next_account``; between runs the account taken is handed to
    another agent, so each run takes a new one;
(c) the account's 360° page, GET /consola/cuentas/<id>/ through the test
    client;

and the baseline: the same head of 50 and count written by hand in raw
SQL on the same tables. It prints the plan of the queue's SQL (EXPLAIN
QUERY PLAN on SQLite, EXPLAIN ANALYZE on PostgreSQL) and whether it sorts
the whole area. On PostgreSQL every statement gives up after ``--timeout``
seconds (a plan gone wrong can run for hours); a figure cut there is
printed as such and the ratio is then a lower bound. The last line is
``ratio <r>``: (a) over the baseline, how many times slower the queue
page's reads are than the least SQL that answers the same question.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchdb import Dialect, drop_database, fresh_database

CHUNK = 100_000
PAGE = 50


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("accounts", type=int, help="e.g. 1000000")
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--timeout",
        type=int,
        default=60,
        help="PostgreSQL statement timeout in seconds (default 60)",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="recupero-bench-") as tmp:
        workdir = Path(tmp)
        url, created = fresh_database(args.database_url, workdir, "queue")
        os.environ.update(
            DATABASE_URL=url,
            RECUPERO_VAR_DIR=str(workdir),
            DJANGO_SETTINGS_MODULE="recupero.settings",
            LOG_LEVEL="WARNING",
            ALLOWED_HOSTS="testserver",
        )
        os.environ.pop("CELERY_BROKER_URL", None)
        try:
            return run(args.accounts, max(args.runs, 1), args.timeout)
        finally:
            if created and args.database_url:
                from django.db import connections

                connections.close_all()
                drop_database(args.database_url, created)


# -- the book --------------------------------------------------------------


def build_book(accounts: int) -> dict:
    """Create the creditor, area, agents and the N accounts; return them."""
    import datetime

    from django.contrib.auth import get_user_model
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from recupero.access.actions import (
        ensure_default_profiles,
        link_portfolio_to_area,
        set_membership,
    )
    from recupero.access.models import Area, ProfileKind
    from recupero.parties.models import Debtor
    from recupero.portfolios.actions import create_creditor
    from recupero.portfolios.cycle import business_date
    from recupero.portfolios.models import Account, Portfolio

    creditor = create_creditor(code="bench", name="Banco de prueba")
    portfolio = Portfolio.objects.create(
        creditor=creditor,
        code="cartera-bench",
        name="Cartera de prueba",
        placed_on=datetime.date(2025, 6, 1),
    )
    area = Area.objects.create(code="bench", name="Área de prueba")
    link_portfolio_to_area(portfolio, area)
    ensure_default_profiles()
    users = get_user_model().objects
    agent = users.create_user("gestora", first_name="Laura", last_name="Gestora")
    other = users.create_user("otra", first_name="Otra", last_name="Gestora")
    for user in (agent, other):
        set_membership(user, profile=ProfileKind.AGENT, areas=[area])

    today = business_date(creditor, timezone.now()).isoformat()
    stage = {s.slug: s.pk for s in creditor.stages.all()}
    sql = Dialect(connection.vendor)
    ts, days = sql.timestamp, "(i * 7919) % 731"

    def cents(amount: str) -> str:
        return f"CASE WHEN i % 40 = 0 THEN 0 ELSE {amount} END"

    statements = [
        # Debtors: id i.
        f"""INSERT INTO parties_debtor (id, identity_key, kind, name, cuit, dni,
            tax_id_as_written, identity_status, identity_issue, source,
            created_at, updated_at)
        SELECT i, 'bench:' || i, 'person', 'DEUDOR ' || i, '', '', '', 'missing',
            '', 'creditor_file', {ts}, {ts} FROM {{series}}""",
        # One mobile phone each: id i, debtor i.
        f"""INSERT INTO parties_contactpoint (id, kind, raw, value, phone_type,
            details, source, status, issue, created_at, updated_at, debtor_id,
            related_person_id)
        SELECT i, 'phone', '011 15 ' || (30000000 + i), '+54911' || (30000000 + i),
            'mobile', {sql.empty_json}, 'creditor_file', 'unverified', '', {ts},
            {ts}, i, NULL FROM {{series}}""",
        # Accounts: id i, debtor i; days past due 0 to 730 and the stage
        # of its band; 1 in 40 paid off.
        f"""INSERT INTO portfolios_account (id, number, product, currency,
            capital, interest, fees, credit_limit, due_date, days_past_due,
            is_legal, extra, balance_as_of, created_at, updated_at, debtor_id,
            creditor_id, portfolio_id, stage_id)
        SELECT i, 'B' || {sql.padded("i", 9)}, 'Tarjeta', 'ARS',
            {sql.money(cents("100000 + (i * 104729) % 50000000"))},
            {sql.money(cents("(i * 31) % 100000"))},
            {sql.money(cents("(i % 7) * 1000"))},
            NULL, {sql.days_before(days, today)}, {days}, FALSE,
            {sql.empty_json}, '{today}', {ts}, {ts}, i, {creditor.pk}, {portfolio.pk},
            CASE WHEN {days} = 0 THEN {stage["activa"]}
                 WHEN {days} <= 90 THEN {stage["mora_temprana"]}
                 WHEN {days} <= 180 THEN {stage["mora_tardia"]}
                 WHEN {days} <= 365 THEN {stage["prejudicial"]}
                 ELSE {stage["judicial"]} END
        FROM {{series}}""",
        # 3 in 10 accounts have been worked: of those, 1 in 20 deceased, 1
        # in 20 settled, 4 in 20 to try again in 1 to 7 days, 4 in 20 due
        # since 1 to 7 days ago, the rest without a next attempt.
        f"""INSERT INTO collections_accountstate (account_id, state, changed_at,
            next_attempt_on, last_activity_at, activity_count,
            last_result_code_id)
        SELECT i,
            CASE (i / 10) % 20 WHEN 0 THEN 'fallecido' WHEN 1 THEN 'cancelada'
                WHEN 2 THEN 'promesa_vigente' WHEN 3 THEN 'promesa_vigente'
                WHEN 6 THEN 'contactado' ELSE 'sin_contacto' END,
            {ts},
            CASE WHEN (i / 10) % 20 BETWEEN 2 AND 5
                    THEN {sql.days_after("1 + i % 7", today)}
                 WHEN (i / 10) % 20 BETWEEN 6 AND 9
                    THEN {sql.days_before("i % 7", today)}
                 ELSE NULL END,
            {ts}, 1 + i % 5, NULL
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
            no_style(), [Debtor, Account, Debtor.contact_points.field.model]
        ):
            cursor.execute(statement)
        if sql.pg:
            # What autovacuum would have done by the time agents log in.
            cursor.execute("VACUUM ANALYZE")
    return {"agent": agent, "other": other, "area": area, "today": today}


# -- the baseline ----------------------------------------------------------


def baseline_sql(pg: bool, cap: int) -> tuple[str, str]:
    """The head of 50 and the count up to ``cap`` + 1 of the queue, by hand.

    The same question as ``agent_queue``: accounts of the portfolios of the
    agent's areas not handed to another area or agent, plus those handed
    to the agent or, without agent, to their areas; owing something, not
    deceased or settled, due today or without a next attempt, not open in
    another agent's console. Ordered by the account's copy of its stage's
    position, as the queue is. Parameters: see ``baseline_params``.
    """
    # On SQLite a unary + keeps an IN (…) from driving the query through the
    # portfolio or primary key index, the usual hint when writing SQL by
    # hand for it: the head is then read in order from account_queue_order.
    plus = "" if pg else "+"
    areas = """SELECT ma.area_id FROM access_membership_areas ma
        JOIN access_membership mb ON mb.id = ma.membership_id
        WHERE mb.user_id = %s"""
    where = f"""
        WHERE (
            ({plus}a.portfolio_id IN (
                SELECT pa.portfolio_id FROM access_portfolioarea pa
                WHERE pa.area_id IN ({areas}))
             AND NOT EXISTS (
                SELECT 1 FROM access_accountassignment x
                WHERE x.account_id = a.id
                  AND (x.agent_id <> %s OR x.area_id NOT IN ({areas}))))
            OR {plus}a.id IN (
                SELECT x.account_id FROM access_accountassignment x
                WHERE x.agent_id = %s
                   OR (x.agent_id IS NULL AND x.area_id IN ({areas}))))
          AND a.capital + a.interest + a.fees > 0
          AND (m.state IS NULL OR m.state NOT IN ('fallecido', 'cancelada'))
          AND (m.next_attempt_on IS NULL OR m.next_attempt_on <= %s)
          AND NOT EXISTS (
            SELECT 1 FROM console_accountlock k
            WHERE k.account_id = a.id AND k.expires_at > %s
              AND k.user_id <> %s)"""
    head = f"""
        SELECT a.id, a.number, a.days_past_due, a.capital, a.interest, a.fees,
            d.name, s.name, c.name, m.state, m.next_attempt_on
        FROM portfolios_account a
        JOIN parties_debtor d ON d.id = a.debtor_id
        JOIN portfolios_creditor c ON c.id = a.creditor_id
        LEFT JOIN portfolios_stage s ON s.id = a.stage_id
        LEFT JOIN collections_accountstate m ON m.account_id = a.id
        {where}
        ORDER BY a.stage_position DESC, a.days_past_due DESC,
            a.capital + a.interest + a.fees DESC, a.number, a.id
        LIMIT {PAGE}"""
    count = f"""SELECT COUNT(*) FROM (SELECT 1 FROM portfolios_account a
        LEFT JOIN collections_accountstate m ON m.account_id = a.id
        {where} LIMIT {cap + 1}) AS due"""
    return head, count


def baseline_params(user_id: int, today: str, now) -> list:
    """Areas' user, agent, areas' user, agent, areas' user, today, now, agent."""
    from django.db import connection

    at = connection.ops.adapt_datetimefield_value(now)
    return [user_id, user_id, user_id, user_id, user_id, today, at, user_id]


# -- timing ----------------------------------------------------------------


def timed(function, runs: int, before=None, between=None):
    """Run ``function`` once to warm up, then ``runs`` times.

    Return the seconds of each run, the queries of the last one and its
    result. ``before`` makes the argument of each call and ``between``
    runs after it, both outside the clock. A query cancelled by the
    statement timeout ends the runs: the seconds are then those before it.
    """
    from django.db import OperationalError, connection
    from django.test.utils import CaptureQueriesContext

    seconds = []
    queries = 0
    result = None
    for run in range(runs + 1):
        argument = before() if before else None
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            try:
                result = function(argument) if before else function()
            except OperationalError as error:
                if "statement timeout" not in str(error):
                    raise
                return [], len(captured.captured_queries), None
            took = time.perf_counter() - started
        if run:
            seconds.append(took)
            queries = len(captured.captured_queries)
        if between:
            between(result)
    return seconds, queries, result


def show(label: str, seconds: list[float], queries: int, timeout: int) -> float:
    """Print the median of ``seconds``; with none, the timeout, a lower bound."""
    if not seconds:
        print(f"{label:34} did not finish in {timeout} s (statement timeout)")
        return float(timeout)
    median = statistics.median(seconds)
    print(
        f"{label:34} {median * 1000:9.1f} ms median"
        f"  (min {min(seconds) * 1000:.1f}, max {max(seconds) * 1000:.1f})"
        f"  {queries} queries"
    )
    return median


def explain_queue(agent, pg: bool) -> None:
    from django.db import OperationalError

    from recupero.console.queue import agent_queue

    related = ("debtor", "stage", "creditor", "management")
    head = agent_queue(agent).select_related(*related)[:PAGE]
    how = "EXPLAIN ANALYZE" if pg else "EXPLAIN QUERY PLAN"
    try:
        plan = head.explain(analyze=True) if pg else head.explain()
    except OperationalError:
        how = "EXPLAIN (EXPLAIN ANALYZE did not finish in the statement timeout)"
        plan = head.explain()
    print(f"plan of the queue's head, {how}:")
    for line in plan.splitlines():
        print(f"    {line}")
    if pg:
        method = [line.strip() for line in plan.splitlines() if "Sort Method" in line]
        # An Incremental Sort over an index sorts only the rows that tie on
        # the index's keys, group by group, until the LIMIT is reached.
        partly = "Presorted Key" in plan
        whole = "Sort Key" in plan and not partly
        how_sorted = method[0] if method else "Sort node"
    else:
        partly = "TEMP B-TREE FOR RIGHT PART OF ORDER BY" in plan
        whole = "TEMP B-TREE FOR ORDER BY" in plan
        how_sorted = "temp B-tree for ORDER BY"
    if whole:
        print(f"queue head: sorts the whole area ({how_sorted})")
    elif partly:
        print("queue head: reads the head from an index, sorts only its ties")
    else:
        print("queue head: reads the head from an index, no sort")
    if pg and _materialized_subplan(plan):
        print(
            "queue head: some IN (subquery) is not hashed but rescanned "
            "(Materialize under a SubPlan), once per account"
        )


def _materialized_subplan(plan: str) -> bool:
    """Whether a Materialize node sits right under a SubPlan of ``plan``.

    A Materialize elsewhere (a small table on the inner side of a nested
    loop) is no sign of an IN rescanned per account.
    """
    lines = plan.splitlines()
    for at, line in enumerate(lines):
        if "Materialize" not in line:
            continue
        indent = len(line) - len(line.lstrip(" ->"))
        for above in reversed(lines[:at]):
            if len(above) - len(above.lstrip(" ->")) < indent:
                if above.strip().startswith("SubPlan"):
                    return True
                break
    return False


def run(accounts: int, runs: int, timeout: int) -> int:
    import django
    from django.core.management import call_command

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from recupero.console.actions import take_next_account
    from recupero.console.models import AccountLock
    from recupero.console.pages import QUEUE_COUNT_CAP, get_queue_page

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    book = build_book(accounts)
    print(f"book: {accounts:,} accounts in {time.perf_counter() - started:.1f} s")
    agent, other = book["agent"], book["other"]
    users = get_user_model().objects
    pg = connection.vendor == "postgresql"
    if pg:
        # A plan gone wrong could run for hours: every connection to the
        # bench's own database gives up after ``timeout`` seconds.
        name = connection.settings_dict["NAME"]
        with connection.cursor() as cursor:
            cursor.execute(
                f'ALTER DATABASE "{name}" SET statement_timeout = {timeout * 1000}'
            )
        connection.close()
    print(f"database: {connection.vendor}, {runs} runs each, median")

    # Baseline: the head and count by hand, on the same tables.
    head_sql, count_sql = baseline_sql(pg, QUEUE_COUNT_CAP)
    params = baseline_params(agent.pk, book["today"], timezone.now())

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(head_sql, params)
            rows = cursor.fetchall()
            cursor.execute(count_sql, params)
            return rows, cursor.fetchone()[0]

    raw_seconds, raw_queries, (rows, due) = timed(raw, runs)
    # The baseline counts up to the cap + 1, as the page does.
    more = due > QUEUE_COUNT_CAP
    due_shown = f"{min(due, QUEUE_COUNT_CAP):,}{'+' if more else ''}"

    # (a) Each run reads with a fresh user, as each request does (the
    # scope is worked out again); fetching the user is the request's work.
    def fresh_agent():
        return users.get(pk=agent.pk)

    queue_seconds, queue_queries, page = timed(get_queue_page, runs, fresh_agent)
    if page is None:
        print(f"queue: {due_shown} due of {accounts:,} by the baseline")
    else:
        same = [row[0] for row in rows] == [a.pk for a in page.accounts]
        same_count = (page.due, page.more) == (min(due, QUEUE_COUNT_CAP), more)
        shown = f"{page.due:,}{'+' if page.more else ''}"
        print(
            f"queue: {shown} due of {accounts:,}; baseline count {due_shown}; "
            f"same head of {PAGE}: {'yes' if same and same_count else 'NO'}"
        )

    # (b) The account taken goes to another agent, as if they had taken it.
    def hand_over(account):
        if account is not None:
            AccountLock.objects.filter(account=account).update(user=other)

    take_seconds, take_queries, taken = timed(
        take_next_account, runs, fresh_agent, hand_over
    )

    # (c) The 360° page of an account, through the whole stack: the one
    # taken last, or the baseline's first when taking did not finish.
    account_id = taken.pk if taken else rows[0][0]
    AccountLock.objects.filter(account_id=account_id).update(user=agent)
    client = Client()
    client.force_login(agent)

    def get(url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    page_seconds, page_queries, _response = timed(
        lambda: get(f"/consola/cuentas/{account_id}/"), runs
    )
    view_seconds, view_queries, _response = timed(lambda: get("/consola/"), runs)

    queue_median = show("(a) queue page reads", queue_seconds, queue_queries, timeout)
    show("(a') GET /consola/ (client)", view_seconds, view_queries, timeout)
    show("(b) take_next_account", take_seconds, take_queries, timeout)
    show("(c) GET /consola/cuentas/<id>/", page_seconds, page_queries, timeout)
    raw_median = show("baseline: raw head + count", raw_seconds, raw_queries, timeout)
    explain_queue(users.get(pk=agent.pk), pg)
    if not queue_seconds:
        print("the ratio is a lower bound: (a) was cut at the statement timeout")
    print(f"ratio {queue_median / raw_median:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
