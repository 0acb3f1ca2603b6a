"""The allocation engine: waterfall, replay, penalty interest, credit.

Pure Python, no database. Amounts worked by hand are in the comments; a
penalty TNA of 36.5 % is 0.1 % a day, which keeps them easy to check.
"""

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from recupero.payments.allocation import (
    STEPS,
    Allocation,
    AllocationError,
    AllocationResult,
    AllocationSettings,
    Amounts,
    Charge,
    Component,
    ErrorCode,
    InstallmentOrder,
    Payment,
    PromiseOutcome,
    Reversal,
    WaterfallMode,
    allocate,
    evaluate_promise,
)

D = Decimal
PENALTY_0_1_PER_DAY = AllocationSettings(penalty_tna=D("36.5"))


def day(month: int, dd: int) -> datetime.date:
    return datetime.date(2025, month, dd)


def allocations(result: AllocationResult, payment_id: str) -> list[tuple]:
    return [
        (a.charge_key, a.component, a.amount)
        for a in result.get_payment(payment_id).allocations
    ]


# -- C15: a back-dated payment loaded late --------------------------------


C15_CHARGES = [
    Charge("I1", day(3, 5), Amounts(capital=D("1000.00"))),
    Charge("I2", day(4, 5), Amounts(capital=D("1000.00"))),
]
PAYMENT_A = Payment("A", day(3, 20), D("1000.00"), sequence=1)
PAYMENT_B = Payment("B", day(3, 16), D("1000.00"), sequence=2)


def test_c15_before_b_arrives_a_pays_i1_and_the_promise_is_broken():
    result = allocate(C15_CHARGES, [PAYMENT_A], as_of=day(3, 21))

    assert allocations(result, "A") == [("I1", Component.CAPITAL, D("1000.00"))]
    assert result.get_charge("I1").fully_paid_on == day(3, 20)
    assert result.get_charge("I1").days_late == 15
    assert evaluate_promise(result, D("1000.00"), day(3, 16)) == (PromiseOutcome.BROKEN)


def test_c15_replay_puts_b_on_i1_a_prepays_i2_and_the_promise_is_kept():
    # A was loaded first (sequence 1), B second: the replay goes by value
    # date, so B (16/03) comes before A (20/03).
    result = allocate(C15_CHARGES, [PAYMENT_A, PAYMENT_B], as_of=day(3, 21))

    assert allocations(result, "B") == [("I1", Component.CAPITAL, D("1000.00"))]
    assert allocations(result, "A") == [("I2", Component.CAPITAL, D("1000.00"))]
    i1, i2 = result.charges
    assert (i1.fully_paid_on, i1.days_late) == (day(3, 16), 11)
    assert (i2.fully_paid_on, i2.days_late) == (day(3, 20), 0)
    assert [p.payment.id for p in result.payments] == ["B", "A"]
    assert evaluate_promise(result, D("1000.00"), day(3, 16)) == (PromiseOutcome.KEPT)


def test_c15_penalty_on_i1_runs_from_its_due_date_to_b_only():
    # By hand, TNA 36.5 % = 0.1 % a day: I1's 1,000.00 is overdue from
    # 05/03 (exclusive) to 16/03, 11 days -> 1,000.00 x 0.001 x 11 = 11.00.
    # B brings the installment and its penalty, 1,011.00, and closes I1 on
    # 16/03, so nothing accrues after it; A prepays I2 on 20/03.
    payment_b = Payment("B", day(3, 16), D("1011.00"), sequence=2)

    result = allocate(
        C15_CHARGES,
        [PAYMENT_A, payment_b],
        as_of=day(3, 21),
        settings=PENALTY_0_1_PER_DAY,
    )

    assert allocations(result, "B") == [
        ("I1", Component.PENALTY_INTEREST, D("11.00")),
        ("I1", Component.CAPITAL, D("1000.00")),
    ]
    assert allocations(result, "A") == [("I2", Component.CAPITAL, D("1000.00"))]
    assert result.get_charge("I1").penalty_accrued == D("11.00")
    assert result.get_charge("I1").fully_paid_on == day(3, 16)
    assert result.penalty_accrued == D("11.00")
    assert evaluate_promise(result, D("1000.00"), day(3, 16)) == (PromiseOutcome.KEPT)


