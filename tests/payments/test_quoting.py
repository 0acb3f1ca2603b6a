"""The quoter: schedules, rates, dates, CFT, limits and refused input.

Expected values are the published test vectors (argentina.md "Interest /
amortization", cases.md C06 and C10) or worked by hand in a comment next
to them; numpy-financial is used only as an independent computation of the
French installment.
"""

import datetime
import itertools
from decimal import Decimal, localcontext

import holidays
import numpy_financial as npf
import pytest

from recupero.payments.quoting import (
    CashQuote,
    ExceededLimit,
    Fees,
    QuoteError,
    QuoteLimits,
    list_exceeded_limits,
    merge_limits,
    next_business_day,
    quote_cash,
    quote_plan,
    scheduled_dates,
)

D = Decimal
JAN_15 = datetime.date(2026, 1, 15)


def plan(principal: str, tna: str, installments: int, system="french", **terms):
    terms.setdefault("first_due", JAN_15)
    terms.setdefault("iva_rate", D("0"))
    return quote_plan(
        D(principal), tna=D(tna), installments=installments, system=system, **terms
    )


def column(quote, name: str) -> list:
    return [getattr(line, name) for line in quote.installments]


# -- French ------------------------------------------------------------------


def test_french_c06_last_installment_absorbs_the_residue_in_twelve_lines():
    quote = plan("10000.00", "36", 12)

    first, last = quote.installments[0], quote.installments[-1]
    assert column(quote, "total") == [D("1004.62")] * 11 + [D("1004.63")]
    assert (first.interest, first.capital) == (D("300.00"), D("704.62"))
    assert (last.interest, last.capital) == (D("29.26"), D("975.37"))
    assert quote.total_interest == D("2055.45")
    assert quote.total_capital == D("10000.00")
    assert last.remaining == D("0.00")
    assert len(quote.installments) == 12


def test_french_tv_int_1_rounds_half_up_not_down():
    quote = plan("1000.00", "8", 12)

    assert column(quote, "total")[:11] == [D("86.99")] * 11
    assert quote.total_capital == D("1000.00")


def test_french_tv_int_2_with_iva_on_interest():
    quote = plan("100000.00", "60", 12, iva_rate=D("21"))

    first = quote.installments[0]
    assert first.capital + first.interest == D("11282.54")
    assert (first.interest, first.capital) == (D("5000.00"), D("6282.54"))
    assert (first.iva, first.total) == (D("1050.00"), D("12332.54"))
    assert first.remaining == D("93717.46")
    assert quote.installments[1].interest == D("4685.87")
    last = quote.installments[-1]
    assert last.capital + last.interest == D("11282.55")
    assert quote.total_interest == D("35390.49")
    assert quote.total_iva == D("7431.99")


def test_french_tv_int_7_published_figure_is_wrong():
    quote = plan("100000.00", "30", 12)

    assert quote.installments[0].total == D("9748.71")


# Cases where each line of the rounded schedule stays within a cent of the
# exact one; on longer or dearer plans the half cent by which the installment
# is rounded compounds, and only the last line shows it.
@pytest.mark.parametrize(
    ("principal", "tna", "installments"),
    [
        ("1000.00", "12", 12),
        ("1000.00", "60", 6),
        ("12345.67", "36", 24),
        ("12345.67", "60", 6),
        ("250000.00", "12", 6),
        ("250000.00", "180", 3),
    ],
)
def test_french_lines_agree_with_numpy_financial(principal, tna, installments):
    quote = plan(principal, tna, installments)

    rate, amount = float(tna) / 1200, -float(principal)
    # numpy-financial's periods are 1-based (C06): per=0 is not an error there.
    for line in quote.installments:
        interest = npf.ipmt(rate, line.number, installments, amount)
        capital = npf.ppmt(rate, line.number, installments, amount)
        assert abs(float(line.interest) - interest) <= 0.01
        assert abs(float(line.capital) - capital) <= 0.01


