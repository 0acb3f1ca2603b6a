"""A small world with two creditors, two areas and a user of each profile.

ACME (``creditor``) has two portfolios: cards, worked by area A, and loans,
worked by area B. Globex (``other_creditor``) has one portfolio of loans,
worked by area B too. Juan owes to both creditors; María only to ACME's
loans; Pedro only to Globex.

    account   creditor  portfolio      area  debtor
    A-CARD    ACME      acme-cards     A     Juan
    A-LOAN    ACME      acme-loans     B     María
    G-LOAN    Globex    globex-loans   B     Juan
    G-PEDRO   Globex    globex-loans   B     Pedro
"""

import datetime
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

from recupero.access.actions import (
    ensure_default_profiles,
    link_portfolio_to_area,
    set_membership,
)
from recupero.access.models import Area, ProfileKind
from recupero.parties.models import Debtor
from recupero.portfolios.models import Account, Creditor, Portfolio

PASSWORD = "clave-de-prueba"


@dataclass
class World:
    creditor: Creditor
    other_creditor: Creditor
    area_a: Area
    area_b: Area
    acme_cards: Portfolio
    acme_loans: Portfolio
    globex_loans: Portfolio
    juan: Debtor
    maria: Debtor
    pedro: Debtor
    a_card: Account
    a_loan: Account
    g_loan: Account
    g_pedro: Account


@dataclass
class Cast:
    agent_a: AbstractBaseUser
    agent_b: AbstractBaseUser
    supervisor_a: AbstractBaseUser
    cashier: AbstractBaseUser
    strategist: AbstractBaseUser
    back_office: AbstractBaseUser
    acme_user: AbstractBaseUser
    globex_user: AbstractBaseUser
    administrator: AbstractBaseUser
    newcomer: AbstractBaseUser
    superuser: AbstractBaseUser

    def by_name(self, name: str) -> AbstractBaseUser:
        return getattr(self, name)


def make_user(username: str, **fields) -> AbstractBaseUser:
    return get_user_model().objects.create_user(username, password=PASSWORD, **fields)


def _portfolio(creditor: Creditor, code: str) -> Portfolio:
    return Portfolio.objects.create(
        creditor=creditor, code=code, name=code, placed_on=datetime.date(2025, 6, 1)
    )


def _debtor(key: str, name: str) -> Debtor:
    return Debtor.objects.create(identity_key=key, name=name)


def _account(portfolio: Portfolio, debtor: Debtor, number: str) -> Account:
    return Account.objects.create(
        creditor=portfolio.creditor,
        portfolio=portfolio,
        debtor=debtor,
        number=number,
        capital="100.00",
    )


@pytest.fixture
def world(creditor, other_creditor) -> World:
    area_a = Area.objects.create(code="area-a", name="Área A")
    area_b = Area.objects.create(code="area-b", name="Área B")
    acme_cards = _portfolio(creditor, "acme-cards")
    acme_loans = _portfolio(creditor, "acme-loans")
    globex_loans = _portfolio(other_creditor, "globex-loans")
    link_portfolio_to_area(acme_cards, area_a)
    link_portfolio_to_area(acme_loans, area_b)
    link_portfolio_to_area(globex_loans, area_b)
    juan = _debtor("20123456786", "Pérez, Juan")
    maria = _debtor("27111111113", "Gómez, María")
    pedro = _debtor("20222222223", "López, Pedro")
    return World(
        creditor,
        other_creditor,
        area_a,
        area_b,
        acme_cards,
        acme_loans,
        globex_loans,
        juan,
        maria,
        pedro,
        a_card=_account(acme_cards, juan, "A-CARD"),
        a_loan=_account(acme_loans, maria, "A-LOAN"),
        g_loan=_account(globex_loans, juan, "G-LOAN"),
        g_pedro=_account(globex_loans, pedro, "G-PEDRO"),
    )


def _member(username: str, profile: ProfileKind, **limits) -> AbstractBaseUser:
    user = make_user(username)
    set_membership(user, profile=profile, **limits)
    return user


@pytest.fixture
def cast(world) -> Cast:
    ensure_default_profiles()
    return Cast(
        agent_a=_member("gestor-a", ProfileKind.AGENT, areas=[world.area_a]),
        agent_b=_member("gestor-b", ProfileKind.AGENT, areas=[world.area_b]),
        supervisor_a=_member(
            "supervisora-a", ProfileKind.SUPERVISOR, areas=[world.area_a]
        ),
        cashier=_member("cajero", ProfileKind.CASHIER),
        strategist=_member("estrategia", ProfileKind.STRATEGY_MANAGER),
        back_office=_member("backoffice", ProfileKind.BACK_OFFICE),
        acme_user=_member("acme", ProfileKind.CREDITOR, creditor=world.creditor),
        globex_user=_member(
            "globex", ProfileKind.CREDITOR, creditor=world.other_creditor
        ),
        administrator=_member("administradora", ProfileKind.ADMINISTRATOR),
        newcomer=make_user("sin-perfil"),
        superuser=get_user_model().objects.create_superuser("root", password=PASSWORD),
    )
