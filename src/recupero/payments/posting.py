"""Posting payments to accounts and reversing them.

``post_payments`` takes a batch of payments (a cashier's one, a file's
chunk) and, in one transaction, applies every new one: the payment row,
its credit entries in the ledger (one per component it pays, plus the
credit left over), the account's capital, interest and fees lowered by
the same amounts, and the account's promises and management state. The
ledger and account writes are set-based: a few statements per batch, none
per payment.

**Once and only once.** A payment is known by its reference within its
creditor and source. A reference already posted, or repeated inside the
batch, is not applied again: it comes back in ``PostingResult.duplicates``
with the payment that holds it (case C05). Two real payments that look
alike (same account, day and amount) have different references and are
both applied.

**Allocation.** Each payment pays what the account has open, component by
component, in the creditor's waterfall (``MoneySettings.waterfall``; by
default fees, penalty interest, interest with its IVA in proportion, and
capital). What is open of a component is the account's ledger sum of it.
The split is the allocation engine's (``payments.allocation``) over the
account's debt as a single charge that is due. What a payment has left
after everything open is paid is a credit of the account (saldo a favor):
a negative capital entry, recorded in ``Payment.credit``, never lost.

**What is replayed and what is not.** Inside a batch an account's
payments are allocated in value-date order (load order breaks ties), so a
file's back-dated lines pay before later ones. Across batches nothing is
replayed: a payment posted later with an earlier value date pays what is
open when it is posted. For a plain account this changes at most which
component each of two payments paid, never the total paid or the
balance; replaying installments of a payment plan (case C15) belongs to
the plans, which call the engine with their own charges. Penalty interest
is not accrued here: it reaches the ledger as entries of its own, and a
payment pays what the ledger has open.

``reverse_payment`` posts the exact opposite of a payment's entries and
puts back what it had counted towards the account's promises.
"""

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from recupero.collections.models import Promise, PromiseStatus
from recupero.collections.promises import PAYABLE, apply_payment_to_promises
from recupero.collections.states import Event
from recupero.collections.transitions import (
    apply_event,
    refresh_debtor_states,
    reopen_settled,
)
from recupero.formatting import format_money
from recupero.payments import allocation
from recupero.payments.ledger import component_sums
from recupero.payments.models import (
    ACCOUNT_COLUMN,
    MAX_PAYMENT,
    Component,
    EntryKind,
    LedgerEntry,
    MoneySettings,
    Payment,
    PaymentMethod,
    PaymentPlan,
    PaymentSource,
    PaymentStatus,
    PlanStatus,
    default_waterfall,
)
from recupero.payments.plans import refresh_plan
from recupero.portfolios.cycle import business_date
from recupero.portfolios.importing.loading import (
    in_batches,
    insert_rows,
    select_in,
    update_rows,
)
from recupero.portfolios.models import Account, Creditor

logger = logging.getLogger(__name__)

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
CREDIT_NOTE = "saldo a favor"
# Looked up for every row: the enums' ``values`` build a new list each time.
METHODS = frozenset(PaymentMethod.values)
SOURCES = frozenset(PaymentSource.values)
# The engine's name for each ledger component (fees are its "costs").
ENGINE_COMPONENT = {
    Component.FEES: allocation.Component.COSTS,
    Component.PENALTY_INTEREST: allocation.Component.PENALTY_INTEREST,
    Component.INTEREST: allocation.Component.INTEREST,
    Component.INTEREST_VAT: allocation.Component.INTEREST_VAT,
    Component.CAPITAL: allocation.Component.CAPITAL,
}
LEDGER_COMPONENT = {engine: ledger for ledger, engine in ENGINE_COMPONENT.items()}
PAYMENT_FIELDS = (
    "creditor",
    "account",
    "source",
    "reference",
    "method",
    "amount",
    "value_date",
    "received_at",
    "status",
    "credit",
    "till",
    "import_job",
    "taken_by",
    "reversal_reason",
    "note",
)
ENTRY_FIELDS = (
    "account",
    "value_date",
    "posted_at",
    "kind",
    "component",
    "amount",
    "import_job",
    "payment",
    "note",
)


