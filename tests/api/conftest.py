"""Personas of the API tests: two creditors side by side and their callers.

``book`` is ``tests/screens.make_book`` plus a second portfolio of the first
creditor worked by another area, so that an agent of one area can be
refused an account of the other.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.test import Client

from recupero.access.actions import link_portfolio_to_area
from recupero.access.models import Area, ProfileKind
from recupero.api.actions import issue_integration_token, issue_token
from recupero.collections.actions import ensure_default_result_codes
from recupero.portfolios.models import Account, Portfolio
from tests.screens import Book, add_account, make_agent, make_book

# Tuesday 1 July 2025, 12:00 in Buenos Aires.
NOON = datetime.datetime(2025, 7, 1, 15, 0, tzinfo=datetime.UTC)
COLLECTIONS_WRITES = ("add_activity", "add_promise")


@dataclass
class ApiBook:
    book: Book
    recovery: Portfolio
    recovery_account: Account


@pytest.fixture(autouse=True)
def _frozen_noon():
    with time_machine.travel(NOON, tick=False):
        yield


@pytest.fixture
def api_book(creditor, other_creditor) -> ApiBook:
    ensure_default_result_codes()
    book = make_book(creditor, other_creditor)
    recovery = Portfolio.objects.create(
        creditor=creditor,
        code="recupero-sur",
        name="Recupero Sur",
        placed_on=datetime.date(2025, 6, 15),
    )
    account = add_account(
        creditor, recovery, book.gomez, "R-1", stage="activa", days=3, capital="42.10"
    )
    north = Area.objects.create(code="norte", name="Norte")
    south = Area.objects.create(code="sur", name="Sur")
    link_portfolio_to_area(book.cards, north)
    link_portfolio_to_area(recovery, south)
    return ApiBook(book, recovery, account)


def grant_collections_writes(user) -> None:
    """Give ``user`` the collections writes the default profiles may lack."""
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="collections", codename__in=COLLECTIONS_WRITES
        )
    )


def bearer(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


@pytest.fixture
def back_office(api_book):
    user = make_agent("oficina", ProfileKind.BACK_OFFICE)
    grant_collections_writes(user)
    return user


@pytest.fixture
def office_key(back_office) -> str:
    return issue_token(user=back_office, name="pruebas")[1]


@pytest.fixture
def office(office_key) -> Client:
    return bearer(office_key)


@pytest.fixture
def north_agent(api_book):
    user = make_agent("norte", ProfileKind.AGENT)
    from recupero.access.actions import set_membership

    set_membership(
        user, profile=ProfileKind.AGENT, areas=[Area.objects.get(code="norte")]
    )
    grant_collections_writes(user)
    return user


@pytest.fixture
def north(north_agent) -> Client:
    return bearer(issue_token(user=north_agent, name="norte")[1])


@pytest.fixture
def acme_integration(creditor, api_book) -> Client:
    """The first creditor's systems, through an integration token."""
    return bearer(issue_integration_token(creditor=creditor, name="ERP")[1])


@pytest.fixture
def globex_integration(other_creditor, api_book) -> Client:
    return bearer(issue_integration_token(creditor=other_creditor, name="ERP")[1])


@pytest.fixture
def globex_user(other_creditor, api_book):
    from recupero.access.actions import set_membership

    user = make_agent("globex", ProfileKind.AGENT)
    set_membership(user, profile=ProfileKind.CREDITOR, creditor=other_creditor)
    return user


def money(text: str) -> Decimal:
    return Decimal(text)
