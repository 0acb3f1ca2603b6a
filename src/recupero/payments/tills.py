"""Tills: a cashier opens one at a branch, takes payments, counts and closes.

Each action runs in one transaction and locks the till row first, so a
payment being taken and the till being closed never cross: the count
(arqueo) sees every payment the till took, and a closed till takes no
more. Taking a payment posts it to the account's ledger and numbers its
receipt in the same transaction (see ``receipts``).
"""

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from recupero.access.audit import record_audit
from recupero.payments import posting
from recupero.payments.models import (
    Branch,
    Payment,
    PaymentMethod,
    PaymentSource,
    PaymentStatus,
    Receipt,
    Till,
    TillStatus,
)
from recupero.payments.receipts import issue_receipt
from recupero.portfolios.models import Account, Creditor

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def _field_error(field: str, message: str, code: str) -> ValidationError:
    """Return a refusal that names the field, for the form to show beside it."""
    return ValidationError({field: ValidationError(message, code=code)})


@dataclass(frozen=True)
class TakenPayment:
    """The receipt of a payment taken, and whether it had been taken before.

    ``repeated`` is true when the reference was already used at this till
    (a double click, a form sent twice): nothing was posted the second time
    and the receipt is the first one.
    """

    receipt: Receipt
    repeated: bool

    @property
    def payment(self) -> Payment:
        return self.receipt.payment


def new_reference() -> str:
    """Return a reference no other till payment has: the form's one-time token."""
    return uuid.uuid4().hex


def get_open_till(cashier: AbstractBaseUser) -> Till | None:
    return (
        Till.objects.select_related("branch")
        .filter(cashier=cashier, status=TillStatus.OPEN)
        .first()
    )


@transaction.atomic
def open_till(cashier: AbstractBaseUser, branch: Branch, opening_cash: Decimal) -> Till:
    """Open a till for ``cashier`` at ``branch`` with the cash it starts with.

    Refused when the cashier already has a till open (anywhere), the branch
    is closed down or the cash is negative.
    """
    if opening_cash < 0:
        raise _field_error(
            "opening_cash", _("The cash at opening cannot be negative."), "negative"
        )
    if not branch.is_active:
        raise _field_error(
            "branch", _("This branch no longer takes payments."), "inactive"
        )
    if Till.objects.filter(cashier=cashier, status=TillStatus.OPEN).exists():
        raise _already_open()
    # Two openings sent at once both pass the check above; the database's
    # one-open-till rule refuses the second, with the same message.
    try:
        with transaction.atomic():
            till = Till.objects.create(
                branch=branch, cashier=cashier, opening_cash=opening_cash
            )
    except IntegrityError:
        raise _already_open() from None
    record_audit(
        cashier,
        "open_till",
        obj=till,
        changes={"branch": branch.pk, "opening_cash": str(opening_cash)},
    )
    return till


def _already_open() -> ValidationError:
    return ValidationError(
        _("You already have an open till; close it before opening another."),
        code="already_open",
    )


def _lock_open_till(till: Till) -> Till:
    locked = Till.objects.select_for_update().select_related("branch").get(pk=till.pk)
    if locked.status != TillStatus.OPEN:
        raise ValidationError(
            _("This till is closed: it takes no more payments."), code="closed"
        )
    return locked


def _check_payment(amount: Decimal, method: str) -> None:
    errors = {}
    if amount <= 0:
        errors["amount"] = ValidationError(
            _("The amount must be greater than zero."), code="not_positive"
        )
    elif amount != amount.quantize(CENT):
        errors["amount"] = ValidationError(
            _("The amount has at most two decimals."), code="cents"
        )
    if method not in PaymentMethod.values:
        errors["method"] = ValidationError(
            _("The till does not take this method of payment."), code="method"
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def take_payment(
    till: Till,
    account: Account,
    amount: Decimal,
    method: str,
    value_date: datetime.date | None = None,
    reference: str | None = None,
) -> TakenPayment:
    """Take a payment for ``account`` at ``till``: post it and number its receipt.

    ``reference`` makes the taking idempotent: the page sends a token made
    once per form, so the same form sent twice finds the first payment and
    its receipt instead of taking the money again. Without one, a new
    reference is made. The caller has already checked that the cashier
    may see the account.
    """
    till = _lock_open_till(till)
    _check_payment(amount, method)
    creditor = account.creditor
    if reference is None:
        reference = new_reference()
    earlier = _earlier_payment(creditor, reference)
    if earlier is not None:
        same = earlier.till_id == till.pk and earlier.account_id == account.pk
        if not same or not hasattr(earlier, "receipt"):
            raise ValidationError(
                _("This reference was already used for another payment."),
                code="reference_used",
            )
        return TakenPayment(earlier.receipt, repeated=True)

    row = posting.PaymentRow(
        account_id=account.pk,
        reference=reference,
        method=method,
        amount=amount,
        value_date=value_date,
    )
    posted = posting.post_payment(
        creditor, row, source=PaymentSource.TILL, till=till, taken_by=till.cashier
    )
    # The till row is locked and the reference was not found above, so the
    # payment is new; a duplicate here would mean another path used it.
    (payment,) = posted.applied
    receipt = issue_receipt(payment, till.branch)
    record_audit(
        till.cashier,
        "issue_receipt",
        obj=receipt,
        changes={"payment": payment.pk, "till": till.pk, "number": receipt.number},
    )
    return TakenPayment(receipt, repeated=False)


def _earlier_payment(creditor: Creditor, reference: str) -> Payment | None:
    return (
        Payment.objects.select_related("receipt__branch")
        .filter(creditor=creditor, source=PaymentSource.TILL, reference=reference)
        .first()
    )


def expected_cash(till: Till) -> Decimal:
    """Return the cash the till should hold: the opening cash plus the cash
    payments it took that were not reversed."""
    taken = till.payments.filter(
        method=PaymentMethod.CASH, status=PaymentStatus.APPLIED
    ).aggregate(total=Sum("amount"))["total"]
    return till.opening_cash + (taken or ZERO)


@transaction.atomic
def close_till(till: Till, counted_cash: Decimal, note: str = "") -> Till:
    """Count the till and close it; return it with the count (arqueo).

    The difference is what was counted less what was expected: positive
    when there is more cash than there should be (sobrante), negative when
    some is missing (faltante). A difference is recorded, not refused: the
    note says why.
    """
    if counted_cash < 0:
        raise _field_error(
            "counted_cash", _("The cash counted cannot be negative."), "negative"
        )
    till = _lock_open_till(till)
    till.expected_cash = expected_cash(till)
    till.counted_cash = counted_cash
    till.difference = counted_cash - till.expected_cash
    till.note = note
    till.status = TillStatus.CLOSED
    till.closed_at = timezone.now()
    till.save()
    record_audit(
        till.cashier,
        "close_till",
        obj=till,
        changes={
            "expected_cash": str(till.expected_cash),
            "counted_cash": str(counted_cash),
            "difference": str(till.difference),
        },
    )
    return till