def test_c15_in_load_order_the_penalty_would_have_run_to_a():
    # What allocating A alone (as before B was loaded) charges: 15 days,
    # 05/03 -> 20/03, on 1,000.00 = 15.00, paid first from A's 1,000.00.
    # The replay above charges 11.00.
    result = allocate(
        C15_CHARGES, [PAYMENT_A], as_of=day(3, 21), settings=PENALTY_0_1_PER_DAY
    )

    assert allocations(result, "A") == [
        ("I1", Component.PENALTY_INTEREST, D("15.00")),
        ("I1", Component.CAPITAL, D("985.00")),
    ]


def test_c15_with_penalty_and_exact_amounts_b_leaves_capital_for_a():
    # With a penalty rate, B's 1,000.00 pays 11.00 of penalty first and
    # only 989.00 of capital (interest before capital). The 11.00 left
    # accrues 11.00 x 0.001 x 4 days (16/03 -> 20/03) = 0.044 -> 0.04, which
    # A pays before prepaying I2 with the remaining 988.96.
    result = allocate(
        C15_CHARGES,
        [PAYMENT_A, PAYMENT_B],
        as_of=day(3, 21),
        settings=PENALTY_0_1_PER_DAY,
    )

    assert allocations(result, "B") == [
        ("I1", Component.PENALTY_INTEREST, D("11.00")),
        ("I1", Component.CAPITAL, D("989.00")),
    ]
    assert allocations(result, "A") == [
        ("I1", Component.PENALTY_INTEREST, D("0.04")),
        ("I1", Component.CAPITAL, D("11.00")),
        ("I2", Component.CAPITAL, D("988.96")),
    ]
    assert result.get_charge("I1").penalty_accrued == D("11.04")
    assert result.get_charge("I2").open == Amounts(capital=D("11.04"))


# -- the waterfall ----------------------------------------------------------


FULL_CHARGES = [
    Charge(
        "I1",
        day(3, 5),
        Amounts(
            costs=D("50.00"),
            interest=D("100.00"),
            interest_vat=D("21.00"),
            capital=D("1000.00"),
        ),
    ),
    Charge(
        "I2",
        day(4, 5),
        Amounts(interest=D("80.00"), interest_vat=D("16.80"), capital=D("1000.00")),
    ),
]


def test_default_waterfall_pays_the_oldest_installment_whole_then_prepays():
    # On 15/03, I1 is 10 days late: penalty 1,000.00 x 0.001 x 10 = 10.00.
    # 1,200.00 pays I1's costs 50.00, penalty 10.00, interest 100.00 with
    # its IVA 21.00 and capital 1,000.00 (1,181.00 in all); the 19.00 left
    # goes to I2, not yet due, whose interest comes with its IVA in
    # proportion: 19.00 x 80.00 / 96.80 = 15.7024 -> 15.70, IVA 3.30.
    payment = Payment("P", day(3, 15), D("1200.00"), sequence=1)

    result = allocate(
        FULL_CHARGES, [payment], as_of=day(3, 31), settings=PENALTY_0_1_PER_DAY
    )

    assert allocations(result, "P") == [
        ("I1", Component.COSTS, D("50.00")),
        ("I1", Component.PENALTY_INTEREST, D("10.00")),
        ("I1", Component.INTEREST, D("100.00")),
        ("I1", Component.INTEREST_VAT, D("21.00")),
        ("I1", Component.CAPITAL, D("1000.00")),
        ("I2", Component.INTEREST, D("15.70")),
        ("I2", Component.INTEREST_VAT, D("3.30")),
    ]
    i1, i2 = result.charges
    assert (i1.is_paid, i1.fully_paid_on, i1.days_late) == (True, day(3, 15), 10)
    assert i2.open == Amounts(
        interest=D("64.30"), interest_vat=D("13.50"), capital=D("1000.00")
    )
    assert (i2.fully_paid_on, i2.days_late) == (None, 0)
    assert result.credit == D("0.00")


def test_custom_component_order_pays_capital_first():
    # A creditor that agrees to take capital first (art. 903 allows it).
    # 1,030.00 pays capital 1,000.00, then 30.00 of interest with its IVA:
    # 30.00 x 100.00 / 121.00 = 24.7934 -> 24.79, IVA 5.21. Costs wait.
    capital_first = AllocationSettings(
        component_order=(
            Component.CAPITAL,
            Component.INTEREST,
            Component.COSTS,
            Component.PENALTY_INTEREST,
        )
    )
    payment = Payment("P", day(3, 10), D("1030.00"), sequence=1)

    result = allocate(
        FULL_CHARGES[:1], [payment], as_of=day(3, 10), settings=capital_first
    )

    assert allocations(result, "P") == [
        ("I1", Component.CAPITAL, D("1000.00")),
        ("I1", Component.INTEREST, D("24.79")),
        ("I1", Component.INTEREST_VAT, D("5.21")),
    ]
    assert result.get_charge("I1").open == Amounts(
        costs=D("50.00"), interest=D("75.21"), interest_vat=D("15.79")
    )


