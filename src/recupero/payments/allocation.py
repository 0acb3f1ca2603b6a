"""Allocating an account's payments to its charges (the waterfall).

Pure Python over frozen dataclasses: no models, no database. The ledger,
payments and plans call ``allocate`` with what they hold and store what it
returns. Money is ``Decimal`` in cents; dates are business dates in the
creditor's zone (case C13), never UTC days.

**Replay.** Allocation is never updated in place: every call recomputes it
from the charges as they were first opened and every payment not reversed,
in value-date order (ties by the payment's load sequence, then its id).
Bank and network files arrive late, so a payment made on the 16th is often
loaded after one made on the 20th; replaying puts it where it belongs, and
penalty interest follows the balance the account really had (case C15). A
reversal takes its payment out of the replay, so whatever it had paid is
open again and penalty interest accrues on it as if it had never been paid;
the payment stays in the result, marked reversed, with no allocations.

**The waterfall.** On each payment's value date the charges split in two
groups: those due (due date on or before the value date) and those not
yet due. Everything due is served before anything not yet due (a prepaid
future installment must not swallow money while due amounts are open:
FINERACT-2319 in case C15). Inside each group installments go in the
configured order (oldest due first by default) and, inside an
installment, components go in the configured order (default: costs,
penalty interest, interest with its IVA, capital).

The default walk is *installment-major*: the whole oldest installment is
paid (all its components) before anything of the next one.
*Component-major* (the costs of every due installment first, then all
their penalty interest, and so on) is available as a setting. Installment-
major is the default for Argentina because, in our reading of the Civil
and Commercial Code (to be confirmed with counsel, as C15 says): a payment
goes to debts already due before those not due (art. 900), to the oldest
and most onerous due debt first (art. 902) -- the oldest installment is
the one accruing penalty interest longest and driving the days past due
-- and, within a debt, to interest before capital unless the creditor
agrees otherwise (art. 903). Component-major would pay the interest of a
recent installment before the capital of the oldest one, keeping the
oldest installment late for longer.

IVA on interest is not a step of its own: it is paid together with the
interest it belongs to, in proportion, so that a receipt never shows
interest collected without its IVA or IVA without its interest.

**Penalty interest** (punitorios) accrues on an installment's overdue
capital, simple, at the creditor's penalty TNA / 365 a day, from the due
date (exclusive) to the value date of each payment (inclusive), and once
more up to ``as_of`` for what is still open. It is worked out at every
allocation event (every payment replayed) for every overdue installment,
on the capital open since the previous event, and rounded to cents half-up
there. Capital changes only at those events, so the sum over events is
exactly the accrual over the capital's history; a replay recomputes it
from that history, never from a stored balance.

**Credit** (saldo a favor). What a payment has left after everything due
and not yet due is paid stays as a credit of the account, never lost and
never applied in silence. A credit can only exist once every charge the
engine knows is fully paid, so nothing is open for it to pay. When the
caller later adds a charge (new costs, a new plan), the replay serves it
from those payments as a prepayment on their value dates, like any other
not-yet-due charge: the credit is used as soon as a charge exists.

**Invariants** of every result: allocations plus credit equal the sum of
the payments not reversed; no allocation exceeds what was open; no
payment's allocations exceed its amount; a reversed payment has no
allocations and no credit; a payment id appears once (a second payment
with the same id is refused, never applied twice).
"""

import datetime
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
DAYS_IN_YEAR = 365


class Component(StrEnum):
    """A kind of amount an installment is made of."""

    COSTS = "costs"
    PENALTY_INTEREST = "penalty_interest"
    INTEREST = "interest"
    INTEREST_VAT = "interest_vat"
    CAPITAL = "capital"


# Steps of the component order. IVA rides with its interest (see the
# module docstring), so it is not a step of its own.
STEPS = (
    Component.COSTS,
    Component.PENALTY_INTEREST,
    Component.INTEREST,
    Component.CAPITAL,
)


class WaterfallMode(StrEnum):
    INSTALLMENT_MAJOR = "installment_major"
    COMPONENT_MAJOR = "component_major"


class InstallmentOrder(StrEnum):
    OLDEST_FIRST = "oldest_first"
    NEWEST_FIRST = "newest_first"