@pytest.mark.parametrize(
    ("principal", "tna", "installments"),
    list(
        itertools.product(["999.99", "12345.67", "250000.00"], ["12", "97.5"], [6, 36])
    ),
)
def test_french_installment_is_numpy_financial_pmt_to_the_cent(
    principal, tna, installments
):
    quote = plan(principal, tna, installments)

    expected = npf.pmt(float(tna) / 1200, installments, -float(principal))
    assert set(column(quote, "total")[:-1]) == {D(f"{expected:.2f}")}
    assert quote.total_capital == D(principal)


# -- German, American, without interest --------------------------------------


def test_german_equal_capital_with_residue_in_the_last_line():
    # 1,000.00 in 3 at TNA 24 % (2 % a month), IVA 21 %:
    #   capital 1000 / 3 = 333.33, 333.33, and 1000 - 666.66 = 333.34
    #   interest 1000.00 × 2 % = 20.00; 666.67 × 2 % = 13.3334 → 13.33;
    #            333.34 × 2 % = 6.6668 → 6.67
    #   IVA      20.00 × 21 % = 4.20; 13.33 × 21 % = 2.7993 → 2.80;
    #            6.67 × 21 % = 1.4007 → 1.40
    #   total    357.53, 349.46, 341.41
    quote = plan("1000.00", "24", 3, system="german", iva_rate=D("21"))

    assert column(quote, "capital") == [D("333.33"), D("333.33"), D("333.34")]
    assert column(quote, "interest") == [D("20.00"), D("13.33"), D("6.67")]
    assert column(quote, "iva") == [D("4.20"), D("2.80"), D("1.40")]
    assert column(quote, "total") == [D("357.53"), D("349.46"), D("341.41")]
    assert column(quote, "remaining") == [D("666.67"), D("333.34"), D("0.00")]


def test_american_tv_int_4_interest_monthly_and_capital_at_the_end():
    quote = plan("100000.00", "60", 12, system="american")

    assert column(quote, "interest") == [D("5000.00")] * 12
    assert column(quote, "total") == [D("5000.00")] * 11 + [D("105000.00")]
    assert column(quote, "remaining")[:11] == [D("100000.00")] * 11


def test_without_interest_splits_the_capital_and_charges_nothing_else():
    # 1,000.00 in 3: 333.33, 333.33 and 1000 - 666.66 = 333.34.
    quote = plan("1000.00", "0", 3, system="none", iva_rate=D("21"))

    assert column(quote, "total") == [D("333.33"), D("333.33"), D("333.34")]
    assert quote.total_interest == quote.total_iva == D("0.00")
    assert (quote.tem, quote.tea, quote.cft) == (D("0.0000"), D("0.00"), D("0.00"))


def test_discount_and_down_payment_come_off_before_financing():
    # 10,000.00 less 10 % = 9,000.00; less 1,000.00 down = 8,000.00 in 2.
    quote = plan(
        "10000.00",
        "0",
        2,
        system="none",
        discount_rate=D("10"),
        down_payment=D("1000.00"),
    )

    assert (quote.discount, quote.financed) == (D("1000.00"), D("8000.00"))
    assert column(quote, "total") == [D("4000.00"), D("4000.00")]
    assert quote.total_to_pay == D("9000.00")


def test_cash_quote_takes_the_discount_off_rounded_half_up():
    # 1,234.55 × 15 % = 185.1825 → 185.18; 1,234.55 - 185.18 = 1,049.37.
    assert quote_cash(D("1234.55"), D("15")) == CashQuote(
        D("1234.55"), D("15"), D("185.18"), D("1049.37")
    )


# -- rates -------------------------------------------------------------------


def test_tv_int_5_tem_and_tea_under_each_basis():
    monthly = plan("1000.00", "60", 12, basis="30")
    by_days = plan("1000.00", "60", 12, basis="365")

    assert (monthly.tem, monthly.tea) == (D("5.0000"), D("79.59"))
    assert (by_days.tem, by_days.tea) == (D("4.9315"), D("79.62"))


