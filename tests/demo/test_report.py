"""``recupero report stages``: accounts and balance per stage, JSON or table."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from recupero.parties.models import Debtor
from recupero.portfolios.actions import create_creditor
from recupero.portfolios.cycle import run_cycle
from recupero.portfolios.models import Account, Portfolio

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2005, 9, 30)


def add_account(creditor, number, days_late, capital, interest="0.00"):
    portfolio, _ = Portfolio.objects.get_or_create(
        creditor=creditor, code="p", defaults={"name": "P", "placed_on": AS_OF}
    )
    debtor = Debtor.objects.create(
        identity_key=f"ext:{creditor.pk}:{number}", name=f"Deudor {number}"
    )
    due = AS_OF - datetime.timedelta(days=days_late) if days_late else None
    return Account.objects.create(
        creditor=creditor,
        portfolio=portfolio,
        debtor=debtor,
        number=number,
        capital=Decimal(capital),
        interest=Decimal(interest),
        due_date=due,
    )


def report(*args):
    out = io.StringIO()
    call_command("report", "stages", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def two_creditors():
    bank = create_creditor(code="banco", name="Banco")
    shop = create_creditor(code="tienda", name="Tienda")
    add_account(bank, "1", 0, "1234567.89")
    add_account(bank, "2", 0, "0.10", interest="0.20")
    add_account(bank, "3", 60, "-109.00")
    add_account(bank, "4", 400, "50.00")
    add_account(shop, "1", 30, "1000.00")
    run_cycle(AS_OF)
    return bank, shop


def test_report_stages_json_lists_every_stage_in_order_with_two_decimals(
    two_creditors,
):
    printed = json.loads(report("--format", "json"))

    assert printed == {
        "as_of": "2005-09-30",
        "stages": [
            {"stage": "activa", "accounts": 2, "balance": "1234568.19"},
            {"stage": "mora_temprana", "accounts": 2, "balance": "891.00"},
            {"stage": "mora_tardia", "accounts": 0, "balance": "0.00"},
            {"stage": "prejudicial", "accounts": 0, "balance": "0.00"},
            {"stage": "judicial", "accounts": 1, "balance": "50.00"},
        ],
    }


def test_report_stages_for_one_creditor_leaves_the_others_out(two_creditors):
    printed = json.loads(report("--format", "json", "--creditor", "tienda"))

    assert [row["accounts"] for row in printed["stages"]] == [0, 1, 0, 0, 0]
    assert printed["stages"][1]["balance"] == "1000.00"


def test_report_stages_table_writes_amounts_the_argentine_way(two_creditors):
    printed = report()

    assert "Cuentas por tramo al 30/09/2005" in printed
    assert "$ 1.234.568,19" in printed
    assert "Mora temprana" in printed
    assert "$ 891,00" in printed
    assert "$ 1.235.509,19" in printed  # the total of the five accounts


def test_report_stages_before_any_cycle_has_no_date():
    creditor = create_creditor(code="banco", name="Banco")
    add_account(creditor, "1", 0, "10.00")

    printed = json.loads(report("--format", "json"))

    assert printed["as_of"] is None
    assert printed["stages"][-1] == {
        "stage": "sin_tramo",
        "accounts": 1,
        "balance": "10.00",
    }


def test_report_stages_unknown_creditor_is_an_error():
    with pytest.raises(CommandError, match="nada"):
        report("--creditor", "nada")
