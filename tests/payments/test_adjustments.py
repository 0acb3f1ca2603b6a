"""Discounts and write-offs: credits that are not payments."""

import datetime
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from recupero.collections.actions import get_account_state
from recupero.payments.adjustments import credit_off
from recupero.payments.ledger import disagreements, statement
from recupero.payments.models import EntryKind, LedgerEntry
from tests.payments.test_posting import columns, open_account

pytestmark = pytest.mark.django_db

D = datetime.date


def test_a_discount_takes_fees_interest_and_capital_in_that_order(creditor):
    account = open_account(
        creditor,
        capital="1000.00",
        interest="200.00",
        interest_vat="42.00",
        fees="30.00",
    )

    entries = credit_off(
        account,
        kind=EntryKind.DISCOUNT,
        on=D(2025, 3, 12),
        reason="quita acordada",
        amount=Decimal("250.00"),
    )

    # 30,00 of fees, then the 200,00 of interest, then 20,00 of its IVA.
    assert [(e.component, e.amount) for e in entries] == [
        ("fees", Decimal("-30.00")),
        ("interest", Decimal("-200.00")),
        ("interest_vat", Decimal("-20.00")),
    ]
    assert columns(account) == (Decimal("1000.00"), Decimal("22.00"), Decimal("0.00"))
    assert statement(account).balance == Decimal("1022.00")
    assert not disagreements().exists()
    assert get_account_state(account) != "cancelada"


def test_a_write_off_of_everything_settles_the_account(creditor):
    account = open_account(creditor, capital="800.00", fees="15.50")

    credit_off(
        account, kind=EntryKind.WRITE_OFF, on=D(2025, 3, 12), reason="incobrable"
    )

    assert columns(account) == (0, 0, 0)
    assert get_account_state(account) == "cancelada"
    kinds = set(LedgerEntry.objects.filter(amount__lt=0).values_list("kind", flat=True))
    assert kinds == {"write_off"}


@pytest.mark.parametrize(
    ("amount", "reason", "message"),
    [
        (Decimal("815.51"), "x", "no puede pasar de lo que la cuenta debe, $ 815,50"),
        (Decimal("0"), "x", "debe ser positivo"),
        (Decimal("1.005"), "x", "en pesos y centavos"),
        (Decimal("10"), "  ", "Escribí el motivo."),
    ],
)
def test_a_bad_adjustment_is_refused_and_posts_nothing(
    creditor, amount, reason, message
):
    account = open_account(creditor, capital="800.00", fees="15.50")

    with pytest.raises(ValidationError, match=re.escape(message)):
        credit_off(
            account,
            kind=EntryKind.WRITE_OFF,
            on=D(2025, 3, 12),
            reason=reason,
            amount=amount,
        )
    assert not LedgerEntry.objects.filter(amount__lt=0).exists()


def test_the_command_writes_off_or_discounts_an_account(creditor):
    open_account(creditor, number="1001", capital="800.00")
    out = StringIO()

    call_command(
        "write_off",
        f"--creditor={creditor.code}",
        "--account=1001",
        "--amount=100,00",
        "--reason=quita",
        "--discount",
        "--on=12/03/2025",
        stdout=out,
    )
    call_command(
        "write_off",
        f"--creditor={creditor.code}",
        "--account=1001",
        "--reason=incobrable",
        "--on=13/03/2025",
        stdout=out,
    )

    assert out.getvalue() == (
        "Quita de $ 100,00 en la cuenta 1001 al 12/03/2025. Saldo: $ 700,00.\n"
        "Castigo de $ 700,00 en la cuenta 1001 al 13/03/2025. Saldo: $ 0,00.\n"
    )
    with pytest.raises(CommandError, match="no tiene la cuenta '9'"):
        call_command(
            "write_off", f"--creditor={creditor.code}", "--account=9", "--reason=x"
        )


def test_a_settled_account_or_a_future_date_is_refused(creditor):
    settled = open_account(creditor, number="1001", capital="0.00")
    owing = open_account(creditor, number="1002", capital="10.00")

    with pytest.raises(ValidationError, match="La cuenta no debe nada"):
        credit_off(settled, kind=EntryKind.WRITE_OFF, on=D(2025, 3, 12), reason="x")
    with pytest.raises(
        ValidationError, match=re.escape("no puede ser futura (31/12/2099)")
    ):
        credit_off(owing, kind=EntryKind.WRITE_OFF, on=D(2099, 12, 31), reason="x")
    assert not LedgerEntry.objects.filter(amount__lt=0).exists()