def test_days_365_interest_follows_the_scheduled_dates_not_the_moved_ones():
    # TNA 36.5 % is 0.1 % a day. 30/04 → 31/05/2025 is 31 days (3.1 %), and
    # 31/05 → 30/06 is 30 days (3 %), although 31/05 is a Saturday paid on
    # Monday 02/06. German, 10,000.00 in 2: 10000 × 3.1 % = 310.00,
    # 5000 × 3 % = 150.00.
    quote = plan(
        "10000.00",
        "36.5",
        2,
        system="german",
        basis="365",
        start=datetime.date(2025, 4, 30),
        first_due=datetime.date(2025, 5, 31),
    )

    assert column(quote, "days") == [31, 30]
    assert column(quote, "interest") == [D("310.00"), D("150.00")]
    assert column(quote, "due_date") == [
        datetime.date(2025, 6, 2),
        datetime.date(2025, 6, 30),
    ]


def test_days_365_french_installment_uses_the_rate_of_each_period():
    # Rates 3.1 % and 3 %: installment = 10000 / (1/1.031 + 1/(1.031 × 1.03))
    # = 10000 / (0.9699321 + 0.9416817) = 5231.18. Line 1: interest 310.00,
    # capital 4921.18, left 5078.82; line 2: 5078.82 × 3 % = 152.36, capital
    # 5078.82, total 5231.18.
    quote = plan(
        "10000.00",
        "36.5",
        2,
        basis="365",
        start=datetime.date(2025, 4, 30),
        first_due=datetime.date(2025, 5, 31),
    )

    assert column(quote, "interest") == [D("310.00"), D("152.36")]
    assert column(quote, "capital") == [D("4921.18"), D("5078.82")]
    assert column(quote, "total") == [D("5231.18"), D("5231.18")]


# -- dates -------------------------------------------------------------------


def test_c10_due_dates_come_from_the_anchor_not_the_previous_date():
    assert scheduled_dates(datetime.date(2025, 1, 31), 5) == [
        datetime.date(2025, 1, 31),
        datetime.date(2025, 2, 28),
        datetime.date(2025, 3, 31),
        datetime.date(2025, 4, 30),
        datetime.date(2025, 5, 31),
    ]
    assert scheduled_dates(datetime.date(2024, 1, 31), 3) == [
        datetime.date(2024, 1, 31),
        datetime.date(2024, 2, 29),
        datetime.date(2024, 3, 31),
    ]


def test_c10_plans_move_weekend_and_holiday_due_dates_to_a_business_day():
    plan_2025 = plan("5000.00", "36", 5, first_due=datetime.date(2025, 1, 31))
    plan_2024 = plan("3000.00", "36", 3, first_due=datetime.date(2024, 1, 31))

    assert column(plan_2025, "scheduled_date")[2] == datetime.date(2025, 3, 31)
    # 31/05/2025 is a Saturday.
    assert column(plan_2025, "due_date") == [
        datetime.date(2025, 1, 31),
        datetime.date(2025, 2, 28),
        datetime.date(2025, 3, 31),
        datetime.date(2025, 4, 30),
        datetime.date(2025, 6, 2),
    ]
    # 31/03/2024 is Easter Sunday, 01/04 a bridge holiday and 02/04 Malvinas.
    assert column(plan_2024, "due_date") == [
        datetime.date(2024, 1, 31),
        datetime.date(2024, 2, 29),
        datetime.date(2024, 4, 3),
    ]


def test_a_christmas_due_date_moves_to_the_next_day():
    christmas = datetime.date(2025, 12, 25)  # a Thursday
    assert christmas in holidays.country_holidays("AR", years=2025)

    quote = plan("1000.00", "36", 1, first_due=christmas)

    assert quote.installments[0].due_date == datetime.date(2025, 12, 26)
    assert next_business_day(datetime.date(2025, 12, 26)) == datetime.date(2025, 12, 26)


# -- CFT ---------------------------------------------------------------------


def annualised(growth: str, days: int) -> Decimal:
    """Return ``growth ** (365 / days) - 1`` as a percentage in cents."""
    with localcontext(prec=30):
        rate = (D(growth).ln() * 365 / days).exp() - 1
    return (rate * 100).quantize(D("0.01"))