class PromiseOutcome(StrEnum):
    """How a promise stands; the values are those of ``PromiseStatus``."""

    PENDING = "pending"
    KEPT = "kept"
    PARTLY_KEPT = "partly_kept"
    BROKEN = "broken"


class ErrorCode(StrEnum):
    AMOUNT = "amount"
    EMPTY_CHARGE = "empty_charge"
    DUPLICATE_CHARGE = "duplicate_charge"
    DUPLICATE_PAYMENT = "duplicate_payment"
    FUTURE_PAYMENT = "future_payment"
    UNKNOWN_PAYMENT = "unknown_payment"
    DUPLICATE_REVERSAL = "duplicate_reversal"
    REVERSAL_DATE = "reversal_date"
    WATERFALL = "waterfall"


class AllocationError(ValueError):
    """Input the engine refuses: nothing is allocated, ``code`` says why."""

    def __init__(self, message: str, *, code: ErrorCode) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Amounts:
    """An amount per component, in cents."""

    costs: Decimal = ZERO
    penalty_interest: Decimal = ZERO
    interest: Decimal = ZERO
    interest_vat: Decimal = ZERO
    capital: Decimal = ZERO

    def get(self, component: Component) -> Decimal:
        value: Decimal = getattr(self, component.value)
        return value

    @property
    def total(self) -> Decimal:
        return sum((self.get(c) for c in Component), ZERO)

    def __add__(self, other: "Amounts") -> "Amounts":
        return Amounts(**{c.value: self.get(c) + other.get(c) for c in Component})

    @classmethod
    def of(cls, values: dict[Component, Decimal]) -> "Amounts":
        return cls(**{c.value: v for c, v in values.items()})


@dataclass(frozen=True)
class Charge:
    """An installment (or the account's single debt) and what it has open.

    ``penalty_accrued_through`` is the day up to which ``open`` already
    includes penalty interest (say, accrued by the creditor before the
    account was placed); the engine accrues from the day after. By default
    it is the due date: nothing accrued yet.
    """

    key: str
    due_on: datetime.date
    open: Amounts
    penalty_accrued_through: datetime.date | None = None


@dataclass(frozen=True)
class Payment:
    """A payment; ``sequence`` is its load order, the tie key of a date."""

    id: str
    value_date: datetime.date
    amount: Decimal
    sequence: int


@dataclass(frozen=True)
class Reversal:
    payment_id: str
    reversed_on: datetime.date


@dataclass(frozen=True)
class AllocationSettings:
    """A creditor's waterfall and penalty rate.

    ``component_order`` orders the four steps of ``STEPS`` (interest
    carries its IVA). ``penalty_tna`` is a yearly nominal rate in per cent
    (``Decimal("36.5")`` is 0.1 % a day); zero accrues nothing.
    """

    component_order: tuple[Component, ...] = STEPS
    installment_order: InstallmentOrder = InstallmentOrder.OLDEST_FIRST
    mode: WaterfallMode = WaterfallMode.INSTALLMENT_MAJOR
    penalty_tna: Decimal = ZERO

    def __post_init__(self) -> None:
        order = self.component_order
        if sorted(order) != sorted(STEPS) or len(order) != len(STEPS):
            raise AllocationError(
                "El orden de imputación debe nombrar una vez cada concepto: "
                "gastos, punitorios, intereses (con su IVA) y capital.",
                code=ErrorCode.WATERFALL,
            )
        if not isinstance(self.penalty_tna, Decimal) or self.penalty_tna < 0:
            raise AllocationError(
                "La tasa de punitorios debe ser un Decimal no negativo.",
                code=ErrorCode.WATERFALL,
            )


@dataclass(frozen=True)
class Allocation:
    charge_key: str
    component: Component
    amount: Decimal


@dataclass(frozen=True)
class PaymentResult:
    """What a payment paid; a reversed payment paid nothing."""

    payment: Payment
    allocations: tuple[Allocation, ...]
    credit: Decimal
    reversed_on: datetime.date | None = None

    @property
    def is_reversed(self) -> bool:
        return self.reversed_on is not None

    @property
    def allocated(self) -> Decimal:
        return sum((a.amount for a in self.allocations), ZERO)


