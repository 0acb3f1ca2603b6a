"""Reads over portfolios that other apps and the command line share."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Min, QuerySet, Sum
from django.db.models.functions import Round

from recupero.portfolios.models import Account, Creditor, CycleRun, Stage

UNSTAGED = "sin_tramo"


@dataclass(frozen=True)
class StageTotal:
    stage: str
    name: str
    accounts: int
    balance: Decimal


@dataclass(frozen=True)
class StageSummary:
    as_of: datetime.date | None
    stages: list[StageTotal]

    @property
    def accounts(self) -> int:
        return sum(total.accounts for total in self.stages)

    @property
    def balance(self) -> Decimal:
        return sum((total.balance for total in self.stages), Decimal("0.00"))


def balance_in_cents() -> Sum:
    """Sum balances as whole cents.

    SQLite adds NUMERIC columns as binary floats; summing rounded cents keeps
    every total exact on SQLite as on PostgreSQL.
    """
    return Sum(Round((F("capital") + F("interest") + F("fees")) * 100))


def cents_to_money(cents: object) -> Decimal:
    if cents is None:
        return Decimal("0.00")
    return (Decimal(int(Decimal(str(cents)))) / 100).quantize(Decimal("0.01"))


def last_cycle_date() -> datetime.date | None:
    run = CycleRun.objects.exclude(finished_at=None).order_by("-started_at").first()
    return run.as_of if run else None


def stage_summary(
    *,
    creditor: Creditor | None = None,
    accounts: QuerySet[Account] | None = None,
    creditors: QuerySet[Creditor] | None = None,
) -> StageSummary:
    """Return accounts and balance per stage as the last cycle left them.

    Stages of the same slug are added up across creditors, in the order of
    their position. ``accounts`` limits what is counted (a user's scope)
    and ``creditors`` whose stages are listed; both default to all.
    """
    if accounts is None:
        accounts = Account.objects.all()
    stages: QuerySet[Stage] = Stage.objects.all()
    if creditors is not None:
        stages = stages.filter(creditor__in=creditors)
    if creditor is not None:
        accounts = accounts.filter(creditor=creditor)
        stages = stages.filter(creditor=creditor)

    totals = {
        row["stage__slug"]: row
        for row in accounts.values("stage__slug").annotate(
            accounts=Count("id"), cents=balance_in_cents()
        )
    }
    order = stages.values("slug").annotate(position=Min("position"), name=Min("name"))

    result = [
        StageTotal(
            stage=row["slug"],
            name=row["name"],
            accounts=totals.get(row["slug"], {}).get("accounts", 0),
            balance=cents_to_money(totals.get(row["slug"], {}).get("cents")),
        )
        for row in order.order_by("position", "slug")
    ]
    if None in totals:
        result.append(
            StageTotal(
                stage=UNSTAGED,
                name="Sin tramo",
                accounts=totals[None]["accounts"],
                balance=cents_to_money(totals[None]["cents"]),
            )
        )
    return StageSummary(as_of=last_cycle_date(), stages=result)
