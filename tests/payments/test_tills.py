"""Tills: opening, taking payments, the count (arqueo) and closing."""

import importlib
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Sum

from recupero.access.models import AuditEvent, ProfileKind
from recupero.payments import posting, tills
from recupero.payments.ledger import disagreements
from recupero.payments.models import (
    Branch,
    LedgerEntry,
    Payment,
    PaymentMethod,
    PaymentSource,
    Receipt,
    Till,
    TillStatus,
)
from recupero.payments.receipts import paid_parts, receipt_pdf
from recupero.portfolios.models import Account
from tests.payments.pdfs import pdf_text
from tests.screens import make_agent, make_book

pytestmark = pytest.mark.django_db


def open_ledgers() -> None:
    """Open the ledgers of accounts written directly, as the migration does."""
    migration = importlib.import_module(
        "recupero.payments.migrations.0002_opening_entries"
    )
    migration.insert_opening_entries(connection)


@pytest.fixture
def book(creditor, other_creditor):
    book = make_book(creditor, other_creditor)
    open_ledgers()
    return book


@pytest.fixture
def branch(db) -> Branch:
    return Branch.objects.create(code="centro", name="Casa central", point_of_sale=1)


@pytest.fixture
def cashier(db):
    return make_agent("cajera", ProfileKind.CASHIER)


def test_open_till_starts_with_the_opening_cash(cashier, branch):
    till = tills.open_till(cashier, branch, Decimal("5000.00"))

    assert till.status == TillStatus.OPEN
    assert till.opening_cash == Decimal("5000.00")
    assert tills.get_open_till(cashier) == till
    assert AuditEvent.objects.filter(action="open_till", object_id=str(till.pk)).count()


def test_a_cashier_may_not_open_a_second_till(cashier, branch):
    tills.open_till(cashier, branch, Decimal("0.00"))
    other = Branch.objects.create(code="norte", name="Norte", point_of_sale=2)

    with pytest.raises(ValidationError) as refused:
        tills.open_till(cashier, other, Decimal("100.00"))

    assert refused.value.code == "already_open"
    assert Till.objects.filter(cashier=cashier).count() == 1


def test_open_till_refuses_negative_cash_and_closed_branches(cashier, branch):
    with pytest.raises(ValidationError) as negative:
        tills.open_till(cashier, branch, Decimal("-1.00"))
    branch.is_active = False
    branch.save()
    with pytest.raises(ValidationError) as inactive:
        tills.open_till(cashier, branch, Decimal("0.00"))

    assert negative.value.error_dict["opening_cash"][0].code == "negative"
    assert inactive.value.error_dict["branch"][0].code == "inactive"
    assert not Till.objects.exists()


def test_take_payment_posts_it_and_issues_its_receipt(cashier, branch, book):
    till = tills.open_till(cashier, branch, Decimal("0.00"))

    taken = tills.take_payment(
        till, book.card_gomez, Decimal("400.00"), PaymentMethod.CASH, reference="t1"
    )

    payment = taken.payment
    assert not taken.repeated
    assert (payment.source, payment.reference, payment.amount) == (
        PaymentSource.TILL,
        "t1",
        Decimal("400.00"),
    )
    assert (payment.till, payment.taken_by) == (till, cashier)
    assert (taken.receipt.branch, taken.receipt.number) == (branch, 1)
    book.card_gomez.refresh_from_db()
    assert book.card_gomez.capital == Decimal("600.00")
    assert not disagreements().exists()


def test_the_same_reference_twice_takes_the_money_once(cashier, branch, book):
    till = tills.open_till(cashier, branch, Decimal("0.00"))
    first = tills.take_payment(
        till, book.card_gomez, Decimal("400.00"), PaymentMethod.CASH, reference="t1"
    )

    again = tills.take_payment(
        till, book.card_gomez, Decimal("400.00"), PaymentMethod.CASH, reference="t1"
    )

    assert again.repeated
    assert again.receipt == first.receipt
    assert Payment.objects.count() == 1
    assert Receipt.objects.count() == 1
    book.card_gomez.refresh_from_db()
    assert book.card_gomez.capital == Decimal("600.00")


