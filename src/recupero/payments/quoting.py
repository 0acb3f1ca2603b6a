"""The quoter (cotizador): payment in full with a discount and payment plans.

Pure arithmetic over ``Decimal``: nothing here reads the database. Callers
pass the creditor's settings (rates, IVA, limits) in and get frozen
dataclasses back.

Conventions, each chosen once for every system (see ``docs/quoting.md``):

- Rates come in as percentages (``Decimal("60")`` is a TNA of 60 %).
- Interest and IVA are rounded to cents half-up each period, from the
  unrounded rate times the remaining capital; the last installment takes
  whatever capital is left, so capital is repaid exactly to the cent and a
  plan of N installments has N lines, never N + 1. The residue is cents on
  usual plans; on long plans at high rates the half cent by which the
  equal installment is rounded compounds, and the last line shows it.
- Due dates are the anchor (the first due date) plus k months, never the
  previous date plus one month, so 31/01 gives 28/02 and then 31/03. Each
  is then moved to the next business day (weekends and Argentine national
  holidays).
- Interest follows the scheduled dates, not the moved ones: a debtor who
  pays on the Monday after a Sunday due date pays on time and owes no
  extra day, and the next period is not one day shorter. Under the
  ``TNA × días / 365`` basis the days of a period are therefore the days
  between scheduled dates.
- The CFT is the rate ``c`` at which the debtor's payments, discounted by
  ``(1 + c) ** (days / 365)`` from the start date to the day each one is
  actually due (the moved date), equal the money financed. For equal
  periods of ``n`` days this is the BCRA's ``(1 + i) ** (365 / n) - 1``
  over the periodic internal rate of return ``i``.
"""

import datetime
import enum
import functools
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import TypeVar

import holidays
from babel.numbers import format_decimal
from dateutil.relativedelta import relativedelta

from recupero.formatting import format_date, format_money

ChoiceT = TypeVar("ChoiceT", bound=enum.StrEnum)
LimitT = TypeVar("LimitT", Decimal, int)

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")
DEFAULT_IVA = Decimal("21")
# Fifty years of monthly installments: past any plan a collections agency
# offers, and a bound on the work a mistyped count can ask for.
MAX_INSTALLMENTS = 600
# The first due dates a plan may have.
FIRST_DUE_RANGE = (datetime.date(1901, 1, 1), datetime.date(2199, 12, 31))

# Wide enough that rounding the inner arithmetic never shows in cents even
# for long plans at high Argentine rates.
_PRECISION = 40


