"""Deciding promises to pay: from payments as they come, and by the calendar.

A promise of amount A due on D, taken when the creditor's grace was g days,
has the deadline D + g. Payments dated from the day it was taken up to the
deadline count towards it, oldest promise first. It is

- kept as soon as they reach A (by the deadline);
- partly kept when the deadline has passed with 0 < paid < A;
- broken when the deadline has passed with nothing paid.

``evaluate_due_promises`` decides, the day after the deadline, the promises
payments did not. A payment that arrives later but is dated within the
deadline (bank files come days late) still counts: it turns a broken
promise into a partly kept or kept one.

Partly kept counts as broken for the management state: the account is
back in the queue for what is still owed.
"""

import datetime
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone

from recupero.collections.errors import ErrorCode
from recupero.collections.models import AccountState, Promise, PromiseStatus
from recupero.collections.states import Event, ManagementState
from recupero.collections.transitions import apply_event, refresh_debtor_states
from recupero.portfolios.models import Account, Creditor

logger = logging.getLogger(__name__)

ZERO = Decimal("0.00")
# Promises a late-arriving payment may still count towards.
PAYABLE = (PromiseStatus.PENDING, PromiseStatus.BROKEN, PromiseStatus.PARTLY_KEPT)


@dataclass
class PaymentOutcome:
    """What a payment did to an account's promises and state."""

    allocated: Decimal = ZERO
    promises: list[Promise] = field(default_factory=list)
    state: ManagementState = ManagementState.NOT_WORKED


@transaction.atomic
def apply_payment_to_promises(
    account: Account,
    amount: Decimal,
    paid_on: datetime.date,
    *,
    at: datetime.datetime | None = None,
) -> PaymentOutcome:
    """Count a payment towards ``account``'s promises and move its state.

    The payments app calls this once per payment, after the payment has
    lowered the account's balance: a balance at or below zero settles the
    account and cancels the promises still pending.
    """
    if not isinstance(amount, Decimal) or amount <= 0:
        raise ValidationError(
            "El importe del pago debe ser positivo.", code=ErrorCode.PAYMENT_AMOUNT
        )
    at = at or timezone.now()
    one = Account.objects.filter(pk=account.pk)

    outcome = PaymentOutcome()
    outcome.promises, outcome.allocated = _allocate(account, amount, paid_on)
    if any(p.status == PromiseStatus.KEPT for p in outcome.promises):
        still_pending = Promise.objects.filter(
            account=account, status=PromiseStatus.PENDING
        )
        if not still_pending.exists():
            apply_event(one, Event.PROMISE_KEPT, at=at)

    if one.with_balance().filter(balance__lte=0).exists():
        apply_event(one, Event.PAID_IN_FULL, at=at)
        Promise.objects.filter(account=account, status=PromiseStatus.PENDING).update(
            status=PromiseStatus.CANCELLED, decided_on=paid_on
        )
    refresh_debtor_states(one, at=at)
    outcome.state = ManagementState(
        AccountState.objects.filter(account=account)
        .values_list("state", flat=True)
        .first()
        or ManagementState.NOT_WORKED
    )
    return outcome


def _allocate(
    account: Account, amount: Decimal, paid_on: datetime.date
) -> tuple[list[Promise], Decimal]:
    """Spread ``amount`` over the promises it counts for, oldest first."""
    candidates = (
        Promise.objects.select_for_update()
        .filter(
            account=account,
            status__in=PAYABLE,
            taken_on__lte=paid_on,
            deadline__gte=paid_on,
        )
        .order_by("due_on", "id")
    )
    remaining = amount
    touched = []
    for promise in candidates:
        share = min(remaining, promise.outstanding)
        if share <= 0:
            continue
        promise.paid_amount += share
        remaining -= share
        if promise.paid_amount >= promise.amount:
            promise.status = PromiseStatus.KEPT
            promise.decided_on = paid_on
        elif promise.status == PromiseStatus.BROKEN:
            promise.status = PromiseStatus.PARTLY_KEPT
        touched.append(promise)
        if remaining <= 0:
            break
    Promise.objects.bulk_update(touched, ["paid_amount", "status", "decided_on"])
    return touched, amount - remaining


@dataclass(frozen=True)
class PromiseEvaluation:
    kept: int
    partly_kept: int
    broken: int
    accounts_to_queue: int


@transaction.atomic
def evaluate_due_promises(
    as_of: datetime.date,
    *,
    creditor: Creditor | None = None,
    at: datetime.datetime | None = None,
) -> PromiseEvaluation:
    """Decide every pending promise whose deadline ended before ``as_of``.

    Set-based: one UPDATE per outcome, then the accounts with a failed
    promise move from "promise pending" to "promise broken" and are due
    again on ``as_of``. Running it twice for a date changes nothing more.
    """
    at = at or timezone.now()
    due = Promise.objects.filter(status=PromiseStatus.PENDING, deadline__lt=as_of)
    if creditor is not None:
        due = due.filter(account__creditor=creditor)

    kept = due.filter(paid_amount__gte=F("amount")).update(
        status=PromiseStatus.KEPT, decided_on=as_of
    )
    partly = due.filter(paid_amount__gt=0).update(
        status=PromiseStatus.PARTLY_KEPT, decided_on=as_of
    )
    broken = due.update(status=PromiseStatus.BROKEN, decided_on=as_of)

    failed = _accounts_with(
        as_of, (PromiseStatus.BROKEN, PromiseStatus.PARTLY_KEPT), creditor
    )
    apply_event(failed, Event.PROMISE_BROKEN, at=at)
    to_queue = AccountState.objects.filter(
        account__in=failed.values("id"),
        state=ManagementState.PROMISE_BROKEN,
        changed_at=at,
    ).update(next_attempt_on=as_of)

    fulfilled = _accounts_with(as_of, (PromiseStatus.KEPT,), creditor).exclude(
        Exists(
            Promise.objects.filter(account=OuterRef("pk"), status=PromiseStatus.PENDING)
        )
    )
    apply_event(fulfilled, Event.PROMISE_KEPT, at=at)
    refresh_debtor_states(_accounts_with(as_of, tuple(PromiseStatus), creditor), at=at)

    result = PromiseEvaluation(kept, partly, broken, to_queue)
    logger.info(
        "promises due before %s: %s kept, %s partly kept, %s broken",
        as_of,
        kept,
        partly,
        broken,
    )
    return result


def _accounts_with(
    decided_on: datetime.date,
    statuses: tuple[str, ...],
    creditor: Creditor | None,
) -> QuerySet[Account]:
    """Return the accounts with a promise decided so on ``decided_on``."""
    decided = Promise.objects.filter(
        account=OuterRef("pk"), decided_on=decided_on, status__in=statuses
    )
    accounts = Account.objects.filter(Exists(decided))
    if creditor is not None:
        accounts = accounts.filter(creditor=creditor)
    return accounts
