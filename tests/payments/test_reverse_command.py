"""``recupero reverse_payment``: a bounced cheque from the command line."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from recupero.payments.models import PaymentSource, PaymentStatus
from recupero.payments.posting import post_payment
from tests.payments.test_posting import columns, open_account, pay

pytestmark = pytest.mark.django_db


def reverse(*args: str) -> str:
    out = StringIO()
    call_command("reverse_payment", *args, stdout=out)
    return out.getvalue()


def test_a_bounced_cheque_is_reversed_and_the_debt_reopens(creditor):
    account = open_account(creditor, capital="1000.00")
    posted = post_payment(
        creditor,
        pay(account, "CH-77", "400.00", method="cheque"),
        source=PaymentSource.TILL,
    )
    payment = posted.applied[0]
    assert columns(account) == (Decimal("600.00"), 0, 0)

    printed = reverse(
        f"--creditor={creditor.code}",
        "--source=till",
        "--reference=CH-77",
        "--reason=cheque rechazado",
        "--on=12/03/2025",
    )

    assert printed == (
        "Pago CH-77 revertido al 12/03/2025: 1 movimiento contrario. "
        "Saldo de la cuenta 1001: $ 1.000,00.\n"
    )
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REVERSED
    assert payment.reversed_on == datetime.date(2025, 3, 12)
    assert columns(account) == (Decimal("1000.00"), 0, 0)


def test_an_unknown_payment_or_a_second_reversal_is_refused(creditor):
    account = open_account(creditor, capital="1000.00")
    post_payment(creditor, pay(account, "T-1", "400.00"), source=PaymentSource.TILL)
    args = [f"--creditor={creditor.code}", "--source=till", "--reason=contracargo"]

    with pytest.raises(CommandError, match="no tiene un pago 'T-9'"):
        reverse(*args, "--reference=T-9")
    reverse(*args, "--reference=T-1", "--on=10/03/2025")
    with pytest.raises(CommandError, match="ya"):
        reverse(*args, "--reference=T-1", "--on=10/03/2025")