class QuoteError(ValueError):
    """A quote was asked for with a value it cannot take.

    ``field`` is the parameter's name (``principal``, ``installments``, …)
    so that a form or a command can point at its own input with ``reason``;
    the message is Spanish and names the field too ("El anticipo: …").
    """

    def __init__(self, field: str, label: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        self.message = f"{label}: {reason}"
        super().__init__(self.message)


class AmortizationSystem(enum.StrEnum):
    FRENCH = "french"  # sistema francés: equal installments
    GERMAN = "german"  # sistema alemán: equal capital
    AMERICAN = "american"  # sistema americano: interest only, capital last
    NO_INTEREST = "none"  # sin interés: equal capital, no interest


class DayCountBasis(enum.StrEnum):
    MONTHLY = "30"  # TNA / 12 every month
    ACTUAL_365 = "365"  # TNA × days of the period / 365


SYSTEM_NAMES = {
    AmortizationSystem.FRENCH: "francés",
    AmortizationSystem.GERMAN: "alemán",
    AmortizationSystem.AMERICAN: "americano",
    AmortizationSystem.NO_INTEREST: "sin interés",
}

BASIS_NAMES = {
    DayCountBasis.MONTHLY: "TNA / 12",
    DayCountBasis.ACTUAL_365: "TNA × días / 365",
}


@dataclass(frozen=True)
class Fees:
    """Charges other than interest, as final amounts (no IVA added here).

    ``origination`` is paid on the start date with the down payment;
    ``per_installment`` is added to every installment. Both count in the
    CFT.
    """

    origination: Decimal = ZERO
    per_installment: Decimal = ZERO


@dataclass(frozen=True)
class CashQuote:
    """Payment in full: the debt less a discount (quita)."""

    principal: Decimal
    discount_rate: Decimal
    discount: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Installment:
    number: int
    scheduled_date: datetime.date  # anchor + (number - 1) months
    due_date: datetime.date  # scheduled_date moved to a business day
    days: int  # days of the period between scheduled dates
    capital: Decimal
    interest: Decimal
    iva: Decimal
    fee: Decimal
    total: Decimal
    remaining: Decimal  # capital still owed after this installment


@dataclass(frozen=True)
class PlanQuote:
    """A payment plan: its terms, rates, installments and totals.

    ``financed`` is ``principal - discount - down_payment``; rates are
    percentages (TEM with four decimals, TEA and CFT with two). ``cft`` is
    ``None`` when nothing is financed net of what is paid on the start
    date, where a rate has no meaning.
    """

    principal: Decimal
    discount_rate: Decimal
    discount: Decimal
    down_payment: Decimal
    origination_fee: Decimal
    financed: Decimal
    system: AmortizationSystem
    basis: DayCountBasis
    tna: Decimal
    tem: Decimal
    tea: Decimal
    iva_rate: Decimal
    start: datetime.date
    installments: tuple[Installment, ...]
    cft: Decimal | None
    cft_without_iva: Decimal | None

    @property
    def total_capital(self) -> Decimal:
        return sum((line.capital for line in self.installments), ZERO)

    @property
    def total_interest(self) -> Decimal:
        return sum((line.interest for line in self.installments), ZERO)

    @property
    def total_iva(self) -> Decimal:
        return sum((line.iva for line in self.installments), ZERO)

    @property
    def total_fees(self) -> Decimal:
        lines = sum((line.fee for line in self.installments), ZERO)
        return lines + self.origination_fee

    @property
    def total_to_pay(self) -> Decimal:
        """Down payment, origination fee and every installment."""
        lines = sum((line.total for line in self.installments), ZERO)
        return self.down_payment + self.origination_fee + lines


# -- checks ----------------------------------------------------------------


def _check_amount(name: str, label: str, value: Decimal, *, positive: bool) -> None:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise QuoteError(name, label, "debe ser un importe (Decimal).")
    if positive and value <= 0:
        raise QuoteError(name, label, "debe ser mayor que cero.")
    if value < 0:
        raise QuoteError(name, label, "no puede ser menor que cero.")
    if value != value.quantize(CENT, rounding=ROUND_HALF_UP):
        raise QuoteError(name, label, "tiene más de dos decimales.")


def _check_percentage(
    name: str, label: str, value: Decimal, top: Decimal | None
) -> None:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise QuoteError(name, label, "debe ser un porcentaje (Decimal).")
    if value < 0:
        raise QuoteError(name, label, "no puede ser menor que cero.")
    if top is not None and value > top:
        raise QuoteError(name, label, f"debe estar entre 0 y {top} %.")


# -- payment in full -------------------------------------------------------


def quote_cash(principal: Decimal, discount_rate: Decimal = ZERO) -> CashQuote:
    """Return the payment in full of ``principal`` less ``discount_rate`` %."""
    _check_amount("principal", "El capital", principal, positive=True)
    _check_percentage("discount", "La quita", discount_rate, HUNDRED)
    discount = _cents(principal * discount_rate / HUNDRED)
    return CashQuote(principal, discount_rate, discount, principal - discount)


# -- rates -----------------------------------------------------------------


def monthly_effective_rate(tna: Decimal, basis: DayCountBasis) -> Decimal:
    """Return the TEM (a percentage, unrounded) of a TNA on ``basis``.

    Under days/365 a month is read as 30 days (argentina.md TV-INT-5).
    """
    if basis is DayCountBasis.MONTHLY:
        return tna / 12
    return tna * 30 / 365


def annual_effective_rate(tna: Decimal, basis: DayCountBasis) -> Decimal:
    """Return the TEA (a percentage, unrounded) of a TNA on ``basis``.

    TNA / 12 compounds twelve times a year; TNA × 30 / 365 compounds
    365 / 30 times, as the basis itself counts the year in days.
    """
    tem = monthly_effective_rate(tna, basis) / HUNDRED
    with localcontext(prec=_PRECISION):
        if basis is DayCountBasis.MONTHLY:
            growth = (1 + tem) ** 12
        else:
            growth = _power(1 + tem, Decimal(365) / 30)
        return (growth - 1) * HUNDRED


def _period_rate(tna: Decimal, basis: DayCountBasis, days: int) -> Decimal:
    """Return the rate of one period as a fraction, not a percentage."""
    if basis is DayCountBasis.MONTHLY:
        return tna / HUNDRED / 12
    return tna / HUNDRED * days / 365


# -- dates -----------------------------------------------------------------


@functools.cache
def _argentine_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("AR", years=year))


