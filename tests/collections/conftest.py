"""Accounts, debtors and agents for the collections tests.

Times are fixed: the activities of these tests happen on 10/03/2025 at
11:00 in Buenos Aires (14:00 UTC), a Monday, and the clock says so too (a
promise may not be dated before today).
"""

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from recupero.parties.models import ContactKind, ContactPoint, Debtor
from recupero.portfolios.models import Account, Creditor, Portfolio

NOW = datetime.datetime(2025, 3, 10, 14, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2025, 3, 10)


@pytest.fixture(autouse=True)
def _clock_at_now(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def agent(db):
    return get_user_model().objects.create_user(username="gestor1", password="x")


@pytest.fixture
def debtor(db) -> Debtor:
    return Debtor.objects.create(identity_key="20055361682", name="Juan Pérez")


@pytest.fixture
def make_account(creditor) -> Callable[..., Account]:
    """Return a maker of accounts of ``creditor`` (default debtor: a new one)."""

    def make(
        number: str,
        debtor: Debtor | None = None,
        balance: str = "1000.00",
        of: Creditor | None = None,
    ) -> Account:
        owner = of or creditor
        portfolio, _ = Portfolio.objects.get_or_create(
            creditor=owner,
            code="p1",
            defaults={"name": "P1", "placed_on": datetime.date(2025, 1, 1)},
        )
        if debtor is None:
            debtor = Debtor.objects.create(
                identity_key=f"ext:{owner.pk}:{number}", name=f"Deudor {number}"
            )
        return Account.objects.create(
            creditor=owner,
            portfolio=portfolio,
            debtor=debtor,
            number=number,
            capital=Decimal(balance),
        )

    return make


@pytest.fixture
def account(make_account, debtor) -> Account:
    return make_account("A-1", debtor)


@pytest.fixture
def phone(debtor) -> ContactPoint:
    return ContactPoint.objects.create(
        debtor=debtor, kind=ContactKind.PHONE, raw="11 2345-6789", value="+541123456789"
    )


@pytest.fixture
def email(debtor) -> ContactPoint:
    return ContactPoint.objects.create(
        debtor=debtor, kind=ContactKind.EMAIL, raw="juan@x.com", value="juan@x.com"
    )
