"""Payment files through the import: once per reference, bad lines reported."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from recupero.payments.ledger import disagreements
from recupero.payments.models import EntryKind, LedgerEntry, Payment
from recupero.portfolios.models import (
    Account,
    ImportIssue,
    ImportStatus,
    IssueSeverity,
)

pytestmark = pytest.mark.django_db

D = datetime.date
BOOK = "cuenta;capital;fecha;titular\n" + "".join(
    f"{number};5.000,00;28/02/2025;DEUDOR {number}\n"
    for number in ("1001", "1002", "1003")
)
# Case C05: A2 and A3 are two real payments of the same amount the same day.
PAGOS_0311 = (
    "ref;cuenta;fecha;importe\n"
    "A1;1001;11/03/2025;500,00\n"
    "A2;1002;11/03/2025;300,00\n"
    "A3;1002;11/03/2025;300,00\n"
)
PAGOS_0312 = (
    "ref;cuenta;fecha;importe\n"
    "A2;1002;11/03/2025;300,00\n"
    "A3;1002;11/03/2025;300,00\n"
    "A4;1003;12/03/2025;750,00\n"
)


@pytest.fixture
def book(make_profile, import_file):
    profile = make_profile(
        account_number="cuenta",
        capital="capital",
        balance_as_of="fecha",
        debtor_name="titular",
    )
    import_file(profile, BOOK, name="cartera.csv")


@pytest.fixture
def payments_profile(make_profile, book):
    return make_profile(
        "pagos",
        options={"kind": "payments"},
        account_number="cuenta",
        amount="importe",
        value_date="fecha",
        reference="ref",
        payment_source={"value": "bank_file"},
    )


def issues(job):
    return list(
        ImportIssue.objects.filter(job=job).values_list(
            "line", "column", "field", "severity", "code"
        )
    )


def test_c05_overlapping_files_and_a_repeated_one_apply_each_payment_once(
    payments_profile, import_file
):
    first = import_file(payments_profile, PAGOS_0311, name="pagos_0311.csv")
    overlap = import_file(payments_profile, PAGOS_0312, name="pagos_0312.csv")
    again = import_file(payments_profile, PAGOS_0311, name="pagos_0311.csv")

    assert sorted(Payment.objects.values_list("reference", flat=True)) == [
        "A1",
        "A2",
        "A3",
        "A4",
    ]
    total = sum(Payment.objects.values_list("amount", flat=True), Decimal("0"))
    assert total == Decimal("1850.00")
    assert (first.rows_created, first.rows_unchanged) == (3, 0)
    assert (overlap.rows_created, overlap.rows_unchanged) == (1, 2)
    assert again.status == ImportStatus.DONE
    assert (again.rows_read, again.rows_created, again.rows_unchanged) == (3, 0, 3)
    assert "0 pagos aplicados, 3 ya importados" in again.message
    assert issues(again) == [
        (2, "ref", "reference", IssueSeverity.WARNING, "payment_duplicate"),
        (3, "ref", "reference", IssueSeverity.WARNING, "payment_duplicate"),
        (4, "ref", "reference", IssueSeverity.WARNING, "payment_duplicate"),
    ]
    assert not LedgerEntry.objects.filter(import_job=again).exists()
    balances = dict(Account.objects.values_list("number", "capital"))
    assert balances == {
        "1001": Decimal("4500.00"),
        "1002": Decimal("4400.00"),
        "1003": Decimal("4250.00"),
    }
    assert not disagreements().exists()


def test_the_payments_of_a_file_post_to_the_ledger_with_their_job(
    payments_profile, import_file
):
    job = import_file(payments_profile, PAGOS_0311, name="pagos_0311.csv")

    entries = LedgerEntry.objects.filter(import_job=job, kind=EntryKind.PAYMENT)
    assert sorted(entries.values_list("payment__reference", "amount")) == [
        ("A1", Decimal("-500.00")),
        ("A2", Decimal("-300.00")),
        ("A3", Decimal("-300.00")),
    ]
    assert set(Payment.objects.values_list("source", "method", "import_job")) == {
        ("bank_file", "transfer", job.pk)
    }
    assert job.message == (
        "3 filas leídas, 3 pagos aplicados, 0 ya importados, 0 rechazadas, "
        "0 con advertencias."
    )


def test_bad_lines_are_reported_and_the_good_ones_applied(
    payments_profile, import_file
):
    data = (
        "ref;cuenta;fecha;importe\n"
        "B1;1001;11/03/2025;100,00\n"  # good
        "B2;9999;11/03/2025;100,00\n"  # unknown account
        "B3;1001;11/03/2025;0,00\n"  # not positive
        "B4;1001;11/03/2025;-5,00\n"  # not positive
        "B5;1001;11/03/2025;cien\n"  # not a number
        "B6;1001;31/02/2025;100,00\n"  # no such day
        ";1001;11/03/2025;100,00\n"  # no reference
        "B8;1002;12/03/2025;200,00\n"  # good
        "B9;1002;12/03/2025;1.000.000.000.000,00\n"  # more than a payment can be
    )

    job = import_file(payments_profile, data, name="pagos_malos.csv")

    assert (job.rows_read, job.rows_created, job.rows_rejected) == (9, 2, 7)
    assert sorted(Payment.objects.values_list("reference", flat=True)) == [
        "B1",
        "B8",
    ]
    error = IssueSeverity.ERROR
    assert issues(job) == [
        (3, "cuenta", "account_number", error, "account_unknown"),
        (4, "importe", "amount", error, "amount_not_positive"),
        (5, "importe", "amount", error, "amount_not_positive"),
        (6, "importe", "amount", error, "amount_invalid"),
        (7, "fecha", "value_date", error, "date_invalid"),
        (8, "ref", "reference", error, "reference_missing"),
        (10, "importe", "amount", error, "amount_too_large"),
    ]
    messages = ImportIssue.objects.filter(job=job).values_list("message", flat=True)
    assert "la cuenta 9999 no existe" in messages[0]
    assert not disagreements().exists()


def test_a_reference_repeated_in_a_file_is_applied_once_and_reported(
    payments_profile, import_file
):
    data = (
        "ref;cuenta;fecha;importe\n"
        "C1;1001;11/03/2025;100,00\n"
        "C1;1001;11/03/2025;100,00\n"
    )

    job = import_file(payments_profile, data, name="pagos.csv")

    assert (job.rows_created, job.rows_unchanged) == (1, 1)
    (issue,) = ImportIssue.objects.filter(job=job)
    assert (issue.line, issue.severity) == (3, IssueSeverity.WARNING)
    assert "línea 2 de este archivo" in issue.message


def test_a_method_column_is_read_in_spanish(make_profile, book, import_file):
    profile = make_profile(
        "pagos",
        options={"kind": "payments"},
        account_number="cuenta",
        amount="importe",
        value_date="fecha",
        reference="ref",
        method="medio",
    )
    data = (
        "ref;cuenta;fecha;importe;medio\n"
        "M1;1001;11/03/2025;10,00;Efectivo\n"
        "M2;1001;11/03/2025;10,00;trueque\n"
    )

    job = import_file(profile, data, name="pagos.csv")

    methods = dict(Payment.objects.values_list("reference", "method"))
    assert methods == {"M1": "cash", "M2": "transfer"}
    assert Payment.objects.filter(source="creditor_file").count() == 2
    assert issues(job) == [
        (3, "medio", "method", IssueSeverity.WARNING, "method_unknown")
    ]


def test_c05_without_references_the_key_counts_alike_payments_in_the_file(
    make_profile, book, import_file
):
    profile = make_profile(
        "pagos sin referencia",
        options={"kind": "payments"},
        account_number="cuenta",
        amount="importe",
        value_date="fecha",
    )
    without_ref = [
        "\n".join(line.split(";", 1)[1] for line in data.splitlines()) + "\n"
        for data in (PAGOS_0311, PAGOS_0312)
    ]

    import_file(profile, without_ref[0], name="pagos_0311.csv")
    import_file(profile, without_ref[1], name="pagos_0312.csv")
    again = import_file(profile, without_ref[0], name="pagos_0311.csv")

    assert sorted(Payment.objects.values_list("reference", flat=True)) == [
        "1001/20250311/500.00/1",
        "1002/20250311/300.00/1",
        "1002/20250311/300.00/2",
        "1003/20250312/750.00/1",
    ]
    total = sum(Payment.objects.values_list("amount", flat=True), Decimal("0"))
    assert total == Decimal("1850.00")
    assert (again.rows_created, again.rows_unchanged) == (0, 3)


def test_a_payment_profile_must_map_the_amount(make_profile, import_file):
    profile = make_profile(
        "pagos",
        options={"kind": "payments"},
        account_number="cuenta",
        value_date="fecha",
        reference="ref",
    )

    job = import_file(profile, PAGOS_0311, name="pagos.csv")

    assert job.status == ImportStatus.FAILED
    assert "falta: amount" in job.error


def test_the_import_command_reports_payments_as_payments(
    payments_profile, creditor, tmp_path
):
    path = tmp_path / "pagos_0311.csv"
    path.write_text(PAGOS_0311)
    out = StringIO()

    call_command(
        "import", str(path), creditor=creditor.code, profile="pagos", stdout=out
    )

    printed = out.getvalue()
    assert "  Pagos aplicados:             3\n" in printed
    assert "Cuentas nuevas" not in printed