def is_argentine_business_day(day: datetime.date) -> bool:
    """Return whether ``day`` is neither a weekend nor a national holiday."""
    return day.weekday() < 5 and day not in _argentine_holidays(day.year)


def next_business_day(
    day: datetime.date,
    is_business_day: Callable[[datetime.date], bool] = is_argentine_business_day,
) -> datetime.date:
    """Return ``day`` itself if it is a business day, else the next one."""
    while not is_business_day(day):
        day += datetime.timedelta(days=1)
    return day


def scheduled_dates(first_due: datetime.date, count: int) -> list[datetime.date]:
    """Return ``count`` monthly dates from ``first_due``, each from the anchor.

    Adding a month to the previous date would drift a 31st to the 28th for
    the rest of the plan (cases.md C10).
    """
    return [first_due + relativedelta(months=k) for k in range(count)]


# -- plans -----------------------------------------------------------------


def quote_plan(
    principal: Decimal,
    *,
    tna: Decimal,
    installments: int,
    system: AmortizationSystem | str,
    first_due: datetime.date,
    start: datetime.date | None = None,
    basis: DayCountBasis | str = DayCountBasis.MONTHLY,
    iva_rate: Decimal = DEFAULT_IVA,
    down_payment: Decimal = ZERO,
    discount_rate: Decimal = ZERO,
    fees: Fees = Fees(),  # noqa: B008 (frozen, so sharing it is safe)
    is_business_day: Callable[[datetime.date], bool] = is_argentine_business_day,
) -> PlanQuote:
    """Return a plan of ``installments`` monthly installments.

    The discount comes off the principal first, the down payment (paid on
    ``start``) off what remains, and the rest is financed. ``start`` is the
    day the plan is agreed; by default one month before ``first_due``.
    Each due date is moved to a business day by ``is_business_day``, but
    interest (under days/365, its days) follows the scheduled dates: paying
    on the moved date is paying on time. Raise ``QuoteError`` naming the
    field of the first bad value.
    """
    system = _parse_choice("system", "El sistema", AmortizationSystem, system)
    basis = _parse_choice("basis", "La base de días", DayCountBasis, basis)
    if not FIRST_DUE_RANGE[0] <= first_due <= FIRST_DUE_RANGE[1]:
        # Beyond these a schedule's dates run out of the calendar.
        raise QuoteError(
            "first_due",
            "El primer vencimiento",
            f"debe estar entre el {format_date(FIRST_DUE_RANGE[0])} y el "
            f"{format_date(FIRST_DUE_RANGE[1])}.",
        )
    start = start or first_due - relativedelta(months=1)
    financed, discount = _check_plan(
        principal,
        tna,
        installments,
        system,
        first_due,
        start,
        iva_rate,
        down_payment,
        discount_rate,
        fees,
    )

    dates = scheduled_dates(first_due, installments)
    days = [(end - begin).days for begin, end in itertools.pairwise([start, *dates])]
    rates = [_period_rate(tna, basis, period_days) for period_days in days]
    lines = _installments(
        system,
        financed,
        rates,
        dates,
        days,
        iva_rate,
        fees.per_installment,
        is_business_day,
    )

    return PlanQuote(
        principal=principal,
        discount_rate=discount_rate,
        discount=discount,
        down_payment=down_payment,
        origination_fee=fees.origination,
        financed=financed,
        system=system,
        basis=basis,
        tna=tna,
        tem=monthly_effective_rate(tna, basis).quantize(
            Decimal("0.0001"), rounding=ROUND_HALF_UP
        ),
        tea=_cents(annual_effective_rate(tna, basis)),
        iva_rate=iva_rate,
        start=start,
        installments=tuple(lines),
        cft=_cft(financed - fees.origination, start, lines, with_iva=True),
        cft_without_iva=_cft(financed - fees.origination, start, lines, with_iva=False),
    )


def _parse_choice(
    name: str, label: str, choices: type[ChoiceT], value: ChoiceT | str
) -> ChoiceT:
    try:
        return choices(value)
    except ValueError:
        allowed = ", ".join(choice.value for choice in choices)
        raise QuoteError(name, label, f"«{value}» no es uno de {allowed}.") from None