TWO_DUE = [
    Charge(
        "I1",
        day(3, 5),
        Amounts(costs=D("20.00"), interest=D("100.00"), capital=D("500.00")),
    ),
    Charge(
        "I2",
        day(4, 5),
        Amounts(costs=D("20.00"), interest=D("100.00"), capital=D("500.00")),
    ),
]


def test_component_major_pays_each_kind_across_installments_first():
    payment = Payment("P", day(4, 10), D("300.00"), sequence=1)
    component_major = AllocationSettings(mode=WaterfallMode.COMPONENT_MAJOR)

    result = allocate(TWO_DUE, [payment], as_of=day(4, 10), settings=component_major)

    assert allocations(result, "P") == [
        ("I1", Component.COSTS, D("20.00")),
        ("I2", Component.COSTS, D("20.00")),
        ("I1", Component.INTEREST, D("100.00")),
        ("I2", Component.INTEREST, D("100.00")),
        ("I1", Component.CAPITAL, D("60.00")),
    ]


def test_installment_major_on_the_same_payment_serves_i1_first():
    payment = Payment("P", day(4, 10), D("300.00"), sequence=1)

    result = allocate(TWO_DUE, [payment], as_of=day(4, 10))

    assert allocations(result, "P") == [
        ("I1", Component.COSTS, D("20.00")),
        ("I1", Component.INTEREST, D("100.00")),
        ("I1", Component.CAPITAL, D("180.00")),
    ]


def test_newest_first_serves_the_latest_due_installment_first():
    payment = Payment("P", day(4, 10), D("300.00"), sequence=1)
    newest_first = AllocationSettings(installment_order=InstallmentOrder.NEWEST_FIRST)

    result = allocate(TWO_DUE, [payment], as_of=day(4, 10), settings=newest_first)

    assert allocations(result, "P") == [
        ("I2", Component.COSTS, D("20.00")),
        ("I2", Component.INTEREST, D("100.00")),
        ("I2", Component.CAPITAL, D("180.00")),
    ]


def test_charges_not_yet_due_come_after_everything_due():
    # I2's costs are first in the component order, but I2 is not due on
    # 10/03: the due capital of I1 is served first (FINERACT-2319).
    charges = [
        Charge("I1", day(3, 5), Amounts(capital=D("1000.00"))),
        Charge("I2", day(4, 5), Amounts(costs=D("100.00"), capital=D("1000.00"))),
    ]
    first = Payment("P1", day(3, 10), D("500.00"), sequence=1)
    second = Payment("P2", day(3, 12), D("1000.00"), sequence=2)

    for mode in WaterfallMode:
        result = allocate(
            charges,
            [first, second],
            as_of=day(3, 12),
            settings=AllocationSettings(mode=mode),
        )

        assert allocations(result, "P1") == [("I1", Component.CAPITAL, D("500.00"))]
        assert allocations(result, "P2") == [
            ("I1", Component.CAPITAL, D("500.00")),
            ("I2", Component.COSTS, D("100.00")),
            ("I2", Component.CAPITAL, D("400.00")),
        ]


def test_a_payment_on_the_due_date_is_on_time_and_accrues_nothing():
    charges = [Charge("I1", day(3, 5), Amounts(capital=D("1000.00")))]
    payment = Payment("P", day(3, 5), D("1000.00"), sequence=1)

    result = allocate(
        charges, [payment], as_of=day(3, 31), settings=PENALTY_0_1_PER_DAY
    )

    i1 = result.get_charge("I1")
    assert (i1.fully_paid_on, i1.days_late, i1.penalty_accrued) == (
        day(3, 5),
        0,
        D("0.00"),
    )


# -- credit and reversals -----------------------------------------------------