@dataclass(frozen=True)
class ChargeResult:
    """An installment after the replay, as of the result's ``as_of``.

    ``penalty_accrued`` is the penalty interest the engine accrued (on top
    of what the charge came with). ``days_late`` counts from the due date
    to the day it was fully paid or, while open, to ``as_of``.
    """

    key: str
    due_on: datetime.date
    paid: Amounts
    open: Amounts
    penalty_accrued: Decimal
    fully_paid_on: datetime.date | None
    days_late: int

    @property
    def is_paid(self) -> bool:
        return self.open.total == 0


@dataclass(frozen=True)
class AllocationResult:
    """Payments in replay order and charges in their given order."""

    as_of: datetime.date
    payments: tuple[PaymentResult, ...]
    charges: tuple[ChargeResult, ...]

    @property
    def paid(self) -> Amounts:
        return sum((c.paid for c in self.charges), Amounts())

    @property
    def open(self) -> Amounts:
        return sum((c.open for c in self.charges), Amounts())

    @property
    def credit(self) -> Decimal:
        return sum((p.credit for p in self.payments), ZERO)

    @property
    def penalty_accrued(self) -> Decimal:
        return sum((c.penalty_accrued for c in self.charges), ZERO)

    @property
    def payments_total(self) -> Decimal:
        """Return the sum of the payments not reversed."""
        return sum((p.payment.amount for p in self.payments if not p.is_reversed), ZERO)

    def get_charge(self, key: str) -> ChargeResult:
        """Return the installment ``key``; ``KeyError`` if there is none."""
        for charge in self.charges:
            if charge.key == key:
                return charge
        raise KeyError(key)

    def get_payment(self, payment_id: str) -> PaymentResult:
        """Return the payment ``payment_id``; ``KeyError`` if there is none."""
        for paid in self.payments:
            if paid.payment.id == payment_id:
                return paid
        raise KeyError(payment_id)


# -- the replay ---------------------------------------------------------------


@dataclass
class _OpenCharge:
    """The working state of one charge during a replay."""

    charge: Charge
    position: int
    open: dict[Component, Decimal]
    paid: dict[Component, Decimal] = field(
        default_factory=lambda: dict.fromkeys(Component, ZERO)
    )
    accrued_through: datetime.date = datetime.date.min
    penalty_accrued: Decimal = ZERO
    fully_paid_on: datetime.date | None = None

    @classmethod
    def start(cls, charge: Charge, position: int) -> "_OpenCharge":
        return cls(
            charge=charge,
            position=position,
            open={c: charge.open.get(c) for c in Component},
            # Penalty never accrues before the due date, whatever came in.
            accrued_through=max(
                charge.due_on, charge.penalty_accrued_through or charge.due_on
            ),
        )

    def take(self, component: Component, amount: Decimal) -> Allocation:
        self.open[component] -= amount
        self.paid[component] += amount
        return Allocation(self.charge.key, component, amount)

    def result(self, as_of: datetime.date) -> ChargeResult:
        late_until = self.fully_paid_on or as_of
        return ChargeResult(
            key=self.charge.key,
            due_on=self.charge.due_on,
            paid=Amounts.of(self.paid),
            open=Amounts.of(self.open),
            penalty_accrued=self.penalty_accrued,
            fully_paid_on=self.fully_paid_on,
            days_late=max(0, (late_until - self.charge.due_on).days),
        )


def allocate(
    charges: Sequence[Charge],
    payments: Iterable[Payment],
    reversals: Iterable[Reversal] = (),
    *,
    as_of: datetime.date,
    settings: AllocationSettings | None = None,
) -> AllocationResult:
    """Replay every payment not reversed over ``charges``, as of ``as_of``.

    ``charges`` hold what each installment had open before any of these
    payments. The result depends only on the inputs' contents, never on the
    order in which payments or reversals are given.

    Raises ``AllocationError`` (and allocates nothing) on a payment id seen
    twice, a payment or reversal dated after ``as_of``, a reversal of an
    unknown payment or dated before it, amounts that are not positive cents
    and charges with nothing open.
    """
    settings = settings or AllocationSettings()
    by_id = _check_payments(payments, as_of)
    reversed_on = _check_reversals(reversals, by_id, as_of)
    _check_charges(charges)

    book = [_OpenCharge.start(charge, i) for i, charge in enumerate(charges)]
    results = []
    for payment in sorted(by_id.values(), key=_replay_key):
        if payment.id in reversed_on:
            results.append(PaymentResult(payment, (), ZERO, reversed_on[payment.id]))
            continue
        _accrue_penalty(book, payment.value_date, settings.penalty_tna)
        allocations = tuple(_pay(book, payment, settings))
        credit = payment.amount - sum((a.amount for a in allocations), ZERO)
        results.append(PaymentResult(payment, allocations, credit))
        for item in book:
            if item.fully_paid_on is None and not any(item.open.values()):
                item.fully_paid_on = payment.value_date
    _accrue_penalty(book, as_of, settings.penalty_tna)

    return AllocationResult(
        as_of=as_of,
        payments=tuple(results),
        charges=tuple(item.result(as_of) for item in book),
    )