def _check_plan(
    principal: Decimal,
    tna: Decimal,
    installments: int,
    system: AmortizationSystem,
    first_due: datetime.date,
    start: datetime.date,
    iva_rate: Decimal,
    down_payment: Decimal,
    discount_rate: Decimal,
    fees: Fees,
) -> tuple[Decimal, Decimal]:
    """Raise ``QuoteError`` for a bad value; return (financed, discount)."""
    cash = quote_cash(principal, discount_rate)
    _check_percentage("tna", "La TNA", tna, None)
    if system is AmortizationSystem.NO_INTEREST and tna != 0:
        # A printed offer showing a rate that is not charged misleads.
        raise QuoteError("tna", "La TNA", "un plan sin interés lleva TNA 0.")
    if not isinstance(installments, int) or installments < 1:
        raise QuoteError("installments", "Las cuotas", "debe haber al menos una.")
    if installments > MAX_INSTALLMENTS:
        raise QuoteError(
            "installments", "Las cuotas", f"no pueden ser más de {MAX_INSTALLMENTS}."
        )
    _check_percentage("iva", "El IVA", iva_rate, HUNDRED)
    _check_amount("down_payment", "El anticipo", down_payment, positive=False)
    if down_payment >= cash.amount:
        raise QuoteError(
            "down_payment",
            "El anticipo",
            "debe ser menor que la deuda después de la quita "
            f"({format_money(cash.amount)}).",
        )
    _check_amount(
        "origination_fee", "El gasto de otorgamiento", fees.origination, positive=False
    )
    _check_amount(
        "installment_fee", "El gasto por cuota", fees.per_installment, positive=False
    )
    if first_due <= start:
        raise QuoteError(
            "first_due",
            "El primer vencimiento",
            "debe ser posterior a la fecha del acuerdo.",
        )
    return cash.amount - down_payment, cash.discount


def _installments(
    system: AmortizationSystem,
    financed: Decimal,
    rates: Sequence[Decimal],
    dates: Sequence[datetime.date],
    days: Sequence[int],
    iva_rate: Decimal,
    fee: Decimal,
    is_business_day: Callable[[datetime.date], bool],
) -> list[Installment]:
    count = len(rates)
    french = _french_installment(financed, rates)
    equal = _cents(financed / count)
    remaining = financed
    lines = []
    for index, rate in enumerate(rates):
        interest = _cents(remaining * rate)
        if index == count - 1:
            capital = remaining  # the last line absorbs every rounding residue
        elif system is AmortizationSystem.FRENCH:
            capital = french - interest
        elif system is AmortizationSystem.AMERICAN:
            capital = ZERO
        else:
            capital = equal
        remaining -= capital
        iva = _cents(interest * iva_rate / HUNDRED)
        lines.append(
            Installment(
                number=index + 1,
                scheduled_date=dates[index],
                due_date=next_business_day(dates[index], is_business_day),
                days=days[index],
                capital=capital,
                interest=interest,
                iva=iva,
                fee=fee,
                total=capital + interest + iva + fee,
                remaining=remaining,
            )
        )
    return lines


def _french_installment(financed: Decimal, rates: Sequence[Decimal]) -> Decimal:
    """Return the equal installment (capital and interest), in cents.

    With a rate per period (days/365 gives months of 28 to 31 days) the
    installment is the financed amount over the sum of the discount factors
    of each due date; with one rate this is the usual
    ``P · i / (1 - (1 + i) ** -n)``.
    """
    with localcontext(prec=_PRECISION):
        growth = Decimal(1)
        factors = ZERO
        for rate in rates:
            growth *= 1 + rate
            factors += 1 / growth
        return _cents(financed / factors)


# -- CFT -------------------------------------------------------------------


def _cft(
    net_received: Decimal,
    start: datetime.date,
    lines: Sequence[Installment],
    *,
    with_iva: bool,
) -> Decimal | None:
    """Return the CFT (a percentage with two decimals) of a plan's flows.

    ``net_received`` is what the debtor is financed net of what he pays on
    the start date (down payment, origination fee). The rate is found by
    bisection: the present value of the payments falls as the rate rises,
    so one bracket holds exactly one root, and bisection cannot diverge
    the way Newton's method can on a flat curve.
    """
    if net_received <= 0:
        return None
    flows = [
        (
            Decimal((line.due_date - start).days) / 365,
            line.total - (ZERO if with_iva else line.iva),
        )
        for line in lines
    ]
    with localcontext(prec=_PRECISION):

        def excess(rate: Decimal) -> Decimal:
            # Present value of the payments less the money received.
            log = (1 + rate).ln()
            return sum((a * (-t * log).exp() for t, a in flows), ZERO) - net_received

        low, high = Decimal("-0.99"), Decimal(1)
        while excess(high) > 0:
            high *= 2
            if high > 10**9:  # no real plan costs this much
                return None
        while high - low > Decimal("1e-10"):
            middle = (low + high) / 2
            if excess(middle) > 0:
                low = middle
            else:
                high = middle
        return _cents((low + high) / 2 * HUNDRED)


