"""Posting payments: the waterfall, credit, duplicates, reversals, promises."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recupero.collections.models import (
    AccountState,
    Promise,
    PromiseStatus,
    StateChange,
)
from recupero.collections.states import ManagementState
from recupero.parties.models import Debtor
from recupero.payments.adjustments import credit_off
from recupero.payments.ledger import disagreements
from recupero.payments.models import (
    ACCOUNT_COLUMN,
    EntryKind,
    LedgerEntry,
    MoneySettings,
    Payment,
    PaymentSource,
    PaymentStatus,
)
from recupero.payments.posting import (
    PaymentRow,
    PostingError,
    post_payment,
    post_payments,
    reverse_payment,
)
from recupero.portfolios.models import Account, Portfolio

pytestmark = pytest.mark.django_db

D = datetime.date
BANK = PaymentSource.BANK_FILE
OPENED_ON = D(2025, 3, 1)


def open_account(creditor, number="1001", **amounts):
    """Return an account whose ledger opens with ``amounts`` per component."""
    portfolio, _ = Portfolio.objects.get_or_create(
        creditor=creditor,
        code="cartera",
        defaults={"name": "C", "placed_on": OPENED_ON},
    )
    debtor = Debtor.objects.create(identity_key=f"ext:{number}", name="Ana Paz")
    values = {k: Decimal(v) for k, v in amounts.items()}
    column = {"capital": "capital", "fees": "fees"}
    sums = dict.fromkeys(("capital", "interest", "fees"), Decimal("0.00"))
    for component, amount in values.items():
        sums[column.get(component, "interest")] += amount
    account = Account.objects.create(
        creditor=creditor, portfolio=portfolio, debtor=debtor, number=number, **sums
    )
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            account=account,
            value_date=OPENED_ON,
            kind=EntryKind.OPENING,
            component=component,
            amount=amount,
        )
        for component, amount in values.items()
        if amount
    )
    return account


def pay(account, reference, amount, on=None, method="transfer"):
    on = on or D(2025, 3, 10)
    return PaymentRow(account.pk, reference, method, Decimal(amount), on)


def paid_by(payment):
    return dict(
        payment.entries.filter(kind=EntryKind.PAYMENT)
        .order_by("id")
        .values_list("component", "amount")
    )


def columns(account):
    account.refresh_from_db()
    return (account.capital, account.interest, account.fees)


def test_post_payment_follows_the_default_waterfall_with_iva_in_proportion(creditor):
    # fees 100, penalty 50, interest 200 + IVA 42, capital 1,000; 300 paid:
    # fees 100, penalty 50, then 150 of the 242 of interest with its IVA:
    # 150 × 200 / 242 = 123.966… → 123.97 interest, 26.03 IVA.
    account = open_account(
        creditor,
        fees="100.00",
        penalty_interest="50.00",
        interest="200.00",
        interest_vat="42.00",
        capital="1000.00",
    )

    result = post_payment(creditor, pay(account, "A1", "300.00"), source=BANK)

    (payment,) = result.applied
    assert paid_by(payment) == {
        "fees": Decimal("-100.00"),
        "penalty_interest": Decimal("-50.00"),
        "interest": Decimal("-123.97"),
        "interest_vat": Decimal("-26.03"),
    }
    assert payment.credit == Decimal("0.00")
    assert columns(account) == (
        Decimal("1000.00"),
        Decimal("92.00"),
        Decimal("0.00"),
    )
    assert not disagreements().exists()


def test_post_payment_follows_the_creditors_own_waterfall(creditor):
    MoneySettings.objects.create(
        creditor=creditor,
        waterfall=["capital", "interest", "penalty_interest", "fees"],
    )
    account = open_account(creditor, fees="100.00", interest="200.00", capital="150.00")

    result = post_payment(creditor, pay(account, "A1", "250.00"), source=BANK)

    assert paid_by(result.applied[0]) == {
        "capital": Decimal("-150.00"),
        "interest": Decimal("-100.00"),
    }
    assert columns(account) == (Decimal("0.00"), Decimal("100.00"), Decimal("100.00"))


def test_an_overpayment_leaves_a_credit_on_the_account(creditor):
    account = open_account(creditor, capital="1000.00", interest="100.00")

    result = post_payment(creditor, pay(account, "A1", "1500.00"), source=BANK)

    (payment,) = result.applied
    assert payment.credit == Decimal("400.00")
    credit = payment.entries.get(note="saldo a favor")
    assert (credit.component, credit.amount) == ("capital", Decimal("-400.00"))
    assert columns(account) == (Decimal("-400.00"), Decimal("0.00"), Decimal("0.00"))
    assert not disagreements().exists()


def test_a_payment_on_an_account_in_credit_is_all_credit(creditor):
    account = open_account(creditor, capital="100.00")
    post_payment(creditor, pay(account, "A1", "150.00"), source=BANK)

    second = post_payment(creditor, pay(account, "A2", "20.00"), source=BANK)

    assert second.applied[0].credit == Decimal("20.00")
    assert columns(account)[0] == Decimal("-70.00")
    assert not disagreements().exists()


def test_payments_of_a_batch_are_allocated_in_value_date_order(creditor):
    account = open_account(creditor, fees="100.00", capital="1000.00")
    later = pay(account, "A-20", "100.00", on=D(2025, 3, 20))
    earlier = pay(account, "B-16", "100.00", on=D(2025, 3, 16))

    result = post_payments(creditor, [later, earlier], source=BANK)

    by_reference = {payment.reference: payment for payment in result.applied}
    assert paid_by(by_reference["B-16"]) == {"fees": Decimal("-100.00")}
    assert paid_by(by_reference["A-20"]) == {"capital": Decimal("-100.00")}


def test_a_reference_already_posted_is_reported_and_not_applied(creditor):
    account = open_account(creditor, capital="1000.00")
    first = post_payment(creditor, pay(account, "A1", "100.00"), source=BANK)

    again = post_payments(
        creditor,
        [pay(account, "A1", "100.00"), pay(account, "A2", "100.00")],
        source=BANK,
    )

    assert [p.reference for p in again.applied] == ["A2"]
    (duplicate,) = again.duplicates
    assert (duplicate.index, duplicate.payment_id) == (0, first.applied[0].pk)
    assert Payment.objects.count() == 2
    assert columns(account)[0] == Decimal("800.00")


def test_a_reference_repeated_inside_a_batch_is_applied_once(creditor):
    account = open_account(creditor, capital="1000.00")

    result = post_payments(
        creditor,
        [pay(account, "A1", "100.00"), pay(account, "A1", "100.00")],
        source=BANK,
    )

    assert len(result.applied) == 1
    (duplicate,) = result.duplicates
    assert (duplicate.index, duplicate.first_index, duplicate.payment_id) == (
        1,
        0,
        None,
    )
    assert columns(account)[0] == Decimal("900.00")


def test_the_same_reference_from_another_source_is_another_payment(creditor):
    account = open_account(creditor, capital="1000.00")
    post_payment(creditor, pay(account, "A1", "100.00"), source=BANK)

    other = post_payment(
        creditor, pay(account, "A1", "100.00"), source=PaymentSource.CREDITOR_FILE
    )

    assert len(other.applied) == 1


def test_identical_payments_with_different_references_are_both_applied(creditor):
    account = open_account(creditor, capital="1000.00")

    result = post_payments(
        creditor,
        [pay(account, "A2", "300.00"), pay(account, "A3", "300.00")],
        source=BANK,
    )

    assert len(result.applied) == 2
    assert columns(account)[0] == Decimal("400.00")


@pytest.mark.parametrize(
    ("row", "code"),
    [
        (PaymentRow(0, "A1", "transfer", Decimal("0.00"), D(2025, 3, 1)), "amount"),
        (PaymentRow(0, "A1", "transfer", Decimal("1.005"), D(2025, 3, 1)), "amount"),
        (PaymentRow(0, " ", "transfer", Decimal("1.00"), D(2025, 3, 1)), "reference"),
        (PaymentRow(0, "A1", "bitcoin", Decimal("1.00"), D(2025, 3, 1)), "method"),
    ],
)
def test_a_bad_row_refuses_the_whole_batch(creditor, row, code):
    account = open_account(creditor, capital="1000.00")
    good = pay(account, "OK", "10.00")
    bad = PaymentRow(account.pk, row.reference, row.method, row.amount, row.value_date)

    with pytest.raises(ValidationError) as refused:
        post_payments(creditor, [good, bad], source=BANK)

    assert refused.value.code == f"payment_{code}"
    assert not Payment.objects.exists()
    assert columns(account)[0] == Decimal("1000.00")


def test_an_account_of_another_creditor_is_refused(creditor, other_creditor):
    theirs = open_account(other_creditor, capital="1000.00")

    with pytest.raises(ValidationError) as refused:
        post_payment(creditor, pay(theirs, "A1", "10.00"), source=BANK)

    assert refused.value.code == PostingError.ACCOUNT
    assert "no se imputó ningún pago" in refused.value.message
    assert not Payment.objects.exists()


def test_reverse_payment_posts_the_exact_opposite_and_restores_the_account(creditor):
    account = open_account(
        creditor, fees="10.00", interest="100.00", interest_vat="21.00", capital="500"
    )
    before = columns(account)
    (payment,) = post_payment(
        creditor, pay(account, "A1", "700.00"), source=BANK
    ).applied

    reverse_payment(payment, on=D(2025, 3, 12), reason="cheque rechazado")

    # 10 + 121 + 500 paid, 69 left as credit: each comes back as it went.
    reversal = payment.entries.filter(kind=EntryKind.REVERSAL).order_by("id")
    assert list(reversal.values_list("component", "amount", "value_date")) == [
        ("fees", Decimal("10.00"), D(2025, 3, 12)),
        ("interest", Decimal("100.00"), D(2025, 3, 12)),
        ("interest_vat", Decimal("21.00"), D(2025, 3, 12)),
        ("capital", Decimal("500.00"), D(2025, 3, 12)),
        ("capital", Decimal("69.00"), D(2025, 3, 12)),
    ]
    assert columns(account) == before
    payment.refresh_from_db()
    assert (payment.status, payment.reversed_on, payment.reversal_reason) == (
        PaymentStatus.REVERSED,
        D(2025, 3, 12),
        "cheque rechazado",
    )
    assert not disagreements().exists()


def test_reversing_twice_is_refused_and_changes_nothing(creditor):
    account = open_account(creditor, capital="500.00")
    (payment,) = post_payment(
        creditor, pay(account, "A1", "100.00"), source=BANK
    ).applied
    reverse_payment(payment, on=D(2025, 3, 12), reason="error de carga")
    entries = LedgerEntry.objects.count()

    with pytest.raises(ValidationError) as refused:
        reverse_payment(payment, on=D(2025, 3, 13), reason="otra vez")

    assert refused.value.code == PostingError.ALREADY_REVERSED
    assert "ya se revirtió el 12/03/2025" in refused.value.message
    assert LedgerEntry.objects.count() == entries
    assert columns(account)[0] == Decimal("500.00")


def test_a_reversal_dated_before_the_payment_is_refused(creditor):
    account = open_account(creditor, capital="500.00")
    (payment,) = post_payment(
        creditor, pay(account, "A1", "100.00"), source=BANK
    ).applied

    with pytest.raises(ValidationError) as refused:
        reverse_payment(payment, on=D(2025, 3, 9), reason="error")

    assert refused.value.code == PostingError.REVERSAL_DATE


def make_promise(account, amount, due_on, taken_on=OPENED_ON):
    AccountState.objects.update_or_create(
        account=account, defaults={"state": ManagementState.PROMISE_PENDING}
    )
    return Promise.objects.create(
        account=account,
        amount=Decimal(amount),
        due_on=due_on,
        grace_days=0,
        deadline=due_on,
        channel="outbound_call",
        taken_on=taken_on,
    )


def state_of(account):
    return AccountState.objects.get(account=account).state


def test_a_payment_keeps_a_promise_and_its_reversal_unkeeps_it(creditor):
    account = open_account(creditor, capital="5000.00")
    promise = make_promise(account, "1000.00", D(2025, 3, 16))

    (payment,) = post_payment(
        creditor, pay(account, "A1", "1000.00", on=D(2025, 3, 15)), source=BANK
    ).applied

    promise.refresh_from_db()
    assert (promise.status, promise.paid_amount) == (
        PromiseStatus.KEPT,
        Decimal("1000.00"),
    )
    assert state_of(account) == ManagementState.CONTACTED

    reverse_payment(payment, on=D(2025, 3, 20), reason="débito rechazado")

    promise.refresh_from_db()
    assert (promise.status, promise.paid_amount, promise.decided_on) == (
        PromiseStatus.PENDING,
        Decimal("0.00"),
        None,
    )
    assert state_of(account) == ManagementState.PROMISE_PENDING


def test_a_reversal_leaves_a_promise_kept_by_another_payment_kept(creditor):
    account = open_account(creditor, capital="5000.00")
    promise = make_promise(account, "500.00", D(2025, 3, 16))
    batch = [
        pay(account, "A1", "500.00", on=D(2025, 3, 10)),
        pay(account, "A2", "500.00", on=D(2025, 3, 11)),
    ]
    first, _second = post_payments(creditor, batch, source=BANK).applied

    reverse_payment(first, on=D(2025, 3, 20), reason="error")

    promise.refresh_from_db()
    assert (promise.status, promise.paid_amount) == (
        PromiseStatus.KEPT,
        Decimal("500.00"),
    )


def test_paying_off_an_account_settles_it(creditor):
    account = open_account(creditor, capital="100.00")

    post_payment(creditor, pay(account, "A1", "100.00"), source=BANK)

    assert state_of(account) == ManagementState.SETTLED


def test_reversing_the_payoff_reopens_the_account_due_today(creditor):
    account = open_account(creditor, capital="100.00")
    (payment,) = post_payment(
        creditor, pay(account, "A1", "100.00"), source=BANK
    ).applied
    AccountState.objects.filter(account=account).update(next_attempt_on=D(2025, 6, 1))
    at = datetime.datetime(2025, 3, 12, 15, 0, tzinfo=datetime.UTC)

    reverse_payment(payment, on=D(2025, 3, 12), reason="cheque rechazado", at=at)

    state = AccountState.objects.get(account=account)
    assert (state.state, state.next_attempt_on) == (
        ManagementState.NOT_WORKED,
        D(2025, 3, 12),
    )
    assert list(
        StateChange.objects.filter(account=account)
        .order_by("pk")
        .values_list("from_state", "to_state", "event")
    ) == [
        ("sin_gestion", "cancelada", "paid_in_full"),
        ("cancelada", "sin_gestion", "debt_reopened"),
    ]


def test_reversing_a_payoff_that_kept_a_promise_reopens_it_pending(creditor):
    account = open_account(creditor, capital="1000.00")
    promise = make_promise(account, "1000.00", D(2025, 3, 16))
    (payment,) = post_payment(
        creditor, pay(account, "A1", "1000.00", on=D(2025, 3, 15)), source=BANK
    ).applied
    assert state_of(account) == ManagementState.SETTLED

    reverse_payment(payment, on=D(2025, 3, 20), reason="débito rechazado")

    # Reopened first, so the promise back to pending can move the account.
    promise.refresh_from_db()
    assert promise.status == PromiseStatus.PENDING
    assert state_of(account) == ManagementState.PROMISE_PENDING


def test_reversing_a_payment_that_left_a_credit_keeps_the_account_settled(creditor):
    account = open_account(creditor, capital="100.00")
    post_payment(creditor, pay(account, "A1", "150.00"), source=BANK)
    (second,) = post_payment(creditor, pay(account, "A2", "30.00"), source=BANK).applied

    # Still 30 + 50 in the debtor's favour without the second payment.
    reverse_payment(second, on=D(2025, 3, 12), reason="duplicado")

    assert state_of(account) == ManagementState.SETTLED
    assert not StateChange.objects.filter(event="debt_reopened").exists()


def test_a_cashiers_payment_at_2230_in_buenos_aires_is_of_that_day(creditor):
    # C13: 2025-03-11T01:30Z is 22:30 of 10/03 in Buenos Aires.
    account = open_account(creditor, capital="5000.00")
    promise = make_promise(account, "1000.00", D(2025, 3, 10))
    at = datetime.datetime(2025, 3, 11, 1, 30, tzinfo=datetime.UTC)

    with time_machine.travel(at, tick=False):
        result = post_payment(
            creditor,
            PaymentRow(account.pk, "CAJA-1", "cash", Decimal("1000.00")),
            source=PaymentSource.TILL,
        )

    assert result.applied[0].value_date == D(2025, 3, 10)
    promise.refresh_from_db()
    assert promise.status == PromiseStatus.KEPT


# -- properties ---------------------------------------------------------------

AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("3000.00"), places=2)
STEP = st.one_of(
    st.tuples(st.just("pay"), AMOUNTS, st.integers(min_value=0, max_value=30)),
    st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=50)),
    st.tuples(st.just("again"), st.integers(min_value=0, max_value=50)),
    st.tuples(st.just("discount"), AMOUNTS),
    st.tuples(st.just("statement"), AMOUNTS),
)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    opening=st.tuples(AMOUNTS, AMOUNTS, AMOUNTS, AMOUNTS),
    steps=st.lists(STEP, max_size=8),
)
def test_any_payments_reversals_discounts_and_statements_keep_ledger_in_step(
    creditor, opening, steps, make_profile, import_file
):
    fees, penalty, interest, capital = opening
    number = f"P{Account.objects.count()}"
    account = open_account(
        creditor,
        number=number,
        fees=fees,
        penalty_interest=penalty,
        interest=interest,
        interest_vat=(interest * Decimal("0.21")).quantize(Decimal("0.01")),
        capital=capital,
    )
    references: list[str] = []
    discounted = charged = Decimal("0.00")
    statements = make_profile(
        f"saldos-{number}",
        options={"kind": "balances"},
        account_number="cuenta",
        capital="capital",
        interest="intereses",
        fees="gastos",
        balance_as_of="fecha",
    )
    for position, step in enumerate(steps):
        if step[0] == "pay":
            _kind, amount, day = step
            reference = f"{number}-{len(references)}"
            open_before = _open(account)
            result = post_payment(
                creditor,
                pay(account, reference, amount, on=D(2025, 3, 1 + day % 28)),
                source=BANK,
            )
            (payment,) = result.applied
            references.append(reference)
            _check_allocation(payment, open_before)
        elif step[0] == "again" and references:
            reference = references[step[1] % len(references)]
            result = post_payment(
                creditor, pay(account, reference, "1.00"), source=BANK
            )
            assert not result.applied
            assert len(result.duplicates) == 1
        elif step[0] == "reverse" and references:
            payment = Payment.objects.get(
                account=account, reference=references[step[1] % len(references)]
            )
            if payment.status == PaymentStatus.REVERSED:
                with pytest.raises(ValidationError):
                    reverse_payment(payment, on=D(2025, 4, 30), reason="x")
            else:
                reverse_payment(payment, on=D(2025, 4, 30), reason="x")
        elif step[0] == "discount":
            owed = sum(max(v, Decimal("0.00")) for v in _open(account).values())
            amount = min(step[1], owed)
            if amount > 0:
                entries = credit_off(
                    account,
                    kind=EntryKind.DISCOUNT,
                    on=D(2025, 4, 30),
                    reason="quita",
                    amount=amount,
                )
                # Never more than was open of any part, never more in all.
                assert -sum(entry.amount for entry in entries) == amount
                discounted += amount
        elif step[0] == "statement":
            # The creditor's next statement charges new fees: the balance
            # update posts the difference.
            owed_capital, owed_interest, owed_fees = columns(account)
            stated = f"{number};{owed_capital};{owed_interest};{owed_fees + step[1]};"
            stated += f"{D(2025, 5, 1) + datetime.timedelta(days=position):%d/%m/%Y}\n"
            job = import_file(
                statements,
                "cuenta;capital;intereses;gastos;fecha\n" + stated.replace(".", ","),
                name=f"saldos-{number}-{position}.csv",
            )
            assert job.rows_updated == 1, job.message
            charged += step[1]

    assert columns(account) == _ledger_columns(account)
    # Only capital goes below zero: a credit left over (saldo a favor).
    assert all(
        value >= 0
        for component, value in _open(account).items()
        if component != "capital"
    )
    if connection.vendor == "postgresql":
        # SQLite sums decimals as floats, so disagreements() there can see
        # 0.060000000000000005 against 0.06; the check above is exact.
        assert not disagreements(Account.objects.filter(pk=account.pk)).exists()
    assert Payment.objects.filter(account=account).count() == len(references)
    applied = Payment.objects.filter(account=account, status=PaymentStatus.APPLIED)
    total_paid = sum((p.amount for p in applied), Decimal("0.00"))
    opened = fees + penalty + interest + capital
    opened += (interest * Decimal("0.21")).quantize(Decimal("0.01"))
    account.refresh_from_db()
    assert (
        account.capital + account.interest + account.fees
        == opened + charged - total_paid - discounted
    )


def _ledger_columns(account):
    sums = dict.fromkeys(("capital", "interest", "fees"), Decimal("0.00"))
    for component, amount in account.ledger.values_list("component", "amount"):
        sums[ACCOUNT_COLUMN[component]] += amount
    return (sums["capital"], sums["interest"], sums["fees"])


def _open(account):
    sums = {}
    for component, amount in account.ledger.values_list("component", "amount"):
        sums[component] = sums.get(component, Decimal("0.00")) + amount
    return sums


def _check_allocation(payment, open_before):
    entries = list(payment.entries.values_list("component", "amount", "note"))
    allocated = {}
    for component, amount, note in entries:
        if note != "saldo a favor":
            allocated[component] = allocated.get(component, Decimal("0")) - amount
    assert all(amount > 0 for amount in allocated.values())
    assert sum(allocated.values(), Decimal("0.00")) + payment.credit == payment.amount
    for component, amount in allocated.items():
        assert amount <= max(Decimal("0.00"), open_before.get(component, 0))


def test_an_absurd_amount_or_a_future_date_is_refused_and_nothing_posted(creditor):
    account = open_account(creditor, capital="1000.00")

    with pytest.raises(ValidationError, match="pasa del máximo de un pago"):
        post_payment(creditor, pay(account, "X-1", "1000000000000.00"), source=BANK)
    with pytest.raises(ValidationError, match=r"fecha futura \(01/01/2099\)"):
        post_payment(
            creditor, pay(account, "X-2", "10.00", on=D(2099, 1, 1)), source=BANK
        )
    posted = post_payment(creditor, pay(account, "X-3", "10.00"), source=BANK)
    with pytest.raises(ValidationError, match="no puede tener fecha futura"):
        reverse_payment(posted.applied[0], on=D(2099, 1, 1), reason="x")

    assert Payment.objects.count() == 1
    assert columns(account) == (Decimal("990.00"), 0, 0)