class PostingError(StrEnum):
    """Why posting or reversing refuses its input; a ValidationError code."""

    AMOUNT = "payment_amount"
    VALUE_DATE = "payment_value_date"
    REFERENCE = "payment_reference"
    METHOD = "payment_method"
    SOURCE = "payment_source"
    ACCOUNT = "payment_account"
    ALREADY_REVERSED = "payment_already_reversed"
    REVERSAL_DATE = "reversal_date"
    REVERSAL_REASON = "reversal_reason"


@dataclass(frozen=True)
class PaymentRow:
    """One payment to post: which account, how much, when, known as what.

    Without a value date the payment is of the creditor's calendar day at
    the moment it is posted: a cashier's payment at 22:30 in Buenos Aires
    is of that day, not of the UTC one (case C13).
    """

    account_id: int
    reference: str
    method: str
    amount: Decimal
    value_date: datetime.date | None = None


@dataclass(frozen=True)
class Duplicate:
    """A row not applied because its reference was already taken.

    ``payment_id`` is the payment posted before under that reference; it is
    None when the reference was repeated inside the batch itself, and
    ``first_index`` then says which row of the batch holds it.
    """

    row: PaymentRow
    index: int
    payment_id: int | None = None
    first_index: int | None = None


@dataclass
class PostingResult:
    """What a batch did: the payments applied and the rows refused as
    duplicates, each with its position in the batch.

    ``payment_ids`` are in the batch's order; ``applied`` reads the
    payments themselves, once, when asked: a file's chunk needs only
    their number.
    """

    payment_ids: list[int] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)

    @cached_property
    def applied(self) -> list[Payment]:
        found = Payment.objects.in_bulk(self.payment_ids)
        return [found[pk] for pk in self.payment_ids]

    @property
    def amount(self) -> Decimal:
        return sum((payment.amount for payment in self.applied), ZERO)

    @property
    def credit(self) -> Decimal:
        return sum((payment.credit for payment in self.applied), ZERO)


# -- posting ------------------------------------------------------------------


@transaction.atomic
def post_payments(
    creditor: Creditor,
    rows: Sequence[PaymentRow],
    *,
    source: str,
    import_job: Any = None,
    till: Any = None,
    taken_by: Any = None,
    at: datetime.datetime | None = None,
) -> PostingResult:
    """Apply the new payments of ``rows`` to their accounts; report the rest.

    Raise ``ValidationError`` (and post nothing) when a row is not a
    payment this creditor can receive: an amount that is not positive
    cents, an empty reference, an unknown method, or an account of
    another creditor or none.
    """
    at = at or timezone.now()
    today = business_date(creditor, at)
    rows = [row if row.value_date else replace(row, value_date=today) for row in rows]
    _check_rows(rows, source, today)
    accounts = _locked_accounts(creditor, {row.account_id for row in rows})
    new, result = _split_duplicates(creditor, source, rows)
    if not new:
        return result

    settings = _allocation_settings(creditor)
    opened = _open_components(accounts)
    by_account: dict[int, list[tuple[int, PaymentRow]]] = defaultdict(list)
    for index, row in new:
        by_account[row.account_id].append((index, row))
    splits = {
        account_id: _split(payments, opened[account_id], settings)
        for account_id, payments in by_account.items()
    }

    ids = _insert_payments(creditor, source, new, splits, import_job, till, taken_by)
    _insert_entries(splits, ids, import_job, at)
    _lower_accounts(accounts, splits, at)
    result.payment_ids = [ids[row.reference] for _index, row in new]
    _follow_promises(accounts, splits, at)
    latest = max(row.value_date for _index, row in new)
    _follow_plans(list(splits), min(latest, today))
    logger.info(
        "posted %s payments for creditor %s, %s duplicates",
        len(result.payment_ids),
        creditor.pk,
        len(result.duplicates),
        extra={"creditor_id": creditor.pk},
    )
    return result


