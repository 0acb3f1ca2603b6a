"""The nightly cycle: age every account and place it in its stage.

Everything here is set-based: one UPDATE for the days past due of a
creditor's accounts, then, stage by stage, one INSERT ... SELECT for the
stage changes and one UPDATE for the new stage. No account is loaded into
Python, so the cost grows with the number of stages, not of accounts.

Days past due count from the end of the grace period (the convention of
Apache Fineract): with a due date of 10/03 and 5 grace days, 15/03 is day 0
and 16/03 is day 1. Re-running the cycle for the same date changes nothing,
because only accounts whose stage differs are moved and recorded.
"""

import datetime
import logging
import zoneinfo
from collections.abc import Callable, Iterable

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from recupero.portfolios.models import Account, Creditor, CycleRun, Stage, StageChange

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


def business_date(
    creditor: Creditor, now: datetime.datetime | None = None
) -> datetime.date:
    """Return the creditor's calendar date at ``now`` (default: this instant).

    The day turns at midnight where the creditor is, not at midnight UTC,
    which in Argentina would make accounts late from 21:00 on.
    """
    now = now or timezone.now()
    return now.astimezone(zoneinfo.ZoneInfo(creditor.time_zone)).date()


def days_past_due(
    due_date: datetime.date | None, as_of: datetime.date, grace_days: int = 0
) -> int:
    """Return the days an amount due on ``due_date`` is late on ``as_of``."""
    if due_date is None:
        return 0
    return max(0, (as_of - due_date).days - grace_days)


def run_cycle(
    as_of: datetime.date | None = None,
    *,
    creditor: Creditor | None = None,
    progress: Progress | None = None,
) -> CycleRun:
    """Age and stage the accounts of one creditor, or of all of them.

    Without ``as_of`` each creditor is run for its own business date; the
    returned run is the last one written.
    """
    creditors = [creditor] if creditor else list(Creditor.objects.order_by("id"))
    by_date: dict[datetime.date, list[Creditor]] = {}
    for each in creditors:
        by_date.setdefault(as_of or business_date(each), []).append(each)
    if not by_date:
        return CycleRun.objects.create(
            as_of=as_of or timezone.localdate(), finished_at=timezone.now()
        )

    run = None
    for run_date, group in sorted(by_date.items()):
        run = _run_for_date(run_date, group, progress)
    assert run is not None
    return run


def _run_for_date(
    as_of: datetime.date, creditors: Iterable[Creditor], progress: Progress | None
) -> CycleRun:
    run = CycleRun.objects.create(as_of=as_of)
    creditors = list(creditors)
    for position, creditor in enumerate(creditors, start=1):
        with transaction.atomic():
            accounts, changes = _cycle_creditor(creditor, as_of, run)
        run.accounts += accounts
        run.stage_changes += changes
        if progress:
            progress(creditor.name, position, len(creditors))
        logger.info(
            "cycle run %s: creditor %s aged %s accounts, %s stage changes",
            run.pk,
            creditor.pk,
            accounts,
            changes,
        )

    run.finished_at = timezone.now()
    run.save(update_fields=["accounts", "stage_changes", "finished_at"])
    return run


def _cycle_creditor(
    creditor: Creditor, as_of: datetime.date, run: CycleRun
) -> tuple[int, int]:
    _age_accounts(creditor, as_of)

    stages = list(creditor.stages.order_by("position", "id"))
    has_legal_stage = any(stage.is_legal for stage in stages)
    taken = Q(pk__in=[])
    changes = 0
    for stage in stages:
        condition = _stage_condition(stage, has_legal_stage) & ~taken
        taken |= condition
        changes += _move_into_stage(creditor, stage, condition, as_of, run)

    # Accounts in no band (the creditor's bands leave a gap) lose their stage
    # rather than keep one that no longer holds.
    Account.objects.filter(creditor=creditor).exclude(taken).exclude(stage=None).update(
        stage=None
    )
    return Account.objects.filter(creditor=creditor).count(), changes


def _age_accounts(creditor: Creditor, as_of: datetime.date) -> None:
    table = Account._meta.db_table
    if connection.vendor == "postgresql":
        late = "GREATEST(0, (%s::date - due_date) - %s)"
    else:
        late = "MAX(0, CAST(julianday(%s) - julianday(due_date) AS INTEGER) - %s)"
    new_value = f"CASE WHEN due_date IS NULL THEN 0 ELSE {late} END"
    params = [as_of, creditor.grace_days]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET days_past_due = {new_value} "  # noqa: S608
            f"WHERE creditor_id = %s AND days_past_due <> {new_value}",
            [*params, creditor.pk, *params],
        )


def _stage_condition(stage: Stage, has_legal_stage: bool) -> Q:
    band = Q(days_past_due__gte=stage.min_days)
    if stage.max_days is not None:
        band &= Q(days_past_due__lte=stage.max_days)
    if stage.is_legal:
        return band | Q(is_legal=True)
    if has_legal_stage:
        return band & Q(is_legal=False)
    return band


def _move_into_stage(
    creditor: Creditor,
    stage: Stage,
    condition: Q,
    as_of: datetime.date,
    run: CycleRun,
) -> int:
    movers = (
        Account.objects.filter(creditor=creditor).filter(condition).exclude(stage=stage)
    )
    select_sql, select_params = movers.values_list(
        "id", "stage_id"
    ).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {StageChange._meta.db_table} "  # noqa: S608
            "(account_id, from_stage_id, to_stage_id, changed_on, cycle_run_id) "
            f"SELECT moved.id, moved.stage_id, %s, %s, %s FROM ({select_sql}) moved",
            [stage.pk, as_of, run.pk, *select_params],
        )
    return movers.update(stage=stage)
