"""A small book of accounts for the screen tests, and an HTML table reader.

Two creditors (the suite's ``creditor`` and ``other_creditor``), two debtors
and three accounts whose amounts are chosen so that every formatted value
can be worked out by hand.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from html.parser import HTMLParser

from django.contrib.auth import get_user_model
from django.utils import timezone

from recupero.access.actions import ensure_default_profiles, set_membership
from recupero.access.models import ProfileKind
from recupero.parties.models import (
    ContactKind,
    ContactPoint,
    ContactStatus,
    Debtor,
    DebtorKind,
    IdentityStatus,
    PhoneType,
    RelatedPerson,
    Relation,
)
from recupero.portfolios.models import (
    Account,
    BalanceSnapshot,
    Creditor,
    CycleRun,
    Portfolio,
    Stage,
)

AS_OF = datetime.date(2025, 6, 30)
PASSWORD = "clave-de-prueba"


@dataclass
class Book:
    juan: Debtor
    gomez: Debtor
    cards: Portfolio
    loans: Portfolio
    card_juan: Account
    card_gomez: Account
    loan_juan: Account


def make_book(creditor: Creditor, other_creditor: Creditor) -> Book:
    cards = Portfolio.objects.create(
        creditor=creditor,
        code="tarjetas-2025",
        name="Tarjetas 2025",
        placed_on=datetime.date(2025, 6, 1),
    )
    loans = Portfolio.objects.create(
        creditor=other_creditor,
        code="prestamos",
        name="Préstamos personales",
        placed_on=datetime.date(2025, 5, 1),
    )
    juan = make_juan()
    gomez = Debtor.objects.create(
        identity_key=f"ext:{creditor.pk}:C-77",
        kind=DebtorKind.COMPANY,
        name="Gómez Hnos. S.A.",
        tax_id_as_written="30-1234",
        identity_status=IdentityStatus.INVALID,
        identity_issue="CUIT incompleto: tiene 6 dígitos",
    )
    card_juan = add_account(
        creditor,
        cards,
        juan,
        "A-0001",
        stage="mora_temprana",
        days=45,
        capital="1234567.89",
        interest="100.00",
        fees="10.50",
        product="Visa",
    )
    card_gomez = add_account(
        creditor, cards, gomez, "A-0002", stage="activa", days=0, capital="1000"
    )
    loan_juan = add_account(
        other_creditor,
        loans,
        juan,
        "S-9",
        stage="judicial",
        days=400,
        capital="5000.50",
        product="Préstamo",
        is_legal=True,
    )
    BalanceSnapshot.objects.bulk_create(
        [
            snapshot(card_juan, datetime.date(2025, 4, 30), "1100000.00"),
            snapshot(card_juan, datetime.date(2025, 6, 30), "1234567.89", "110.50"),
            snapshot(card_juan, datetime.date(2025, 5, 31), "1199900.00", "100.00"),
        ]
    )
    CycleRun.objects.create(as_of=AS_OF, finished_at=timezone.now(), accounts=3)
    return Book(juan, gomez, cards, loans, card_juan, card_gomez, loan_juan)


def make_agent(username: str = "gestora", profile: str = ProfileKind.BACK_OFFICE):
    """Return a user that may log in with ``PASSWORD``; no staff rights.

    The user is back office unless told otherwise: they see the whole book
    and may upload imports and edit import profiles.
    """
    ensure_default_profiles()
    user = get_user_model().objects.create_user(
        username, password=PASSWORD, first_name="Laura", last_name="Gestora"
    )
    set_membership(user, profile=profile)
    return user


def make_juan() -> Debtor:
    juan = Debtor.objects.create(
        identity_key="20123456786",
        name="Pérez, Juan",
        cuit="20123456786",
        dni="12345678",
        tax_id_as_written="20-12345678-6",
        identity_status=IdentityStatus.VALID,
    )
    phone = {"debtor": juan, "kind": ContactKind.PHONE}
    ContactPoint.objects.bulk_create(
        [
            ContactPoint(
                **phone,
                raw="011 15-2345-6789",
                value="+5491123456789",
                phone_type=PhoneType.MOBILE,
            ),
            ContactPoint(
                **phone,
                raw="(011) 4567-8901",
                value="+541145678901",
                phone_type=PhoneType.FIXED_LINE,
                status=ContactStatus.TO_REVIEW,
                issue="puede ser un celular sin el 9 (+5491145678901)",
            ),
            ContactPoint(
                **phone,
                raw="123",
                value="123",
                status=ContactStatus.INVALID,
                issue="demasiado corto",
            ),
            ContactPoint(
                debtor=juan,
                kind=ContactKind.EMAIL,
                raw="Juan.Perez@Example.com",
                value="juan.perez@example.com",
            ),
        ]
    )
    ana = RelatedPerson.objects.create(
        debtor=juan, relation=Relation.GUARANTOR, name="Pérez, Ana"
    )
    ContactPoint.objects.create(
        **phone,
        related_person=ana,
        raw="0351 423-4567",
        value="+543514234567",
        phone_type=PhoneType.FIXED_LINE,
    )
    return juan


def add_account(creditor, portfolio, debtor, number, *, stage, days, **amounts):
    fields = {key: Decimal(value) for key, value in amounts.items() if key in MONEY}
    other = {key: value for key, value in amounts.items() if key not in MONEY}
    return Account.objects.create(
        creditor=creditor,
        portfolio=portfolio,
        debtor=debtor,
        number=number,
        days_past_due=days,
        stage=Stage.objects.get(creditor=creditor, slug=stage),
        balance_as_of=AS_OF,
        **fields,
        **other,
    )


MONEY = ("capital", "interest", "fees")


def snapshot(account, as_of, capital, interest="0.00", fees="0.00"):
    capital, interest, fees = Decimal(capital), Decimal(interest), Decimal(fees)
    return BalanceSnapshot(
        account=account,
        as_of=as_of,
        capital=capital,
        interest=interest,
        fees=fees,
        balance=capital + interest + fees,
    )


class _TableReader(HTMLParser):
    def __init__(self, css_class: str) -> None:
        super().__init__()
        self.css_class = css_class
        self.depth = 0
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table" and (self.depth or self.css_class in classes):
            self.depth += 1
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag in {"td", "th"}:
            self.cell = []
        elif tag == "br" and self.cell is not None:
            self.cell.append(" ")

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
        elif self.depth and tag in {"td", "th"} and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_rows(response, css_class: str) -> list[list[str]]:
    """Return the text of each cell of each row of the tables of a class."""
    reader = _TableReader(css_class)
    reader.feed(response.content.decode())
    return reader.rows