def _follow_plans(account_ids: list[int], as_of: datetime.date) -> None:
    """Bring the plans in force over these accounts up to ``as_of`` at once.

    The nightly cycle does it for every plan up to its date; a cashier's
    receipt or a payment file should not leave an installment shown unpaid
    until then. ``as_of`` is the latest value date posted: what accrues
    after it is the night's to post.
    """
    plans = PaymentPlan.objects.filter(
        status=PlanStatus.ACTIVE, accounts__in=account_ids, accepted_on__lte=as_of
    ).distinct()
    for plan in plans.order_by("pk"):
        refresh_plan(plan, as_of=as_of)


def post_payment(
    creditor: Creditor,
    row: PaymentRow,
    *,
    source: str,
    import_job: Any = None,
    till: Any = None,
    taken_by: Any = None,
    at: datetime.datetime | None = None,
) -> PostingResult:
    """Post one payment: the batch path with a batch of one."""
    return post_payments(
        creditor,
        [row],
        source=source,
        import_job=import_job,
        till=till,
        taken_by=taken_by,
        at=at,
    )


def _check_rows(rows: Sequence[PaymentRow], source: str, today: datetime.date) -> None:
    if source not in SOURCES:
        raise ValidationError(
            f"«{source}» no es un origen de pagos.", code=PostingError.SOURCE
        )
    for row in rows:
        amount = row.amount
        if not (
            isinstance(amount, Decimal)
            and amount.is_finite()
            and amount > 0
            and amount == amount.quantize(CENT)
        ):
            raise ValidationError(
                f"El importe del pago {row.reference} debe ser positivo y en centavos.",
                code=PostingError.AMOUNT,
            )
        if amount > MAX_PAYMENT:
            raise ValidationError(
                f"El importe del pago {row.reference} pasa del máximo de un pago, "
                f"{format_money(MAX_PAYMENT)}.",
                code=PostingError.AMOUNT,
            )
        if row.value_date > today:
            raise ValidationError(
                f"El pago {row.reference} tiene fecha futura "
                f"({row.value_date:%d/%m/%Y}).",
                code=PostingError.VALUE_DATE,
            )
        if not row.reference.strip() or len(row.reference) > 80:
            raise ValidationError(
                "Cada pago necesita una referencia de hasta 80 caracteres.",
                code=PostingError.REFERENCE,
            )
        if row.method not in METHODS:
            raise ValidationError(
                f"«{row.method}» no es un medio de pago.", code=PostingError.METHOD
            )


def _locked_accounts(creditor: Creditor, ids: set[int]) -> dict[int, dict[str, Any]]:
    """Return the accounts' amounts, locked until the batch commits.

    The lock makes two batches on the same account (a cashier and a file
    at once) take turns, so neither allocates what the other already paid.
    """
    found: dict[int, dict[str, Any]] = {}
    for batch in in_batches(sorted(ids)):
        query = (
            Account.objects.select_for_update()
            .filter(creditor=creditor, pk__in=batch)
            .values("id", "capital", "interest", "fees")
        )
        found.update((account["id"], account) for account in query)
    missing = ids - set(found)
    if missing:
        raise ValidationError(
            f"Las cuentas {sorted(missing)[:10]} no son del acreedor "
            f"{creditor.name}: no se imputó ningún pago.",
            code=PostingError.ACCOUNT,
        )
    return found


def _split_duplicates(
    creditor: Creditor, source: str, rows: Sequence[PaymentRow]
) -> tuple[list[tuple[int, PaymentRow]], PostingResult]:
    """Return the rows to apply, with their index, and the duplicates."""
    posted = dict(
        select_in(
            Payment,
            ("reference", "id"),
            "reference",
            {row.reference for row in rows},
            creditor=creditor.pk,
            source=source,
        )
    )
    result = PostingResult()
    first: dict[str, int] = {}
    new = []
    for index, row in enumerate(rows):
        if row.reference in posted:
            result.duplicates.append(
                Duplicate(row, index, payment_id=posted[row.reference])
            )
        elif row.reference in first:
            result.duplicates.append(
                Duplicate(row, index, first_index=first[row.reference])
            )
        else:
            first[row.reference] = index
            new.append((index, row))
    return new, result


