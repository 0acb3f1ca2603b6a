"""The cuenta corriente: what is posted to an account and what it sums to.

The account's capital, interest and fees are each the sum of the ledger's
entries of that component. Whatever changes an amount posts the entry in
the same transaction as the change (the portfolio import posts the
difference a creditor's file states); ``disagreements`` finds any account
where the two part, and the statement lists the entries with the running
balance.
"""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Abs, Coalesce

from recupero.payments.models import ACCOUNT_COLUMN, Component, EntryKind, LedgerEntry
from recupero.portfolios.models import Account

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
HALF_CENT = Decimal("0.005")
# The account's columns, each the sum of the ledger's components it holds.
ACCOUNT_COLUMNS = ("capital", "interest", "fees")
# What a creditor's file states: one figure per column.
STATED = (Component.CAPITAL, Component.INTEREST, Component.FEES)
# The columns a bulk writer passes, in this order, for each entry.
ENTRY_FIELDS = (
    "account",
    "value_date",
    "posted_at",
    "kind",
    "component",
    "amount",
    "import_job",
)


def balance_entries(
    account_id: int,
    stated: Mapping[str, Decimal],
    before: Mapping[str, Decimal] | None,
    *,
    value_date: datetime.date,
    posted_at: object,
    import_job_id: int | None,
) -> list[tuple[object, ...]]:
    """Return the entries that take an account from ``before`` to ``stated``.

    A new account (``before`` is None) opens with one entry per non-zero
    amount; a known one gets the difference of each amount the file
    states, so reading the same figures again posts nothing. Rows are in
    the order of ``ENTRY_FIELDS``, for a bulk insert.
    """
    kind = EntryKind.OPENING if before is None else EntryKind.BALANCE_UPDATE
    rows = []
    for component in STATED:
        if component not in stated:
            continue
        was = ZERO if before is None else before[component]
        difference = stated[component] - was
        if difference:
            rows.append(
                (
                    account_id,
                    value_date,
                    posted_at,
                    kind,
                    component,
                    difference,
                    import_job_id,
                )
            )
    return rows


def component_sums(account_ids: Iterable[int]) -> dict[int, dict[str, Decimal]]:
    """Return each account's ledger sum per component, every component named.

    What is open of a part of the debt; a credit shows as a negative sum.
    """
    ids = list(account_ids)
    found: dict[int, dict[str, Decimal]] = {
        account_id: dict.fromkeys(Component.values, ZERO) for account_id in ids
    }
    sums = (
        LedgerEntry.objects.filter(account_id__in=ids)
        .order_by()
        .values_list("account_id", "component")
        .annotate(total=Sum("amount"))
    )
    for account_id, component, total in sums:
        # SQLite sums decimals as floats: back to cents.
        found[account_id][component] = (total or ZERO).quantize(CENT)
    return found


def _ledger_sum(column: str) -> Coalesce:
    components = [name for name, held in ACCOUNT_COLUMN.items() if held == column]
    total = (
        LedgerEntry.objects.filter(account=OuterRef("pk"), component__in=components)
        .order_by()
        .values("account")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    money = DecimalField(max_digits=18, decimal_places=2)
    return Coalesce(Subquery(total, output_field=money), ZERO, output_field=money)


def disagreements(accounts: QuerySet[Account] | None = None) -> QuerySet[Account]:
    """Return the accounts whose amounts are not their ledger's sums.

    Empty when all is well; anything else is a bug to investigate, listed
    with the ledger's figures beside the account's (``ledger_capital`` …).
    """
    if accounts is None:
        accounts = Account.objects.all()
    annotated = accounts.annotate(
        **{f"ledger_{name}": _ledger_sum(name) for name in ACCOUNT_COLUMNS}
    )
    # SQLite sums decimals as floats (0,00 may come back as 4,5e-13): the
    # two figures differ when they are half a cent or more apart.
    gaps = {
        f"gap_{name}": Abs(F(name) - F(f"ledger_{name}")) for name in ACCOUNT_COLUMNS
    }
    differs = Q()
    for name in ACCOUNT_COLUMNS:
        differs |= Q(**{f"gap_{name}__gte": HALF_CENT})
    return annotated.annotate(**gaps).filter(differs)


@dataclass(frozen=True)
class StatementLine:
    entry: LedgerEntry
    debit: Decimal | None
    credit: Decimal | None
    balance: Decimal


@dataclass(frozen=True)
class Statement:
    account: Account
    lines: Sequence[StatementLine]
    debits: Decimal
    credits: Decimal

    @property
    def balance(self) -> Decimal:
        return self.debits - self.credits


def statement(account: Account) -> Statement:
    """Return the account's entries in value-date order with the balance after
    each: the statement of account (estado de cuenta)."""
    entries = LedgerEntry.objects.filter(account=account).select_related("import_job")
    lines = []
    balance = debits = credits = ZERO
    for entry in entries.order_by("value_date", "id"):
        balance += entry.amount
        if entry.amount > 0:
            debits += entry.amount
            lines.append(StatementLine(entry, entry.amount, None, balance))
        else:
            credits -= entry.amount
            lines.append(StatementLine(entry, None, -entry.amount, balance))
    return Statement(account, lines, debits, credits)
