"""A small book worked by two areas, for the console tests.

Area "tarjetas" works portfolio CARDS of ACME; area "prestamos" works LOANS.
Agents ana and beto are in "tarjetas", carla in "prestamos". Every account
has a different stage, days past due or balance, so the queue's order can
be written down by hand.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from recupero.access.actions import (
    ensure_default_profiles,
    link_portfolio_to_area,
    set_membership,
)
from recupero.access.models import Area, ProfileKind
from recupero.collections.actions import ensure_default_result_codes
from recupero.parties.models import ContactKind, ContactPoint, Debtor
from recupero.portfolios.models import Account, Portfolio, Stage

# 10/03/2025 at 11:00 in Buenos Aires, a Monday.
NOW = datetime.datetime(2025, 3, 10, 14, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2025, 3, 10)
PASSWORD = "clave-de-prueba"


@dataclass
class Floor:
    cards_area: Area
    loans_area: Area
    ana: object
    beto: object
    carla: object
    cards: Portfolio
    loans: Portfolio
    accounts: dict[str, Account]


# number: (portfolio, stage, days past due, capital)
ACCOUNTS = {
    "T-1": ("cards", "mora_temprana", 30, "5000.00"),
    "T-2": ("cards", "mora_tardia", 120, "1800.00"),
    "T-3": ("cards", "mora_temprana", 30, "9000.00"),
    "T-4": ("cards", "mora_temprana", 60, "3000.00"),
    "T-5": ("cards", "activa", 0, "0.00"),
    "L-1": ("loans", "prejudicial", 200, "20000.00"),
}


def make_user(username: str, profile: str, areas=(), creditor=None, **names):
    user = get_user_model().objects.create_user(username, password=PASSWORD, **names)
    set_membership(user, profile=profile, areas=areas, creditor=creditor)
    return user


@pytest.fixture
def floor(creditor, other_creditor) -> Floor:
    ensure_default_profiles()
    ensure_default_result_codes()
    cards_area = Area.objects.create(code="tarjetas", name="Tarjetas")
    loans_area = Area.objects.create(code="prestamos", name="Préstamos")
    cards = Portfolio.objects.create(
        creditor=creditor, code="cards", name="Tarjetas", placed_on=TODAY
    )
    loans = Portfolio.objects.create(
        creditor=other_creditor, code="loans", name="Préstamos", placed_on=TODAY
    )
    link_portfolio_to_area(cards, cards_area)
    link_portfolio_to_area(loans, loans_area)
    portfolios = {"cards": cards, "loans": loans}

    accounts = {}
    for number, (portfolio_code, stage, days, capital) in ACCOUNTS.items():
        portfolio = portfolios[portfolio_code]
        debtor = Debtor.objects.create(
            identity_key=f"ext:{number}", name=f"Deudor {number}"
        )
        ContactPoint.objects.create(
            debtor=debtor,
            kind=ContactKind.PHONE,
            raw="11 2345-6789",
            value="+5491123456789",
        )
        accounts[number] = Account.objects.create(
            creditor=portfolio.creditor,
            portfolio=portfolio,
            debtor=debtor,
            number=number,
            days_past_due=days,
            stage=Stage.objects.get(creditor=portfolio.creditor, slug=stage),
            capital=Decimal(capital),
        )
    return Floor(
        cards_area=cards_area,
        loans_area=loans_area,
        ana=make_user("ana", ProfileKind.AGENT, [cards_area], first_name="Ana"),
        beto=make_user("beto", ProfileKind.AGENT, [cards_area], first_name="Beto"),
        carla=make_user("carla", ProfileKind.AGENT, [loans_area], first_name="Carla"),
        cards=cards,
        loans=loans,
        accounts=accounts,
    )