def test_a_reference_of_another_account_is_refused(cashier, branch, book):
    till = tills.open_till(cashier, branch, Decimal("0.00"))
    tills.take_payment(
        till, book.card_gomez, Decimal("400.00"), PaymentMethod.CASH, reference="t1"
    )

    with pytest.raises(ValidationError) as refused:
        tills.take_payment(
            till, book.card_juan, Decimal("50.00"), PaymentMethod.CASH, reference="t1"
        )

    assert refused.value.code == "reference_used"
    assert Payment.objects.count() == 1


def test_take_payment_refuses_bad_amounts_and_methods(cashier, branch, book):
    till = tills.open_till(cashier, branch, Decimal("0.00"))

    with pytest.raises(ValidationError) as refused:
        tills.take_payment(till, book.card_gomez, Decimal("0.00"), "bitcoin")

    errors = refused.value.error_dict
    assert errors["amount"][0].code == "not_positive"
    assert errors["method"][0].code == "method"
    assert not Payment.objects.exists()
    assert Branch.objects.get().last_receipt_number == 0


def test_a_payment_that_fails_after_numbering_burns_no_number(
    cashier, branch, book, monkeypatch
):
    till = tills.open_till(cashier, branch, Decimal("0.00"))

    def audit_down(*args, **kwargs):
        raise RuntimeError("the audit trail is down")

    with monkeypatch.context() as patched:
        patched.setattr(tills, "record_audit", audit_down)
        with pytest.raises(RuntimeError):
            tills.take_payment(
                till, book.card_gomez, Decimal("400.00"), PaymentMethod.CASH
            )
    taken = tills.take_payment(
        till, book.card_gomez, Decimal("400.00"), PaymentMethod.CASH
    )

    assert taken.receipt.number == 1
    assert Payment.objects.count() == 1
    book.card_gomez.refresh_from_db()
    assert book.card_gomez.capital == Decimal("600.00")


def test_the_count_of_a_till_worked_by_hand(cashier, branch, book):
    till = tills.open_till(cashier, branch, Decimal("5000.00"))
    take = tills.take_payment
    take(till, book.card_gomez, Decimal("1500.50"), PaymentMethod.CASH)
    take(till, book.card_juan, Decimal("2000.00"), PaymentMethod.TRANSFER)
    reversed_one = take(till, book.card_juan, Decimal("99.99"), PaymentMethod.CASH)
    take(till, book.card_juan, Decimal("300.25"), PaymentMethod.CASH)
    posting.reverse_payment(
        reversed_one.payment, on=reversed_one.payment.value_date, reason="error"
    )

    closed = tills.close_till(till, Decimal("6790.75"), "faltan diez pesos")

    # 5.000,00 opening + 1.500,50 + 300,25 in cash; the transfer is not in
    # the drawer and the reversed 99,99 was handed back.
    assert closed.expected_cash == Decimal("6800.75")
    assert closed.counted_cash == Decimal("6790.75")
    assert closed.difference == Decimal("-10.00")
    assert closed.status == TillStatus.CLOSED
    assert closed.closed_at is not None
    assert closed.note == "faltan diez pesos"
    assert tills.get_open_till(cashier) is None


def test_a_closed_till_takes_nothing_and_cannot_close_again(cashier, branch, book):
    till = tills.open_till(cashier, branch, Decimal("100.00"))
    tills.close_till(till, Decimal("100.00"))

    with pytest.raises(ValidationError) as take_refused:
        tills.take_payment(till, book.card_gomez, Decimal("10.00"), PaymentMethod.CASH)
    with pytest.raises(ValidationError) as close_refused:
        tills.close_till(till, Decimal("100.00"))

    assert take_refused.value.code == "closed"
    assert close_refused.value.code == "closed"
    assert not Payment.objects.exists()
    assert Branch.objects.get().last_receipt_number == 0


def test_after_closing_the_cashier_may_open_again(cashier, branch):
    till = tills.open_till(cashier, branch, Decimal("100.00"))
    tills.close_till(till, Decimal("100.00"))

    again = tills.open_till(cashier, branch, Decimal("50.00"))

    assert again != till
    assert Till.objects.get(pk=till.pk).difference == Decimal("0.00")


# -- many cashiers at once ----------------------------------------------------


def owed(account: Account) -> Decimal:
    return account.capital + account.interest + account.fees


THREADS = 8
PAYMENTS_EACH = 10