def _allocation_settings(creditor: Creditor) -> allocation.AllocationSettings:
    waterfall = (
        MoneySettings.objects.filter(creditor=creditor)
        .values_list("waterfall", flat=True)
        .first()
    ) or default_waterfall()
    # IVA rides with its interest in the engine; a waterfall that names it
    # separately keeps the place of the interest.
    steps = [
        ENGINE_COMPONENT[Component(name)]
        for name in waterfall
        if name != Component.INTEREST_VAT
    ]
    return allocation.AllocationSettings(component_order=tuple(steps))


def _open_components(
    accounts: dict[int, dict[str, Any]],
) -> dict[int, dict[str, Decimal]]:
    """Return each account's ledger sum per component: what is open of it."""
    opened: dict[int, dict[str, Decimal]] = {}
    for batch in in_batches(sorted(accounts)):
        opened.update(component_sums(batch))
    return opened


@dataclass
class _Split:
    """What one new payment pays, per ledger component, and its credit."""

    index: int
    row: PaymentRow
    paid: dict[str, Decimal]
    credit: Decimal

    @property
    def value_date(self) -> datetime.date:
        # Rows without one got the business day before allocation.
        return self.row.value_date or datetime.date.min


def _split(
    payments: list[tuple[int, PaymentRow]],
    opened: dict[str, Decimal],
    settings: allocation.AllocationSettings,
) -> list[_Split]:
    """Allocate an account's new payments over what it has open.

    The account's debt is one charge, due since before any of them; a
    component the ledger holds at or below zero (a credit) has nothing
    open. The engine replays the payments in value-date order.
    """
    first_day = min(row.value_date for _index, row in payments)
    open_amounts = allocation.Amounts(
        **{
            ENGINE_COMPONENT[Component(name)].value: max(ZERO, amount)
            for name, amount in opened.items()
        }
    )
    charges = []
    if open_amounts.total > 0:
        charges.append(allocation.Charge("account", first_day, open_amounts))
    engine_payments = [
        allocation.Payment(str(index), row.value_date, row.amount, index)
        for index, row in payments
    ]
    result = allocation.allocate(
        charges,
        engine_payments,
        as_of=max(row.value_date for _index, row in payments),
        settings=settings,
    )
    rows = dict(payments)
    splits = []
    for paid in result.payments:
        index = int(paid.payment.id)
        amounts: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for each in paid.allocations:
            amounts[LEDGER_COMPONENT[each.component]] += each.amount
        splits.append(_Split(index, rows[index], dict(amounts), paid.credit))
    return splits


