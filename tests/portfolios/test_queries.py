"""Accounts and balance per stage."""

import datetime
from decimal import Decimal

import pytest

from recupero.parties.models import Debtor
from recupero.portfolios.actions import create_creditor
from recupero.portfolios.cycle import run_cycle
from recupero.portfolios.models import Account, Portfolio
from recupero.portfolios.queries import stage_summary

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2025, 6, 30)


def add_account(creditor, number, days_late, capital, interest="0", fees="0"):
    portfolio, _ = Portfolio.objects.get_or_create(
        creditor=creditor, code="p", defaults={"name": "P", "placed_on": AS_OF}
    )
    debtor = Debtor.objects.create(
        identity_key=f"ext:{creditor.pk}:{number}", name="Deudor"
    )
    due = AS_OF - datetime.timedelta(days=days_late) if days_late else None
    return Account.objects.create(
        creditor=creditor,
        portfolio=portfolio,
        debtor=debtor,
        number=number,
        capital=Decimal(capital),
        interest=Decimal(interest),
        fees=Decimal(fees),
        due_date=due,
    )


def as_rows(summary):
    return [(t.stage, t.accounts, t.balance) for t in summary.stages]


def test_stage_summary_adds_cents_exactly():
    creditor = create_creditor(code="a", name="A")
    # 0.10 + 0.20 is not 0.30 in binary floating point.
    add_account(creditor, "1", 0, "0.10")
    add_account(creditor, "2", 0, "0.20")
    add_account(creditor, "3", 0, "1234567.89", interest="0.01", fees="-0.01")
    add_account(creditor, "4", 200, "-50.55")
    run_cycle(AS_OF)

    summary = stage_summary()

    assert summary.as_of == AS_OF
    assert as_rows(summary) == [
        ("activa", 3, Decimal("1234568.19")),
        ("mora_temprana", 0, Decimal("0.00")),
        ("mora_tardia", 0, Decimal("0.00")),
        ("prejudicial", 1, Decimal("-50.55")),
        ("judicial", 0, Decimal("0.00")),
    ]
    assert summary.balance == Decimal("1234517.64")


def test_stage_summary_sums_same_stage_across_creditors_or_filters_one():
    first = create_creditor(code="a", name="A")
    second = create_creditor(code="b", name="B")
    add_account(first, "1", 10, "100.00")
    add_account(second, "1", 20, "250.50")
    run_cycle(AS_OF)

    both = {row[0]: row[1:] for row in as_rows(stage_summary())}
    only_second = {row[0]: row[1:] for row in as_rows(stage_summary(creditor=second))}

    assert both["mora_temprana"] == (2, Decimal("350.50"))
    assert only_second["mora_temprana"] == (1, Decimal("250.50"))


def test_stage_summary_before_any_cycle_lists_accounts_without_stage():
    creditor = create_creditor(code="a", name="A")
    add_account(creditor, "1", 10, "100.00")

    summary = stage_summary()

    assert summary.as_of is None
    assert as_rows(summary)[-1] == ("sin_tramo", 1, Decimal("100.00"))