def test_cft_of_one_installment_is_its_growth_annualised_by_days():
    # 1,000.00 agreed 28/02/2026, paid 31/03/2026 (31 days) with 30.00 of
    # interest and 6.30 of IVA: CFT = 1.0363 ** (365 / 31) - 1 = 52.17 %,
    # without IVA 1.03 ** (365 / 31) - 1 = 41.63 %.
    quote = plan(
        "1000.00", "36", 1, first_due=datetime.date(2026, 3, 31), iva_rate=D("21")
    )

    assert quote.start == datetime.date(2026, 2, 28)
    assert quote.installments[0].total == D("1036.30")
    assert quote.cft == annualised("1.0363", 31) == D("52.17")
    assert quote.cft_without_iva == annualised("1.03", 31) == D("41.63")


def test_cft_counts_the_origination_fee():
    # 990.00 received net of a 10.00 fee, 1,030.00 paid 31 days later:
    # (1030 / 990) ** (365 / 31) - 1 = 59.42 %.
    quote = plan(
        "1000.00",
        "36",
        1,
        first_due=datetime.date(2026, 3, 31),
        fees=Fees(origination=D("10.00")),
    )

    assert quote.cft == annualised(str(D(1030) / D(990)), 31) == D("59.42")


def test_cft_discounts_the_flows_back_to_what_was_financed():
    quote = plan(
        "100000.00",
        "60",
        12,
        iva_rate=D("21"),
        down_payment=D("5000.00"),
        fees=Fees(origination=D("1000.00"), per_installment=D("150.00")),
    )

    def present_value(percentage: Decimal) -> Decimal:
        with localcontext(prec=30):
            log = (1 + percentage / 100).ln()
            return sum(
                line.total * (-D((line.due_date - quote.start).days) / 365 * log).exp()
                for line in quote.installments
            )

    # The CFT is rounded to hundredths of a point, so the money financed
    # lies between the values at the rates either side of it.
    received = D("95000.00") - D("1000.00")
    assert present_value(quote.cft - D("0.01")) > received
    assert present_value(quote.cft + D("0.01")) < received
    assert quote.cft > quote.cft_without_iva > quote.tea


def test_cft_of_a_plan_without_interest_is_zero_unless_it_has_fees():
    free = plan("1200.00", "0", 3, system="none")
    with_fee = plan(
        "1200.00", "0", 3, system="none", fees=Fees(per_installment=D("10.00"))
    )

    assert free.cft == free.cft_without_iva == D("0.00")
    assert with_fee.cft > D("0")


# -- limits ------------------------------------------------------------------


LIMITS = QuoteLimits(
    max_discount=D("20"),
    max_installments=12,
    min_installment=D("5000.00"),
    min_down_payment=D("10"),
)


def test_a_plan_within_limits_needs_no_approval():
    quote = plan(
        "100000.00",
        "0",
        10,
        system="none",
        discount_rate=D("20"),
        down_payment=D("8000.00"),
    )

    assert list_exceeded_limits(quote, LIMITS) == []


def test_a_plan_past_every_limit_lists_each_with_a_reason():
    # 100,000.00 less 30 % = 70,000.00; 3,500.00 down is 5 % of it; the
    # remaining 66,500.00 in 18 is 3,694.44.
    quote = plan(
        "100000.00",
        "0",
        18,
        system="none",
        discount_rate=D("30"),
        down_payment=D("3500.00"),
    )

    assert list_exceeded_limits(quote, LIMITS) == [
        ExceededLimit(
            "max_discount",
            D("20"),
            D("30"),
            "La quita de 30 % supera la máxima de 20 %.",
        ),
        ExceededLimit(
            "max_installments", 12, 18, "El plan tiene 18 cuotas y el máximo es 12."
        ),
        ExceededLimit(
            "min_installment",
            D("5000.00"),
            D("3694.44"),
            "La cuota más baja es de $ 3.694,44 y la mínima es de $ 5.000,00.",
        ),
        ExceededLimit(
            "min_down_payment",
            D("10"),
            D("5.00"),
            "El anticipo es el 5 % de la deuda y el mínimo es el 10 %.",
        ),
    ]