def test_overpayment_is_kept_as_credit():
    charges = [Charge("I1", day(3, 5), Amounts(capital=D("1000.00")))]
    early = Payment("P1", day(3, 1), D("1500.00"), sequence=1)
    later = Payment("P2", day(3, 20), D("40.00"), sequence=2)

    result = allocate(charges, [early, later], as_of=day(3, 31))

    assert allocations(result, "P1") == [("I1", Component.CAPITAL, D("1000.00"))]
    assert result.get_payment("P1").credit == D("500.00")
    assert result.get_payment("P2").allocations == ()
    assert result.get_payment("P2").credit == D("40.00")
    assert result.credit == D("540.00")
    assert result.get_charge("I1").fully_paid_on == day(3, 1)


def test_a_charge_added_later_is_served_from_the_credit_on_replay():
    charges = [Charge("I1", day(3, 5), Amounts(capital=D("1000.00")))]
    payment = Payment("P1", day(3, 1), D("1500.00"), sequence=1)
    new_costs = Charge("G1", day(3, 25), Amounts(costs=D("120.00")))

    result = allocate([*charges, new_costs], [payment], as_of=day(3, 31))

    assert allocations(result, "P1") == [
        ("I1", Component.CAPITAL, D("1000.00")),
        ("G1", Component.COSTS, D("120.00")),
    ]
    assert result.credit == D("380.00")


def test_reversal_reopens_the_installment_and_penalty_accrues_again():
    # P paid I1 on its due date; the cheque bounced on 20/03. As of 31/03
    # I1 is open again and 26 days late: 1,000.00 x 0.001 x 26 = 26.00.
    charges = [Charge("I1", day(3, 5), Amounts(capital=D("1000.00")))]
    payment = Payment("P", day(3, 5), D("1000.00"), sequence=1)

    before = allocate(
        charges, [payment], as_of=day(3, 31), settings=PENALTY_0_1_PER_DAY
    )
    after = allocate(
        charges,
        [payment],
        [Reversal("P", day(3, 20))],
        as_of=day(3, 31),
        settings=PENALTY_0_1_PER_DAY,
    )

    assert before.get_charge("I1").is_paid
    reversed_payment = after.get_payment("P")
    assert reversed_payment.reversed_on == day(3, 20)
    assert (reversed_payment.allocations, reversed_payment.credit) == ((), D("0.00"))
    i1 = after.get_charge("I1")
    assert i1.open == Amounts(penalty_interest=D("26.00"), capital=D("1000.00"))
    assert (i1.fully_paid_on, i1.days_late) == (None, 26)
    assert evaluate_promise(after, D("1000.00"), day(3, 5)) == PromiseOutcome.BROKEN


def test_promise_is_pending_until_its_deadline_and_partly_kept_after():
    charges = [Charge("I1", day(3, 5), Amounts(capital=D("1000.00")))]
    payment = Payment("P", day(3, 16), D("400.00"), sequence=1)

    on_time = allocate(charges, [payment], as_of=day(3, 18))
    later = allocate(charges, [payment], as_of=day(3, 19))

    promise = (D("1000.00"), day(3, 16))
    assert evaluate_promise(on_time, *promise, grace_days=2) == PromiseOutcome.PENDING
    assert evaluate_promise(later, *promise, grace_days=2) == (
        PromiseOutcome.PARTLY_KEPT
    )
    assert evaluate_promise(later, *promise, taken_on=day(3, 17)) == (
        PromiseOutcome.BROKEN
    )


def test_promise_outcomes_use_the_words_of_promise_status():
    from recupero.collections.models import PromiseStatus

    assert {o.value for o in PromiseOutcome} <= {s.value for s in PromiseStatus}


# -- refusals -------------------------------------------------------------------


def test_a_payment_id_seen_twice_is_refused():
    charges = [Charge("I1", day(3, 5), Amounts(capital=D("1000.00")))]
    payment = Payment("P", day(3, 5), D("100.00"), sequence=1)

    with pytest.raises(AllocationError) as refused:
        allocate(charges, [payment, payment], as_of=day(3, 31))

    assert refused.value.code == ErrorCode.DUPLICATE_PAYMENT