def format_percent(rate: Decimal) -> str:
    """Return ``79,59 %``: a percentage as people in Argentina read it."""
    return f"{format_decimal(rate, format='#,##0.####', locale='es_AR')} %"


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _power(base: Decimal, exponent: Decimal) -> Decimal:
    return (exponent * base.ln()).exp()


# -- limits ----------------------------------------------------------------


@dataclass(frozen=True)
class QuoteLimits:
    """What an agent may offer without a supervisor; ``None`` is no limit.

    Percentages are of the principal (discount) or of the debt after the
    discount (down payment); ``min_installment`` is compared with what the
    debtor pays each month, IVA and fees included.
    """

    max_discount: Decimal | None = None
    max_installments: int | None = None
    min_installment: Decimal | None = None
    min_down_payment: Decimal | None = None


@dataclass(frozen=True)
class ExceededLimit:
    limit: str  # the QuoteLimits field
    allowed: Decimal | int
    offered: Decimal | int
    reason: str  # Spanish, for the agent and the supervisor


def merge_limits(first: QuoteLimits, second: QuoteLimits) -> QuoteLimits:
    """Return the stricter of each limit (a creditor's and a profile's)."""
    return QuoteLimits(
        max_discount=_stricter(min, first.max_discount, second.max_discount),
        max_installments=_stricter(
            min, first.max_installments, second.max_installments
        ),
        min_installment=_stricter(max, first.min_installment, second.min_installment),
        min_down_payment=_stricter(
            max, first.min_down_payment, second.min_down_payment
        ),
    )


def _stricter(
    pick: Callable[[LimitT, LimitT], LimitT],
    first: LimitT | None,
    second: LimitT | None,
) -> LimitT | None:
    if first is None:
        return second
    if second is None:
        return first
    return pick(first, second)


def list_exceeded_limits(
    quote: PlanQuote | CashQuote, limits: QuoteLimits
) -> list[ExceededLimit]:
    """Return the limits ``quote`` goes past; empty when an agent may offer it.

    A caller asks for a supervisor's approval when the list is not empty.
    """
    exceeded = []
    if limits.max_discount is not None and quote.discount_rate > limits.max_discount:
        exceeded.append(
            ExceededLimit(
                "max_discount",
                limits.max_discount,
                quote.discount_rate,
                f"La quita de {format_percent(quote.discount_rate)} supera la "
                f"máxima de {format_percent(limits.max_discount)}.",
            )
        )
    if isinstance(quote, PlanQuote):
        exceeded += _exceeded_plan_limits(quote, limits)
    return exceeded


def _exceeded_plan_limits(quote: PlanQuote, limits: QuoteLimits) -> list[ExceededLimit]:
    exceeded = []
    count = len(quote.installments)
    if limits.max_installments is not None and count > limits.max_installments:
        exceeded.append(
            ExceededLimit(
                "max_installments",
                limits.max_installments,
                count,
                f"El plan tiene {count} cuotas y el máximo es "
                f"{limits.max_installments}.",
            )
        )
    smallest = min(line.total for line in quote.installments)
    if limits.min_installment is not None and smallest < limits.min_installment:
        exceeded.append(
            ExceededLimit(
                "min_installment",
                limits.min_installment,
                smallest,
                f"La cuota más baja es de {format_money(smallest)} y la mínima es "
                f"de {format_money(limits.min_installment)}.",
            )
        )
    debt = quote.principal - quote.discount
    down = _cents(quote.down_payment * HUNDRED / debt)
    if limits.min_down_payment is not None and down < limits.min_down_payment:
        exceeded.append(
            ExceededLimit(
                "min_down_payment",
                limits.min_down_payment,
                down,
                f"El anticipo es el {format_percent(down)} de la deuda y el "
                f"mínimo es el {format_percent(limits.min_down_payment)}.",
            )
        )
    return exceeded
