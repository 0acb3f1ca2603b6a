"""The cuenta corriente: every amount an import states is posted to the ledger,
and the account's amounts are the ledger's sums."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.db import connection

from recupero.payments.ledger import disagreements, statement
from recupero.payments.models import LedgerEntry
from recupero.payments.statements import statement_pdf
from recupero.portfolios.models import Account
from tests.payments.pdfs import pdf_text
from tests.screens import make_book

pytestmark = pytest.mark.django_db

D = datetime.date
HEADER = "cuenta;capital;intereses;gastos;fecha;titular\n"
MARCH = HEADER + (
    "1001;1.000,00;150,50;20,00;31/03/2025;ANA PAZ\n"
    "1002;500,00;0,00;0,00;31/03/2025;LUIS SOSA\n"
)
APRIL = HEADER + (
    "1001;1.000,00;180,75;0,00;30/04/2025;ANA PAZ\n"
    "1002;500,00;0,00;0,00;30/04/2025;LUIS SOSA\n"
)


@pytest.fixture
def profile(make_profile):
    return make_profile(
        account_number="cuenta",
        capital="capital",
        interest="intereses",
        fees="gastos",
        balance_as_of="fecha",
        debtor_name="titular",
    )


def entries() -> list[tuple]:
    return list(
        LedgerEntry.objects.order_by("account__number", "id").values_list(
            "account__number", "value_date", "kind", "component", "amount"
        )
    )


def test_a_new_account_opens_its_ledger_with_what_the_file_states(profile, import_file):
    job = import_file(profile, MARCH)

    assert entries() == [
        ("1001", D(2025, 3, 31), "opening", "capital", Decimal("1000.00")),
        ("1001", D(2025, 3, 31), "opening", "interest", Decimal("150.50")),
        ("1001", D(2025, 3, 31), "opening", "fees", Decimal("20.00")),
        ("1002", D(2025, 3, 31), "opening", "capital", Decimal("500.00")),
    ]
    assert set(LedgerEntry.objects.values_list("import_job", flat=True)) == {job.pk}
    assert not disagreements().exists()


def test_a_balance_update_posts_only_the_differences_with_its_file(
    profile, import_file
):
    import_file(profile, MARCH)

    april = import_file(profile, APRIL, name="abril.csv")

    updates = LedgerEntry.objects.filter(kind="balance_update")
    assert list(
        updates.order_by("id").values_list(
            "account__number", "value_date", "component", "amount", "import_job"
        )
    ) == [
        # 180,75 - 150,50 of interest; the 20,00 of fees written off.
        ("1001", D(2025, 4, 30), "interest", Decimal("30.25"), april.pk),
        ("1001", D(2025, 4, 30), "fees", Decimal("-20.00"), april.pk),
    ]
    assert Account.objects.get(number="1001").balance == Decimal("1180.75")
    assert not disagreements().exists()


def test_the_same_file_twice_posts_nothing_the_second_time(profile, import_file):
    import_file(profile, MARCH)
    before = entries()

    import_file(profile, MARCH)

    assert entries() == before


def test_an_older_statement_goes_to_the_history_not_to_the_ledger(profile, import_file):
    import_file(profile, APRIL)
    before = entries()

    import_file(profile, MARCH, name="marzo.csv")

    assert entries() == before
    assert Account.objects.get(number="1001").interest == Decimal("180.75")


def test_an_amount_changed_outside_the_ledger_is_found(profile, import_file):
    import_file(profile, MARCH)

    Account.objects.filter(number="1002").update(capital=Decimal("499.99"))

    found = disagreements().get()
    assert (found.number, found.capital, found.ledger_capital) == (
        "1002",
        Decimal("499.99"),
        Decimal("500.00"),
    )


def test_the_statement_lists_debits_and_credits_with_the_running_balance(
    profile, import_file
):
    import_file(profile, MARCH)
    import_file(profile, APRIL, name="abril.csv")

    account = Account.objects.get(number="1001")
    found = statement(account)

    assert [(line.debit, line.credit, line.balance) for line in found.lines] == [
        (Decimal("1000.00"), None, Decimal("1000.00")),
        (Decimal("150.50"), None, Decimal("1150.50")),
        (Decimal("20.00"), None, Decimal("1170.50")),
        (Decimal("30.25"), None, Decimal("1200.75")),
        (None, Decimal("20.00"), Decimal("1180.75")),
    ]
    assert (found.debits, found.credits) == (Decimal("1200.75"), Decimal("20.00"))
    assert found.balance == account.balance


def test_accounts_loaded_before_the_ledger_get_their_opening_entries(
    creditor, other_creditor
):
    book = make_book(creditor, other_creditor)
    LedgerEntry.objects.all().delete()
    migration = importlib.import_module(
        "recupero.payments.migrations.0002_opening_entries"
    )

    migration.insert_opening_entries(connection)

    assert not disagreements().exists()
    card = book.card_juan
    assert sorted(
        LedgerEntry.objects.filter(account=card).values_list("component", "amount")
    ) == sorted(
        (name, getattr(card, name))
        for name in ("capital", "interest", "fees")
        if getattr(card, name)
    )
    assert LedgerEntry.objects.filter(amount=0).count() == 0


def test_sums_that_floats_would_blur_still_agree(profile, import_file):
    # 0,10 + 0,20 - 0,30 is not 0 in binary floating point, which is how
    # SQLite adds decimals; the account owes 0,00 all the same.
    import_file(profile, HEADER + "1003;0,00;0,00;0,00;31/03/2025;EVA RUIZ\n")
    account = Account.objects.get(number="1003")
    for amount in ("0.10", "0.20", "-0.30"):
        LedgerEntry.objects.create(
            account=account,
            value_date=D(2025, 4, 1),
            kind="balance_update",
            component="capital",
            amount=Decimal(amount),
        )

    assert not disagreements().exists()


def test_the_statement_pdf_names_the_file_of_each_entry(profile, import_file):
    import_file(profile, MARCH, name="marzo.csv")
    import_file(profile, APRIL, name="actualizacion_de_saldos_abril_2025.csv")

    found = statement(Account.objects.get(number="1001"))
    text = pdf_text(statement_pdf(found, issued_on=D(2025, 5, 2)))

    assert "Origen" in text
    assert "marzo.csv" in text
    # A long name is shortened to its column.
    assert "actualizacion_de_sa..." in text