def _insert_payments(
    creditor: Creditor,
    source: str,
    new: list[tuple[int, PaymentRow]],
    splits: dict[int, list[_Split]],
    import_job: Any,
    till: Any,
    taken_by: Any,
) -> dict[str, int]:
    """Insert the payments; return their ids by reference."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    credit = {
        each.index: each.credit for account in splits.values() for each in account
    }
    insert_rows(
        Payment,
        PAYMENT_FIELDS,
        [
            (
                creditor.pk,
                row.account_id,
                source,
                row.reference,
                row.method,
                row.amount,
                row.value_date,
                now,
                PaymentStatus.APPLIED,
                credit[index],
                getattr(till, "pk", None),
                getattr(import_job, "pk", None),
                getattr(taken_by, "pk", None),
                "",
                "",
            )
            for index, row in new
        ],
    )
    return dict(
        select_in(
            Payment,
            ("reference", "id"),
            "reference",
            [row.reference for _index, row in new],
            creditor=creditor.pk,
            source=source,
        )
    )


def _insert_entries(
    splits: dict[int, list[_Split]],
    ids: dict[str, int],
    import_job: Any,
    at: datetime.datetime,
) -> None:
    posted_at = connection.ops.adapt_datetimefield_value(at)
    job = getattr(import_job, "pk", None)
    entries = []
    for account_id, account in splits.items():
        for each in account:
            row = each.row
            payment = ids[row.reference]
            for component, amount in each.paid.items():
                if amount:
                    entries.append(
                        (
                            account_id,
                            row.value_date,
                            posted_at,
                            EntryKind.PAYMENT,
                            component,
                            -amount,
                            job,
                            payment,
                            "",
                        )
                    )
            if each.credit:
                entries.append(
                    (
                        account_id,
                        row.value_date,
                        posted_at,
                        EntryKind.PAYMENT,
                        Component.CAPITAL,
                        -each.credit,
                        job,
                        payment,
                        CREDIT_NOTE,
                    )
                )
    insert_rows(LedgerEntry, ENTRY_FIELDS, entries)


def _column_changes(
    moves: Iterable[tuple[str, Decimal]],
) -> dict[str, Decimal]:
    """Sum signed component amounts into the account columns they move."""
    changes = dict.fromkeys(("capital", "interest", "fees"), ZERO)
    for component, amount in moves:
        changes[ACCOUNT_COLUMN[Component(component)]] += amount
    return changes


def _lower_accounts(
    accounts: dict[int, dict[str, Any]],
    splits: dict[int, list[_Split]],
    at: datetime.datetime,
) -> None:
    """Lower each account's columns by what its payments paid.

    New values are worked out here in ``Decimal`` and written whole: SQLite
    would do ``capital - x`` in floating point.
    """
    rows = []
    for account_id, account in splits.items():
        moves = [
            (component, -amount)
            for each in account
            for component, amount in each.paid.items()
        ]
        moves += [(Component.CAPITAL, -each.credit) for each in account]
        changes = _column_changes(moves)
        values = accounts[account_id]
        for column, change in changes.items():
            values[column] += change
        rows.append(
            (
                values["capital"],
                values["interest"],
                values["fees"],
                connection.ops.adapt_datetimefield_value(at),
                account_id,
            )
        )
    update_rows(Account, ("capital", "interest", "fees", "updated_at"), rows)


# -- promises and management state --------------------------------------------


def _follow_promises(
    accounts: dict[int, dict[str, Any]],
    splits: dict[int, list[_Split]],
    at: datetime.datetime,
) -> None:
    """Count the payments towards promises and settle accounts paid off.

    ``apply_payment_to_promises`` works one account at a time, so it runs
    only for the payments of accounts with a promise a payment can count
    towards. Accounts paid off without one are settled together, as that
    function would settle each: the same event, set-based.
    """
    touched = set(splits)
    with_promises: set[int] = set()
    for batch in in_batches(sorted(touched)):
        with_promises.update(
            Promise.objects.filter(account_id__in=batch, status__in=PAYABLE)
            .values_list("account_id", flat=True)
            .distinct()
        )
    for account_id in sorted(with_promises):
        account = Account.objects.get(pk=account_id)
        # The splits are in the engine's replay order: by value date.
        for each in splits[account_id]:
            apply_payment_to_promises(account, each.row.amount, each.value_date, at=at)

    paid_off = [
        account_id
        for account_id in touched - with_promises
        if sum(accounts[account_id][c] for c in ("capital", "interest", "fees")) <= 0
    ]
    for batch in in_batches(paid_off):
        settled = Account.objects.filter(pk__in=batch)
        apply_event(settled, Event.PAID_IN_FULL, at=at)
        refresh_debtor_states(settled, at=at)


# -- reversing ----------------------------------------------------------------


@transaction.atomic
def reverse_payment(
    payment: Payment,
    *,
    on: datetime.date,
    reason: str,
    by: Any = None,
    at: datetime.datetime | None = None,
) -> list[LedgerEntry]:
    """Undo ``payment``: the opposite entries, dated ``on``; return them.

    The account's columns go back up by what the payment had lowered them,
    a settled account left owing is reopened, and the account's promises
    are counted again without it. Raise
    ``ValidationError`` when the payment is already reversed, the date is
    before its value date, or there is no reason.
    """
    at = at or timezone.now()
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    _check_reversal(locked, on, reason, business_date(locked.creditor, at))
    account = Account.objects.select_for_update().get(pk=locked.account_id)

    posted = list(locked.entries.filter(kind=EntryKind.PAYMENT))
    opposite = [
        LedgerEntry(
            account_id=entry.account_id,
            value_date=on,
            kind=EntryKind.REVERSAL,
            component=entry.component,
            amount=-entry.amount,
            import_job_id=entry.import_job_id,
            payment=locked,
            note=reason[:200],
        )
        for entry in posted
    ]
    LedgerEntry.objects.bulk_create(opposite)
    changes = _column_changes((e.component, e.amount) for e in opposite)
    Account.objects.filter(pk=account.pk).update(
        **{
            column: getattr(account, column) + change
            for column, change in changes.items()
        },
        updated_at=at,
    )

    locked.status = PaymentStatus.REVERSED
    locked.reversed_at = at
    locked.reversed_on = on
    locked.reversal_reason = reason[:200]
    locked.save(
        update_fields=["status", "reversed_at", "reversed_on", "reversal_reason"]
    )
    # Before the recount: an account the reversal leaves owing is open
    # again, so a promise that goes back to pending can move it.
    today = business_date(account.creditor, at)
    reopen_settled(Account.objects.filter(pk=account.pk), at=at, due_on=today)
    _recount_promises(account, at)
    _follow_plans([account.pk], min(on, today))
    payment.refresh_from_db()
    logger.info(
        "payment %s reversed by %s",
        locked.pk,
        getattr(by, "pk", None),
        extra={"payment_id": locked.pk, "account_id": account.pk},
    )
    return opposite


def _check_reversal(
    payment: Payment, on: datetime.date, reason: str, today: datetime.date
) -> None:
    if payment.status == PaymentStatus.REVERSED:
        raise ValidationError(
            f"El pago {payment.reference} ya se revirtió el "
            f"{payment.reversed_on:%d/%m/%Y}: no se revierte dos veces.",
            code=PostingError.ALREADY_REVERSED,
        )
    if on < payment.value_date:
        raise ValidationError(
            f"La reversión no puede ser anterior a la fecha valor del pago "
            f"({payment.value_date:%d/%m/%Y}).",
            code=PostingError.REVERSAL_DATE,
        )
    if on > today:
        raise ValidationError(
            f"La reversión no puede tener fecha futura ({on:%d/%m/%Y}).",
            code=PostingError.REVERSAL_DATE,
        )
    if not reason.strip():
        raise ValidationError(
            "Indicá el motivo de la reversión.", code=PostingError.REVERSAL_REASON
        )


def _recount_promises(account: Account, at: datetime.datetime) -> None:
    """Count the account's payments towards its promises again.

    Which payment paid which promise is not stored, so every promise not
    cancelled starts from nothing and the payments still applied count
    again, oldest promise first, as ``apply_payment_to_promises`` counted
    them. A promise kept that no longer is goes back to pending, and the
    account to "promise pending": the nightly evaluation decides it again,
    as broken or partly kept if its deadline has passed. Promises a payoff
    had cancelled stay cancelled: reopening them is a person's decision.
    """
    promises = list(
        Promise.objects.select_for_update()
        .filter(account=account)
        .exclude(status=PromiseStatus.CANCELLED)
        .order_by("due_on", "id")
    )
    if not promises:
        return
    was_kept = {p.pk for p in promises if p.status == PromiseStatus.KEPT}
    for promise in promises:
        promise.paid_amount = ZERO
    payments = Payment.objects.filter(
        account=account, status=PaymentStatus.APPLIED
    ).order_by("value_date", "id")
    completed_on: dict[int, datetime.date] = {}
    for payment in payments:
        remaining = payment.amount
        for promise in promises:
            if not promise.taken_on <= payment.value_date <= promise.deadline:
                continue
            share = min(remaining, promise.outstanding)
            promise.paid_amount += share
            remaining -= share
            if promise.outstanding == 0 and promise.pk not in completed_on:
                completed_on[promise.pk] = payment.value_date
            if remaining <= 0:
                break

    reopened = False
    for promise in promises:
        if promise.pk in completed_on:
            promise.status = PromiseStatus.KEPT
            promise.decided_on = promise.decided_on or completed_on[promise.pk]
        elif promise.pk in was_kept:
            promise.status = PromiseStatus.PENDING
            promise.decided_on = None
            reopened = True
        elif promise.status == PromiseStatus.PARTLY_KEPT and not promise.paid_amount:
            promise.status = PromiseStatus.BROKEN
    Promise.objects.bulk_update(promises, ["paid_amount", "status", "decided_on"])
    if reopened:
        one = Account.objects.filter(pk=account.pk)
        apply_event(one, Event.PROMISE_TAKEN, at=at)
        refresh_debtor_states(one, at=at)
