"""The automaton of ``states.py`` applied to rows, set-based.

One account or a million go through the same statements: missing state rows
are inserted, the state changes are recorded with one INSERT ... SELECT and
applied with one UPDATE ... CASE, and the debtors' states are recomputed
with one UPDATE over a subquery. No account is loaded into Python.
"""

import datetime

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    OuterRef,
    QuerySet,
    Value,
    When,
)

from recupero.collections.models import AccountState, DebtorState, StateChange
from recupero.collections.states import (
    DEBTOR_PRECEDENCE,
    TRANSITIONS,
    Event,
    ManagementState,
)
from recupero.portfolios.models import Account


def ensure_account_states(accounts: QuerySet[Account]) -> None:
    """Give every account of ``accounts`` a state row ("not worked yet")."""
    select_sql, params = accounts.values("id").query.sql_with_params()
    table = AccountState._meta.db_table
    with connection.cursor() as cursor:
        # The WHERE also lets SQLite read ON CONFLICT as the upsert clause.
        cursor.execute(
            f"INSERT INTO {table} (account_id, state, activity_count) "
            f"SELECT wanted.id, %s, 0 FROM ({select_sql}) wanted "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} existing "
            "WHERE existing.account_id = wanted.id) "
            "ON CONFLICT (account_id) DO NOTHING",
            [ManagementState.NOT_WORKED, *params],
        )


def apply_event(
    accounts: QuerySet[Account],
    event: Event,
    *,
    at: datetime.datetime,
    activity_id: int | None = None,
    promise_id: int | None = None,
) -> int:
    """Move ``accounts`` as ``event`` says, record the moves; return how many."""
    moves = TRANSITIONS[event]
    if not moves:
        return 0
    ensure_account_states(accounts)
    movers = AccountState.objects.filter(
        account__in=accounts.values("id"), state__in=list(moves)
    )
    new_state = Case(
        *(When(state=old, then=Value(new.value)) for old, new in moves.items()),
        default=F("state"),
        output_field=CharField(),
    )

    select_sql, params = (
        movers.annotate(new_state=new_state)
        .values_list("account_id", "state", "new_state")
        .query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {StateChange._meta.db_table} "
            "(account_id, from_state, to_state, event, activity_id, promise_id, "
            "changed_at) SELECT moved.account_id, moved.state, moved.new_state, "
            f"%s, %s, %s, %s FROM ({select_sql}) moved",
            [event.value, activity_id, promise_id, _db_datetime(at), *params],
        )
    return movers.update(state=new_state, changed_at=at)


def reopen_settled(
    accounts: QuerySet[Account], *, at: datetime.datetime, due_on: datetime.date
) -> int:
    """Reopen the settled accounts of ``accounts`` that owe again.

    They move on ``DEBT_REOPENED`` and are due in the queue on ``due_on``,
    as a broken promise is; their debtors' states are recomputed. Return
    how many moved. An account that was ever deceased is left settled:
    the death of its debtor does not undo itself, and calling about an
    estate's debt is a person's decision, not the queue's.
    """
    was_deceased = StateChange.objects.filter(
        account=OuterRef("pk"), to_state=ManagementState.DECEASED
    )
    owing = (
        accounts.with_balance()
        .filter(balance__gt=0, management__state=ManagementState.SETTLED)
        .exclude(Exists(was_deceased))
    )
    reopened = apply_event(owing, Event.DEBT_REOPENED, at=at)
    if not reopened:
        return 0

    # The accounts this call moved: the event's changes stamped with ``at``.
    moved = StateChange.objects.filter(
        event=Event.DEBT_REOPENED,
        changed_at=at,
        account__in=accounts.values("id"),
    ).values("account_id")
    AccountState.objects.filter(account__in=moved).update(next_attempt_on=due_on)
    refresh_debtor_states(Account.objects.filter(pk__in=moved), at=at)
    return reopened


def _db_datetime(at: datetime.datetime) -> object:
    """Return ``at`` as the ORM would store it (raw SQL skips that step)."""
    return connection.ops.adapt_datetimefield_value(at)


def refresh_debtor_states(accounts: QuerySet[Account], *, at: datetime.datetime) -> int:
    """Recompute the debtor states touched by ``accounts``; return how many.

    A debtor has one state per creditor: the first of ``DEBTOR_PRECEDENCE``
    among its accounts with that creditor (an account without a state row
    counts as not worked yet).
    """
    _ensure_debtor_states(accounts)

    # One grouped pass over the accounts of the touched debtor and creditor
    # pairs, joined back to their state rows. A subquery per debtor state
    # read the same, but SQLite, knowing no statistics, looked the accounts
    # up by creditor rather than by debtor: every state then read the
    # creditor's whole book, and 30,000 accounts took minutes. The pairs
    # are one semi-join: an IN (subquery) per account row is rescanned by
    # PostgreSQL once its hash outgrows work_mem.
    pairs_sql, pairs_params = _compiled(accounts, "debtor_id", "creditor_id")
    table = DebtorState._meta.db_table
    ranks = " ".join(f"WHEN %s THEN {n}" for n in range(len(DEBTOR_PRECEDENCE)))
    states = " ".join(f"WHEN {n} THEN %s" for n in range(len(DEBTOR_PRECEDENCE)))
    precedence = [state.value for state in DEBTOR_PRECEDENCE]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET state = CASE best.best_rank {states} "
            f"ELSE {table}.state END, updated_at = %s "
            "FROM (SELECT a.debtor_id, a.creditor_id, "
            f"MIN(CASE COALESCE(s.state, %s) {ranks} "
            f"ELSE {len(DEBTOR_PRECEDENCE)} END) AS best_rank "
            f"FROM {Account._meta.db_table} a "
            f"LEFT JOIN {AccountState._meta.db_table} s ON s.account_id = a.id "
            f"WHERE (a.debtor_id, a.creditor_id) IN ({pairs_sql}) "
            "GROUP BY a.debtor_id, a.creditor_id"
            f") best WHERE {table}.debtor_id = best.debtor_id "
            f"AND {table}.creditor_id = best.creditor_id",
            [
                *precedence,
                _db_datetime(at),
                ManagementState.NOT_WORKED.value,
                *precedence,
                *pairs_params,
            ],
        )
        return cursor.rowcount


def _compiled(accounts: QuerySet[Account], *columns: str) -> tuple[str, tuple]:
    """Return the SQL and parameters selecting ``columns`` of ``accounts``."""
    return accounts.order_by().values(*columns).query.sql_with_params()


def _ensure_debtor_states(accounts: QuerySet[Account]) -> None:
    select_sql, params = accounts.values(
        "debtor_id", "creditor_id"
    ).query.sql_with_params()
    table = DebtorState._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (debtor_id, creditor_id, state) "
            f"SELECT DISTINCT wanted.debtor_id, wanted.creditor_id, %s "
            f"FROM ({select_sql}) wanted WHERE NOT EXISTS (SELECT 1 FROM {table} d "
            "WHERE d.debtor_id = wanted.debtor_id "
            "AND d.creditor_id = wanted.creditor_id) "
            "ON CONFLICT (debtor_id, creditor_id) DO NOTHING",
            [ManagementState.NOT_WORKED, *params],
        )