@pytest.mark.parametrize(
    ("payments", "reversals", "code"),
    [
        ([Payment("P", day(4, 1), D("1.00"), 1)], [], ErrorCode.FUTURE_PAYMENT),
        ([Payment("P", day(3, 1), D("0.00"), 1)], [], ErrorCode.AMOUNT),
        ([Payment("P", day(3, 1), D("1.001"), 1)], [], ErrorCode.AMOUNT),
        ([], [Reversal("X", day(3, 1))], ErrorCode.UNKNOWN_PAYMENT),
        (
            [Payment("P", day(3, 10), D("1.00"), 1)],
            [Reversal("P", day(3, 9))],
            ErrorCode.REVERSAL_DATE,
        ),
        (
            [Payment("P", day(3, 10), D("1.00"), 1)],
            [Reversal("P", day(3, 11)), Reversal("P", day(3, 12))],
            ErrorCode.DUPLICATE_REVERSAL,
        ),
    ],
)
def test_bad_payments_and_reversals_are_refused(payments, reversals, code):
    charges = [Charge("I1", day(3, 5), Amounts(capital=D("1000.00")))]

    with pytest.raises(AllocationError) as refused:
        allocate(charges, payments, reversals, as_of=day(3, 31))

    assert refused.value.code == code


def test_a_waterfall_missing_a_step_is_refused():
    with pytest.raises(AllocationError) as refused:
        AllocationSettings(component_order=(Component.CAPITAL, Component.INTEREST))

    assert refused.value.code == ErrorCode.WATERFALL


# -- properties -----------------------------------------------------------------

BASE = datetime.date(2025, 1, 1)
cents = st.integers(min_value=0, max_value=200_000).map(lambda n: D(n) / 100)
positive_cents = st.integers(min_value=1, max_value=300_000).map(lambda n: D(n) / 100)
dates = st.integers(min_value=0, max_value=150).map(
    lambda n: BASE + datetime.timedelta(days=n)
)


@st.composite
def charge_lists(draw):
    count = draw(st.integers(min_value=1, max_value=4))
    return [
        Charge(
            f"I{n}",
            draw(dates),
            Amounts(
                costs=draw(cents),
                penalty_interest=draw(cents),
                interest=draw(cents),
                interest_vat=draw(cents),
                capital=draw(positive_cents),
            ),
        )
        for n in range(count)
    ]


@st.composite
def payment_lists(draw):
    count = draw(st.integers(min_value=0, max_value=6))
    return [
        Payment(
            f"P{n}",
            draw(dates),
            draw(positive_cents),
            # Few sequences, so that ties on date and sequence happen.
            sequence=draw(st.integers(min_value=0, max_value=3)),
        )
        for n in range(count)
    ]


@st.composite
def scenarios(draw):
    charges = draw(charge_lists())
    payments = draw(payment_lists())
    reversed_ids = draw(
        st.sets(st.sampled_from([p.id for p in payments]) if payments else st.nothing())
    )
    reversals = [
        Reversal(
            p.id,
            p.value_date + datetime.timedelta(days=draw(st.integers(0, 10))),
        )
        for p in payments
        if p.id in reversed_ids
    ]
    # Charges may fall due after as_of: they stay not yet due to the end.
    last = max(
        [BASE] + [r.reversed_on for r in reversals] + [p.value_date for p in payments]
    )
    as_of = last + datetime.timedelta(days=draw(st.integers(0, 30)))
    waterfall = AllocationSettings(
        component_order=tuple(draw(st.permutations(STEPS))),
        installment_order=draw(st.sampled_from(InstallmentOrder)),
        mode=draw(st.sampled_from(WaterfallMode)),
        penalty_tna=draw(st.sampled_from([D("0"), D("36.5"), D("97.33"), D("250")])),
    )
    return charges, payments, reversals, as_of, waterfall


PROPERTIES = settings(max_examples=200, deadline=None)


@PROPERTIES
@given(scenarios())
def test_every_result_keeps_the_invariants(scenario):
    charges, payments, reversals, as_of, waterfall = scenario

    result = allocate(charges, payments, reversals, as_of=as_of, settings=waterfall)

    allocated = sum((p.allocated for p in result.payments), D(0))
    assert allocated + result.credit == result.payments_total
    reversed_ids = {r.payment_id for r in reversals}
    for paid in result.payments:
        if paid.payment.id in reversed_ids:
            assert (paid.allocations, paid.credit) == ((), D(0))
        else:
            assert paid.allocated + paid.credit == paid.payment.amount
            assert paid.credit >= 0
        assert all(a.amount > 0 for a in paid.allocations)
    for charge, outcome in zip(charges, result.charges, strict=True):
        for component in Component:
            from_allocations = sum(
                (
                    a.amount
                    for p in result.payments
                    for a in p.allocations
                    if (a.charge_key, a.component) == (charge.key, component)
                ),
                D(0),
            )
            assert outcome.paid.get(component) == from_allocations
            assert outcome.open.get(component) >= 0
            opened = charge.open.get(component)
            if component == Component.PENALTY_INTEREST:
                opened += outcome.penalty_accrued
            assert outcome.paid.get(component) + outcome.open.get(component) == opened
        assert outcome.is_paid == (outcome.fully_paid_on is not None)
    if result.credit > 0:
        assert result.open.total == 0