@pytest.mark.django_db(transaction=True)
def test_cashiers_taking_payments_at_once_get_every_number_once(
    creditor, other_creditor
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    book = make_book(creditor, other_creditor)
    open_ledgers()
    branch = Branch.objects.create(code="centro", name="Casa central", point_of_sale=7)
    cashiers = [make_agent(f"cajero{n}", ProfileKind.CASHIER) for n in range(THREADS)]
    opened = [tills.open_till(c, branch, Decimal("0.00")) for c in cashiers]
    # Both accounts of the creditor are paid by every thread, so the
    # account locks are contended as well as the branch's numbering.
    accounts = [book.card_gomez, book.card_juan]
    owed_before = {a.pk: owed(a) for a in accounts}
    start = threading.Barrier(THREADS)
    failures: list[BaseException] = []

    def work(till: Till) -> None:
        from django.db import connection as own

        start.wait()
        try:
            for n in range(PAYMENTS_EACH):
                tills.take_payment(
                    till, accounts[n % 2], Decimal("1.00"), PaymentMethod.CASH
                )
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)
        finally:
            own.close()

    threads = [threading.Thread(target=work, args=(t,)) for t in opened]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    total = THREADS * PAYMENTS_EACH
    assert failures == []
    numbers = sorted(Receipt.objects.values_list("number", flat=True))
    assert numbers == list(range(1, total + 1))
    assert Branch.objects.get(pk=branch.pk).last_receipt_number == total
    assert Payment.objects.count() == total
    paid = LedgerEntry.objects.filter(payment__isnull=False).aggregate(s=Sum("amount"))
    assert paid["s"] == -Decimal(total)
    half = Decimal(total // 2)
    for account in Account.objects.filter(pk__in=owed_before):
        assert owed(account) == owed_before[account.pk] - half
    assert not disagreements().exists()
    for till in opened:
        assert tills.expected_cash(till) == Decimal(PAYMENTS_EACH)


@pytest.mark.django_db(transaction=True)
def test_openings_sent_at_once_open_one_till(db):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    cashier = make_agent("cajera", ProfileKind.CASHIER)
    branch = Branch.objects.create(code="centro", name="Casa central", point_of_sale=1)
    start = threading.Barrier(4)
    outcomes: list[str] = []

    def attempt() -> None:
        from django.db import connection as own

        start.wait()
        try:
            tills.open_till(cashier, branch, Decimal("0.00"))
            outcomes.append("opened")
        except ValidationError as refused:
            outcomes.append(refused.code)
        finally:
            own.close()

    threads = [threading.Thread(target=attempt) for _n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["already_open"] * 3 + ["opened"]
    assert Till.objects.filter(cashier=cashier).count() == 1


def test_a_payment_over_the_debt_leaves_a_credit_shown_apart(cashier, branch, book):
    till = tills.open_till(cashier, branch, Decimal("0.00"))

    taken = tills.take_payment(
        till, book.card_gomez, Decimal("1200.00"), PaymentMethod.CASH
    )

    parts = [(part.component, part.amount) for part in paid_parts(taken.payment)]
    assert parts == [("capital", Decimal("1000.00"))]
    assert taken.payment.credit == Decimal("200.00")
    text = pdf_text(receipt_pdf(taken.receipt))
    assert "Saldo a favor" in text
    assert "$ 200,00" in text
    assert not disagreements().exists()


@pytest.mark.django_db(transaction=True)
def test_a_double_click_sent_at_once_takes_the_money_once(creditor, other_creditor):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    book = make_book(creditor, other_creditor)
    open_ledgers()
    branch = Branch.objects.create(code="centro", name="Casa central", point_of_sale=1)
    till = tills.open_till(
        make_agent("cajera", ProfileKind.CASHIER), branch, Decimal("0.00")
    )
    start = threading.Barrier(2)
    taken: list[tills.TakenPayment] = []

    def click() -> None:
        from django.db import connection as own

        start.wait()
        try:
            taken.append(
                tills.take_payment(
                    till,
                    book.card_gomez,
                    Decimal("100.00"),
                    PaymentMethod.CASH,
                    reference="el-mismo-formulario",
                )
            )
        finally:
            own.close()

    threads = [threading.Thread(target=click) for _n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(each.repeated for each in taken) == [False, True]
    assert taken[0].receipt.pk == taken[1].receipt.pk
    assert Payment.objects.count() == 1
    assert Account.objects.get(pk=book.card_gomez.pk).capital == Decimal("900.00")