def test_a_cash_quote_is_checked_against_the_discount_only():
    exceeded = list_exceeded_limits(quote_cash(D("1000.00"), D("25.5")), LIMITS)

    assert [limit.reason for limit in exceeded] == [
        "La quita de 25,5 % supera la máxima de 20 %."
    ]


def test_merging_limits_keeps_the_stricter_of_each():
    creditor = QuoteLimits(
        max_discount=D("30"), max_installments=12, min_down_payment=D("5")
    )
    profile = QuoteLimits(
        max_discount=D("10"),
        max_installments=24,
        min_installment=D("2000.00"),
        min_down_payment=D("20"),
    )

    assert merge_limits(creditor, profile) == QuoteLimits(
        max_discount=D("10"),
        max_installments=12,
        min_installment=D("2000.00"),
        min_down_payment=D("20"),
    )
    assert merge_limits(QuoteLimits(), QuoteLimits()) == QuoteLimits()


# -- refused input -----------------------------------------------------------


@pytest.mark.parametrize(
    ("terms", "field", "message"),
    [
        ({"principal": D("0.00")}, "principal", "El capital: debe ser mayor que cero."),
        (
            {"principal": D("-5.00")},
            "principal",
            "El capital: debe ser mayor que cero.",
        ),
        (
            {"principal": 100.0},
            "principal",
            "El capital: debe ser un importe (Decimal).",
        ),
        (
            {"principal": D("1.005")},
            "principal",
            "El capital: tiene más de dos decimales.",
        ),
        ({"installments": 0}, "installments", "Las cuotas: debe haber al menos una."),
        (
            {"installments": 601},
            "installments",
            "Las cuotas: no pueden ser más de 600.",
        ),
        ({"tna": D("-1")}, "tna", "La TNA: no puede ser menor que cero."),
        ({"system": "none"}, "tna", "La TNA: un plan sin interés lleva TNA 0."),
        (
            {"system": "italian"},
            "system",
            "El sistema: «italian» no es uno de french, german, american, none.",
        ),
        ({"basis": "360"}, "basis", "La base de días: «360» no es uno de 30, 365."),
        ({"iva_rate": D("121")}, "iva", "El IVA: debe estar entre 0 y 100 %."),
        (
            {"discount_rate": D("-1")},
            "discount",
            "La quita: no puede ser menor que cero.",
        ),
        (
            {"discount_rate": D("100.5")},
            "discount",
            "La quita: debe estar entre 0 y 100 %.",
        ),
        (
            {"down_payment": D("1000.00")},
            "down_payment",
            "El anticipo: debe ser menor que la deuda después de la quita "
            "($ 1.000,00).",
        ),
        (
            {"down_payment": D("900.00"), "discount_rate": D("10")},
            "down_payment",
            "El anticipo: debe ser menor que la deuda después de la quita ($ 900,00).",
        ),
        (
            {"down_payment": D("-1.00")},
            "down_payment",
            "El anticipo: no puede ser menor que cero.",
        ),
        (
            {"fees": Fees(origination=D("-1.00"))},
            "origination_fee",
            "El gasto de otorgamiento: no puede ser menor que cero.",
        ),
        (
            {"fees": Fees(per_installment=D("0.001"))},
            "installment_fee",
            "El gasto por cuota: tiene más de dos decimales.",
        ),
        (
            {"start": JAN_15},
            "first_due",
            "El primer vencimiento: debe ser posterior a la fecha del acuerdo.",
        ),
        (
            {"first_due": datetime.date(9999, 12, 31)},
            "first_due",
            "El primer vencimiento: debe estar entre el 01/01/1901 y el 31/12/2199.",
        ),
        (
            {"first_due": datetime.date(1, 1, 1)},
            "first_due",
            "El primer vencimiento: debe estar entre el 01/01/1901 y el 31/12/2199.",
        ),
    ],
)
def test_bad_input_is_refused_naming_the_field(terms, field, message):
    arguments = {
        "principal": D("1000.00"),
        "tna": D("36"),
        "installments": 3,
        "system": "french",
        "first_due": JAN_15,
    } | terms

    with pytest.raises(QuoteError) as refused:
        quote_plan(arguments.pop("principal"), **arguments)

    assert (refused.value.field, str(refused.value)) == (field, message)
