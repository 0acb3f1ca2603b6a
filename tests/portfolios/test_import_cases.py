"""Cases C01, C02, C03 and the portfolio part of C05, as cases.md states them."""

import datetime
from decimal import Decimal

import pytest

from recupero.parties.models import Debtor
from recupero.portfolios.models import Account, ImportStatus

pytestmark = pytest.mark.django_db


def test_c01_decimal_comma_and_thousands_dot(make_profile, import_file):
    profile = make_profile(account_number="cuenta", balance="saldo")
    data = (
        "cuenta;saldo\n"
        "1001;1.234,56\n"
        "1002;980,00\n"
        "1003;12.500\n"
        "1004;1.000\n"
        "1005;25.00\n"
        "1006;12.06.1994\n"
    )

    job = import_file(profile, data, name="cartera.csv")

    assert dict(Account.objects.values_list("number", "capital")) == {
        "1001": Decimal("1234.56"),
        "1002": Decimal("980.00"),
        "1003": Decimal("12500.00"),
        "1004": Decimal("1000.00"),
    }
    assert (job.rows_accepted, job.rows_rejected) == (4, 2)
    rejected = list(job.issues.values_list("line", "column", "value", "severity"))
    assert rejected == [
        (6, "saldo", "25.00", "error"),
        (7, "saldo", "12.06.1994", "error"),
    ]
    assert not Account.objects.filter(
        capital__in=[Decimal("2500"), Decimal("12061994")]
    ).exists()


C02_ROWS = "cuenta;titular;saldo\r\n1001;NÚÑEZ, MARÍA;1.234,56\r\n"


@pytest.fixture
def named_profile(make_profile):
    return make_profile(account_number="cuenta", debtor_name="titular", balance="saldo")


def test_c02_windows_1252_wins_over_latin1(named_profile, import_file):
    data = (C02_ROWS + "1002;D’ANGELO, JOSÉ;980,00\r\n").encode("cp1252")
    assert b"\x92" in data  # the curly apostrophe as Excel writes it

    job = import_file(named_profile, data)

    assert job.detected["encoding"] == "cp1252"
    names = sorted(Debtor.objects.values_list("name", flat=True))
    assert names == ["D\u2019ANGELO, JOSÉ", "NÚÑEZ, MARÍA"]
    assert not Debtor.objects.filter(name__contains="Ã").exists()
    assert not Debtor.objects.filter(name__contains="\x92").exists()


def test_c02_utf8_bom_header_is_recognised(named_profile, import_file):
    data = b"\xef\xbb\xbf" + C02_ROWS.encode("utf-8")

    job = import_file(named_profile, data)

    assert job.status == ImportStatus.DONE
    assert job.detected["headers"] == ["cuenta", "titular", "saldo"]
    assert Debtor.objects.get().name == "NÚÑEZ, MARÍA"


def test_c03_dates_read_with_declared_day_first_format(make_profile, import_file):
    profile = make_profile(
        options={"date_format": "dd/mm/aaaa"}, account_number="cuenta", due_date="vto"
    )
    data = "cuenta;vto\n2001;10/09/2024\n2002;05/10/2024\n2003;01/02/2025\n"

    job = import_file(profile, data, name="vencimientos.csv")

    assert job.rows_created == 3
    assert dict(Account.objects.values_list("number", "due_date")) == {
        "2001": datetime.date(2024, 9, 10),
        "2002": datetime.date(2024, 10, 5),
        "2003": datetime.date(2025, 2, 1),
    }


def test_c05_account_twice_in_portfolio_file_is_reported(make_profile, import_file):
    profile = make_profile(account_number="cuenta", balance="saldo")
    # With three rows a chunk in tests, line 5 is read in the second chunk.
    data = "cuenta;saldo\n1001;100,00\n1002;200,00\n1003;300,00\n1001;150,00\n"

    job = import_file(profile, data)

    assert Account.objects.get(number="1001").capital == Decimal("100.00")
    issue = job.issues.get()
    assert (issue.line, issue.severity, issue.code) == (5, "error", "account_repeated")
    assert issue.account_number == "1001"
    assert "línea 2" in issue.message
    assert (job.rows_created, job.rows_rejected) == (3, 1)