def _replay_key(payment: Payment) -> tuple[datetime.date, int, str]:
    # The id makes the order total even if two payments share a sequence.
    return (payment.value_date, payment.sequence, payment.id)


def _accrue_penalty(
    book: list[_OpenCharge], until: datetime.date, tna: Decimal
) -> None:
    """Accrue penalty interest on every overdue capital up to ``until``.

    The capital open now has been open since ``accrued_through``: capital
    only moves at allocation events, and each event accrues first.
    """
    for item in book:
        days = (until - item.accrued_through).days
        if days <= 0:
            continue
        item.accrued_through = until
        capital = item.open[Component.CAPITAL]
        if capital <= 0 or tna == 0:
            continue
        penalty = (capital * tna * days / (100 * DAYS_IN_YEAR)).quantize(
            CENT, ROUND_HALF_UP
        )
        item.open[Component.PENALTY_INTEREST] += penalty
        item.penalty_accrued += penalty


def _pay(
    book: list[_OpenCharge], payment: Payment, settings: AllocationSettings
) -> Iterator[Allocation]:
    """Spread ``payment`` over the book in waterfall order."""
    remaining = payment.amount
    for item, step in _waterfall(book, payment.value_date, settings):
        if remaining == 0:
            return
        for component, amount in _shares(item, step, remaining):
            if amount > 0:
                remaining -= amount
                yield item.take(component, amount)


def _waterfall(
    book: list[_OpenCharge], on: datetime.date, settings: AllocationSettings
) -> Iterator[tuple[_OpenCharge, Component]]:
    """Yield (installment, step) pairs in the order a payment on ``on`` pays."""
    newest_first = settings.installment_order == InstallmentOrder.NEWEST_FIRST

    def key(item: _OpenCharge) -> tuple[int, int]:
        ordinal = item.charge.due_on.toordinal()
        return (-ordinal if newest_first else ordinal, item.position)

    due = sorted((i for i in book if i.charge.due_on <= on), key=key)
    not_due = sorted((i for i in book if i.charge.due_on > on), key=key)
    for group in (due, not_due):
        if settings.mode == WaterfallMode.INSTALLMENT_MAJOR:
            yield from ((i, s) for i in group for s in settings.component_order)
        else:
            yield from ((i, s) for s in settings.component_order for i in group)


def _shares(
    item: _OpenCharge, step: Component, available: Decimal
) -> list[tuple[Component, Decimal]]:
    """Return what ``available`` pays of ``step`` on ``item``."""
    if step != Component.INTEREST:
        return [(step, min(available, item.open[step]))]
    interest = item.open[Component.INTEREST]
    vat = item.open[Component.INTEREST_VAT]
    whole = interest + vat
    if available >= whole:
        return [(Component.INTEREST, interest), (Component.INTEREST_VAT, vat)]
    # In cents, rounding the interest share half-up can never push the IVA
    # share above the IVA open: available < whole keeps both below.
    interest_share = (available * interest / whole).quantize(CENT, ROUND_HALF_UP)
    return [
        (Component.INTEREST, interest_share),
        (Component.INTEREST_VAT, available - interest_share),
    ]


# -- checks -------------------------------------------------------------------


def _is_cents(amount: object) -> bool:
    return (
        isinstance(amount, Decimal)
        and amount.is_finite()
        and amount == amount.quantize(CENT)
    )


