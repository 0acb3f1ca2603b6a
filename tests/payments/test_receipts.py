"""Receipts: numbered per branch with no gaps, and their PDF."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction

from recupero.access.models import ProfileKind
from recupero.payments.models import (
    Branch,
    Component,
    EntryKind,
    LedgerEntry,
    Payment,
    PaymentMethod,
    PaymentSource,
    Receipt,
)
from recupero.payments.receipts import (
    amount_in_words,
    issue_receipt,
    paid_parts,
    receipt_code,
    receipt_pdf,
)
from tests.payments.pdfs import pdf_text
from tests.screens import make_agent, make_book

pytestmark = pytest.mark.django_db

PAID_ON = datetime.date(2025, 7, 15)


@pytest.fixture
def book(creditor, other_creditor):
    return make_book(creditor, other_creditor)


@pytest.fixture
def branches(db) -> tuple[Branch, Branch]:
    return (
        Branch.objects.create(code="centro", name="Casa central", point_of_sale=1),
        Branch.objects.create(code="norte", name="Sucursal Norte", point_of_sale=2),
    )


def make_payment(account, reference: str, amount: str = "100.00", **more) -> Payment:
    return Payment.objects.create(
        creditor=account.creditor,
        account=account,
        source=PaymentSource.TILL,
        reference=reference,
        method=PaymentMethod.CASH,
        amount=Decimal(amount),
        value_date=PAID_ON,
        **more,
    )


def test_receipt_numbers_follow_each_other_per_branch(book, branches):
    centro, norte = branches

    numbers = [
        (receipt.branch.code, receipt.number)
        for receipt in (
            issue_receipt(make_payment(book.card_juan, "a"), centro),
            issue_receipt(make_payment(book.card_juan, "b"), centro),
            issue_receipt(make_payment(book.card_juan, "c"), norte),
            issue_receipt(make_payment(book.card_gomez, "d"), centro),
        )
    ]

    assert numbers == [("centro", 1), ("centro", 2), ("norte", 1), ("centro", 3)]
    centro.refresh_from_db()
    norte.refresh_from_db()
    assert (centro.last_receipt_number, norte.last_receipt_number) == (3, 1)


def test_a_payment_rolled_back_burns_no_number(book, branches):
    centro, _norte = branches
    issue_receipt(make_payment(book.card_juan, "a"), centro)

    def fail_after_numbering() -> None:
        with transaction.atomic():
            issue_receipt(make_payment(book.card_juan, "b"), centro)
            raise RuntimeError("the posting failed after the receipt was numbered")

    with pytest.raises(RuntimeError):
        fail_after_numbering()
    after = issue_receipt(make_payment(book.card_juan, "c"), centro)

    assert after.number == 2
    assert list(Receipt.objects.values_list("number", flat=True)) == [1, 2]
    assert not Payment.objects.filter(reference="b").exists()


def test_receipt_code_pads_point_of_sale_and_number(book, branches):
    centro, _norte = branches
    centro.last_receipt_number = 41
    centro.save()

    receipt = issue_receipt(make_payment(book.card_juan, "a"), centro)

    assert receipt_code(receipt) == "0001-00000042"


def test_paid_parts_come_from_the_payment_entries_without_the_credit(book, branches):
    payment = make_payment(book.card_gomez, "a", "1200.00", credit=Decimal("150.00"))
    entry = {
        "account": book.card_gomez,
        "value_date": PAID_ON,
        "kind": EntryKind.PAYMENT,
        "payment": payment,
    }
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(**entry, component=Component.FEES, amount=Decimal("-50.00")),
            LedgerEntry(**entry, component=Component.CAPITAL, amount=Decimal("-1000")),
            LedgerEntry(**entry, component=Component.CAPITAL, amount=Decimal("-150")),
        ]
    )

    parts = [(part.component, part.amount) for part in paid_parts(payment)]

    assert parts == [("capital", Decimal("1000.00")), ("fees", Decimal("50.00"))]


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("1234.56", "pesos mil doscientos treinta y cuatro con 56/100"),
        ("100.00", "pesos cien con 00/100"),
        ("21000.00", "pesos veintiún mil con 00/100"),
        ("1000000.00", "pesos un millón con 00/100"),
        ("2101016.05", "pesos dos millones ciento un mil dieciséis con 05/100"),
        ("0.99", "pesos cero con 99/100"),
    ],
)
def test_amount_in_words(amount, words):
    assert amount_in_words(Decimal(amount)) == words


def test_the_receipt_pdf_shows_number_amount_and_parties(book, branches):
    centro, _norte = branches
    centro.last_receipt_number = 41
    centro.save()
    cashier = make_agent("cajera", ProfileKind.CASHIER)
    payment = make_payment(book.card_juan, "a", "1234.56", taken_by=cashier)
    receipt = issue_receipt(payment, centro)

    text = pdf_text(receipt_pdf(receipt))

    for shown in (
        "Recibo N\xb0 0001-00000042",
        "$ 1.234,56",
        "mil doscientos treinta y cuatro con 56/100",
        "ACME Tarjetas",
        "P\xe9rez, Juan",
        "A-0001",
        "15/07/2025",
        "Laura Gestora",
        "Casa central",
    ):
        assert shown in text