@PROPERTIES
@given(scenarios(), st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_load_order(scenario, rng: random.Random):
    charges, payments, reversals, as_of, waterfall = scenario
    shuffled_payments = rng.sample(payments, len(payments))
    shuffled_reversals = rng.sample(reversals, len(reversals))

    first = allocate(charges, payments, reversals, as_of=as_of, settings=waterfall)
    second = allocate(
        charges, shuffled_payments, shuffled_reversals, as_of=as_of, settings=waterfall
    )

    assert first == second


@PROPERTIES
@given(scenarios())
def test_a_reversed_payment_counts_as_if_never_made(scenario):
    charges, payments, reversals, as_of, waterfall = scenario
    reversed_ids = {r.payment_id for r in reversals}
    kept = [p for p in payments if p.id not in reversed_ids]

    with_reversals = allocate(
        charges, payments, reversals, as_of=as_of, settings=waterfall
    )
    without = allocate(charges, kept, as_of=as_of, settings=waterfall)

    assert with_reversals.charges == without.charges


@PROPERTIES
@given(scenarios(), positive_cents, st.integers(min_value=1, max_value=30))
def test_a_later_payment_leaves_earlier_allocations_alone(scenario, amount, days):
    charges, payments, reversals, as_of, waterfall = scenario
    later_day = as_of + datetime.timedelta(days=days)
    later = Payment("LATER", later_day, amount, sequence=0)

    before = allocate(charges, payments, reversals, as_of=as_of, settings=waterfall)
    after = allocate(
        charges, [*payments, later], reversals, as_of=later_day, settings=waterfall
    )

    assert after.payments[:-1] == before.payments


@PROPERTIES
@given(scenarios())
def test_penalty_without_payments_is_simple_interest_on_overdue_capital(scenario):
    charges, _, _, as_of, waterfall = scenario

    result = allocate(charges, [], as_of=as_of, settings=waterfall)

    for charge, outcome in zip(charges, result.charges, strict=True):
        days = max(0, (as_of - charge.due_on).days)
        expected = charge.open.capital * waterfall.penalty_tna * days / (100 * 365)
        assert outcome.penalty_accrued == expected.quantize(D("0.01"), ROUND_HALF_UP)


@PROPERTIES
@given(scenarios(), st.data())
def test_a_payment_id_is_never_applied_twice(scenario, data):
    charges, payments, reversals, as_of, waterfall = scenario
    assume(payments)
    original = data.draw(st.sampled_from(payments))
    twin = Payment(original.id, original.value_date, D("1.00"), original.sequence + 1)

    with pytest.raises(AllocationError) as refused:
        allocate(charges, [*payments, twin], reversals, as_of=as_of, settings=waterfall)

    assert refused.value.code == ErrorCode.DUPLICATE_PAYMENT


def test_allocation_lines_are_plain_values():
    # Frozen and comparable, so results can be stored and compared.
    line = Allocation("I1", Component.CAPITAL, D("1.00"))

    assert line == Allocation("I1", Component.CAPITAL, D("1.00"))
    with pytest.raises(AttributeError):
        line.amount = D("2.00")  # type: ignore[misc]


def test_penalty_already_charged_is_not_accrued_again():
    # The creditor sent I1 with 5.00 of penalty up to 10/03; the engine
    # accrues from 11/03 to 15/03: 1,000.00 x 0.001 x 5 = 5.00 more.
    charges = [
        Charge(
            "I1",
            day(3, 5),
            Amounts(penalty_interest=D("5.00"), capital=D("1000.00")),
            penalty_accrued_through=day(3, 10),
        )
    ]

    result = allocate(charges, [], as_of=day(3, 15), settings=PENALTY_0_1_PER_DAY)

    i1 = result.get_charge("I1")
    assert (i1.penalty_accrued, i1.open.penalty_interest) == (D("5.00"), D("10.00"))
    assert i1.days_late == 10


def test_a_float_penalty_rate_is_refused():
    with pytest.raises(AllocationError) as refused:
        AllocationSettings(penalty_tna=36.5)  # type: ignore[arg-type]

    assert refused.value.code == ErrorCode.WATERFALL