def _check_payments(
    payments: Iterable[Payment], as_of: datetime.date
) -> dict[str, Payment]:
    """Return the payments by id, refusing duplicates and bad amounts."""
    by_id: dict[str, Payment] = {}
    for payment in payments:
        if payment.id in by_id:
            raise AllocationError(
                f"El pago {payment.id} figura dos veces: no se imputa dos veces.",
                code=ErrorCode.DUPLICATE_PAYMENT,
            )
        if not _is_cents(payment.amount) or payment.amount <= 0:
            raise AllocationError(
                f"El importe del pago {payment.id} debe ser positivo y en centavos.",
                code=ErrorCode.AMOUNT,
            )
        if payment.value_date > as_of:
            raise AllocationError(
                f"El pago {payment.id} tiene fecha valor posterior al "
                f"{as_of:%d/%m/%Y}.",
                code=ErrorCode.FUTURE_PAYMENT,
            )
        by_id[payment.id] = payment
    return by_id


def _check_reversals(
    reversals: Iterable[Reversal],
    payments: dict[str, Payment],
    as_of: datetime.date,
) -> dict[str, datetime.date]:
    """Return the reversal date of each reversed payment id."""
    reversed_on: dict[str, datetime.date] = {}
    for reversal in reversals:
        payment = payments.get(reversal.payment_id)
        if payment is None:
            raise AllocationError(
                f"La reversión nombra un pago que no existe: {reversal.payment_id}.",
                code=ErrorCode.UNKNOWN_PAYMENT,
            )
        if reversal.payment_id in reversed_on:
            raise AllocationError(
                f"El pago {reversal.payment_id} ya está revertido.",
                code=ErrorCode.DUPLICATE_REVERSAL,
            )
        if not payment.value_date <= reversal.reversed_on <= as_of:
            raise AllocationError(
                f"La reversión del pago {payment.id} debe fecharse entre su "
                f"fecha valor y el {as_of:%d/%m/%Y}.",
                code=ErrorCode.REVERSAL_DATE,
            )
        reversed_on[reversal.payment_id] = reversal.reversed_on
    return reversed_on


def _check_charges(charges: Sequence[Charge]) -> None:
    keys: set[str] = set()
    for charge in charges:
        if charge.key in keys:
            raise AllocationError(
                f"La cuota {charge.key} figura dos veces.",
                code=ErrorCode.DUPLICATE_CHARGE,
            )
        keys.add(charge.key)
        values = [getattr(charge.open, f.name) for f in fields(charge.open)]
        if not all(_is_cents(v) and v >= 0 for v in values):
            raise AllocationError(
                f"Los importes de la cuota {charge.key} deben ser centavos no "
                "negativos.",
                code=ErrorCode.AMOUNT,
            )
        if charge.open.total == 0:
            raise AllocationError(
                f"La cuota {charge.key} no tiene nada abierto.",
                code=ErrorCode.EMPTY_CHARGE,
            )


# -- promises -----------------------------------------------------------------


def evaluate_promise(
    result: AllocationResult,
    amount: Decimal,
    due_on: datetime.date,
    *,
    grace_days: int = 0,
    taken_on: datetime.date | None = None,
) -> PromiseOutcome:
    """Say how a promise of ``amount`` by ``due_on`` stands in ``result``.

    As in ``collections.promises``: the payments not reversed with a value
    date from ``taken_on`` up to the deadline (``due_on`` plus the grace
    days) count. Kept as soon as they reach ``amount``; until the deadline
    has passed (as of ``result.as_of``) it is pending; then partly kept if
    something was paid, broken if nothing was. A late-loaded payment dated
    within the deadline counts once replayed, so a broken promise can
    become kept.
    """
    deadline = due_on + datetime.timedelta(days=grace_days)
    paid = sum(
        (
            p.payment.amount
            for p in result.payments
            if not p.is_reversed
            and p.payment.value_date <= deadline
            and (taken_on is None or p.payment.value_date >= taken_on)
        ),
        ZERO,
    )
    if paid >= amount:
        return PromiseOutcome.KEPT
    if result.as_of <= deadline:
        return PromiseOutcome.PENDING
    return PromiseOutcome.PARTLY_KEPT if paid > 0 else PromiseOutcome.BROKEN
