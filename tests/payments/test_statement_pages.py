"""The statement of account on screen and as a PDF, for those who see the
account and no one else."""

import datetime
import importlib

import pytest
import time_machine
from django.db import connection

from recupero.access.actions import set_membership
from recupero.access.models import AuditEvent, ProfileKind
from tests.payments.pdfs import pdf_text
from tests.screens import make_agent, make_book, table_rows

pytestmark = pytest.mark.django_db

# 10:00 in Buenos Aires on 15/07/2025.
MORNING = datetime.datetime(2025, 7, 15, 13, 0, tzinfo=datetime.UTC)


@pytest.fixture
def book(creditor, other_creditor):
    book = make_book(creditor, other_creditor)
    # The book's accounts are written directly, as before the ledger; the
    # migration's step opens their ledgers.
    migration = importlib.import_module(
        "recupero.payments.migrations.0002_opening_entries"
    )
    migration.insert_opening_entries(connection)
    return book


def test_the_statement_lists_each_entry_and_sums_to_the_balance(client, book):
    client.force_login(make_agent())
    account = book.card_juan

    response = client.get(f"/cuenta-corriente/{account.pk}/")

    assert response.status_code == 200
    assert table_rows(response, "ledger") == [
        ["Fecha valor", "Concepto", "Origen", "Débito", "Crédito", "Saldo"],
        [
            "30/06/2025",
            "Saldo inicial · Capital",
            "",
            "$ 1.234.567,89",
            "",
            "$ 1.234.567,89",
        ],
        [
            "30/06/2025",
            "Saldo inicial · Intereses",
            "",
            "$ 100,00",
            "",
            "$ 1.234.667,89",
        ],
        ["30/06/2025", "Saldo inicial · Gastos", "", "$ 10,50", "", "$ 1.234.678,39"],
        ["Totales", "$ 1.234.678,39", "$ 0,00", "$ 1.234.678,39"],
    ]
    assert AuditEvent.objects.filter(
        action="read", object_id=str(account.debtor_id)
    ).exists()


def test_another_creditors_user_cannot_read_the_statement(client, book, other_creditor):
    user = make_agent("globex", ProfileKind.AGENT)
    set_membership(user, profile=ProfileKind.CREDITOR, creditor=other_creditor)
    client.force_login(user)

    assert client.get(f"/cuenta-corriente/{book.card_juan.pk}/").status_code == 404
    assert client.get(f"/cuenta-corriente/{book.card_juan.pk}/pdf/").status_code == 404
    assert client.get(f"/cuenta-corriente/{book.loan_juan.pk}/").status_code == 200


def test_the_statement_as_pdf(client, book):
    client.force_login(make_agent())
    account = book.card_juan

    with time_machine.travel(MORNING, tick=False):
        response = client.get(f"/cuenta-corriente/{account.pk}/pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="estado-de-cuenta-A-0001-20250715.pdf"'
    )
    text = pdf_text(response.content)
    for shown in (
        "Estado de cuenta",
        "Pérez, Juan",
        "A-0001",
        "15/07/2025",
        "Saldo inicial · Intereses",
        "$ 1.234.678,39",
    ):
        assert shown in text
