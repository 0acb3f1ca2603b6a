"""Files imported again, updated, interrupted (case C05 and atomicity)."""

import datetime
from decimal import Decimal

import pytest

from recupero.parties.models import ContactPoint, Debtor
from recupero.portfolios.importing import loading, start_import
from recupero.portfolios.models import (
    Account,
    BalanceSnapshot,
    ImportIssue,
    ImportJob,
    ImportSeenKey,
    ImportStatus,
)

pytestmark = pytest.mark.django_db

D = datetime.date
HEADER = "cuenta;saldo;fecha;titular;tel\n"
MARCH = HEADER + (
    "1001;100,00;31/03/2025;ANA PAZ;011 4321-5678\n"
    "1002;200,00;31/03/2025;LUIS SOSA;\n"
    "1003;300,00;31/03/2025;EVA RUIZ;\n"
    "1004;400,00;31/03/2025;JUAN GIL;\n"
)


@pytest.fixture
def profile(make_profile):
    return make_profile(
        account_number="cuenta",
        balance="saldo",
        balance_as_of="fecha",
        debtor_name="titular",
        phone="tel",
    )


def state():
    """Everything an import writes, as plain values."""
    return (
        sorted(
            Account.objects.values_list(
                "number", "capital", "balance_as_of", "debtor__name", "updated_at"
            )
        ),
        sorted(
            BalanceSnapshot.objects.values_list("account__number", "as_of", "balance")
        ),
        sorted(Debtor.objects.values_list("identity_key", "name", "updated_at")),
        sorted(ContactPoint.objects.values_list("value", "updated_at")),
    )


def test_import_same_file_twice_is_duplicate_and_changes_nothing(profile, import_file):
    first = import_file(profile, MARCH)
    before = state()

    second = import_file(profile, MARCH, name="otra_copia.csv")

    assert second.status == ImportStatus.DUPLICATE
    assert second.duplicate_of == first
    assert f"n.º {first.pk}" in second.message
    assert "cartera.csv" in second.message
    assert (second.rows_read, second.issues.count()) == (0, 0)
    assert state() == before


def test_import_same_file_forced_finds_every_row_unchanged(profile, import_file):
    import_file(profile, MARCH)
    before = state()

    again = import_file(profile, MARCH, force=True)

    assert again.status == ImportStatus.DONE
    assert (again.rows_unchanged, again.rows_created, again.rows_updated) == (4, 0, 0)
    assert state() == before


def test_import_later_file_updates_balances_and_keeps_history(profile, import_file):
    import_file(profile, MARCH)
    april = HEADER + (
        "1001;90,00;30/04/2025;ANA PAZ;011 4321-5678\n"
        "1002;200,00;31/03/2025;LUIS SOSA;\n"
        "1003;0,00;30/04/2025;EVA RUIZ;\n"
        "1005;500,00;30/04/2025;RAUL DIAZ;\n"
    )

    job = import_file(profile, april, name="abril.csv")

    assert (job.rows_created, job.rows_updated, job.rows_unchanged) == (1, 2, 1)
    assert dict(Account.objects.values_list("number", "capital")) == {
        "1001": Decimal("90.00"),
        "1002": Decimal("200.00"),
        "1003": Decimal("0.00"),
        "1004": Decimal("400.00"),
        "1005": Decimal("500.00"),
    }
    history = sorted(
        BalanceSnapshot.objects.values_list("account__number", "as_of", "balance")
    )
    assert history == [
        ("1001", D(2025, 3, 31), Decimal("100.00")),
        ("1001", D(2025, 4, 30), Decimal("90.00")),
        ("1002", D(2025, 3, 31), Decimal("200.00")),
        ("1003", D(2025, 3, 31), Decimal("300.00")),
        ("1003", D(2025, 4, 30), Decimal("0.00")),
        ("1004", D(2025, 3, 31), Decimal("400.00")),
        ("1005", D(2025, 4, 30), Decimal("500.00")),
    ]
    assert ContactPoint.objects.count() == 1


def test_import_older_statement_only_adds_history(profile, import_file):
    import_file(profile, MARCH)
    february = HEADER + "1001;120,00;28/02/2025;ANA PAZ;\n"

    job = import_file(profile, february, name="febrero.csv")

    account = Account.objects.get(number="1001")
    assert (account.capital, account.balance_as_of) == (
        Decimal("100.00"),
        D(2025, 3, 31),
    )
    assert sorted(account.balance_history.values_list("as_of", "balance")) == [
        (D(2025, 2, 28), Decimal("120.00")),
        (D(2025, 3, 31), Decimal("100.00")),
    ]
    assert job.issues.get().code == "older_statement"


def test_import_repeated_account_in_one_chunk_names_first_line(profile, import_file):
    data = HEADER + "1001;100,00;31/03/2025;ANA;\n1001;110,00;31/03/2025;ANA;\n"

    job = import_file(profile, data)

    assert Account.objects.get().capital == Decimal("100.00")
    issue = job.issues.get()
    assert (issue.line, issue.code) == (3, "account_repeated")
    assert "ya figura en la línea 2" in issue.message
    assert not ImportSeenKey.objects.exists()


def test_import_balances_profile_only_updates_known_accounts(
    make_profile, profile, import_file
):
    import_file(profile, MARCH)
    balances = make_profile(
        "saldos",
        options={"kind": "balances"},
        account_number="cuenta",
        balance="saldo",
        balance_as_of="fecha",
    )
    data = "cuenta;saldo;fecha\n1001;80,00;15/04/2025\n9999;10,00;15/04/2025\n"

    job = import_file(balances, data, name="saldos.csv")

    assert Account.objects.get(number="1001").capital == Decimal("80.00")
    assert not Account.objects.filter(number="9999").exists()
    issue = job.issues.get()
    assert (issue.line, issue.code, issue.account_number) == (
        3,
        "account_unknown",
        "9999",
    )
    assert (job.rows_updated, job.rows_rejected) == (1, 1)


@pytest.mark.django_db(transaction=True)
def test_import_interrupted_keeps_whole_chunks_and_rerun_completes(
    profile, import_file, monkeypatch
):
    """An error in the second chunk leaves the first chunk whole."""
    real_write = loading.ChunkLoader._write_contacts
    calls = []

    def failing_second_chunk(self, *args):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disco lleno")
        return real_write(self, *args)

    monkeypatch.setattr(loading.ChunkLoader, "_write_contacts", failing_second_chunk)
    failed = import_file(profile, MARCH)

    assert failed.status == ImportStatus.FAILED
    assert "disco lleno" in failed.error
    assert "primeras 3 filas" in failed.error
    assert sorted(Account.objects.values_list("number", flat=True)) == [
        "1001",
        "1002",
        "1003",
    ]
    assert not ImportSeenKey.objects.exists()

    monkeypatch.setattr(loading.ChunkLoader, "_write_contacts", real_write)
    rerun = import_file(profile, MARCH)

    assert rerun.status == ImportStatus.DONE
    assert (rerun.rows_unchanged, rerun.rows_created) == (3, 1)
    assert Account.objects.count() == 4


def test_import_unreadable_file_changes_nothing(profile, import_file):
    import_file(profile, MARCH)
    before = (state(), ImportIssue.objects.count())
    garbage = bytes(range(256)) * 8

    job = import_file(profile, garbage, name="basura.csv")

    assert job.status == ImportStatus.FAILED
    assert job.error == (
        "basura.csv: no es un archivo de texto (CSV) ni una planilla XLSX"
    )
    assert (state(), ImportIssue.objects.count()) == before


def test_import_missing_mapped_column_changes_nothing(profile, import_file):
    data = "cuenta;importe;fecha;titular;tel\n1001;100,00;31/03/2025;ANA;\n"

    job = import_file(profile, data)

    assert job.status == ImportStatus.FAILED
    assert job.error.startswith("cartera.csv: falta la columna «saldo»")
    assert not Account.objects.exists()
    assert not ImportIssue.objects.exists()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "el archivo está vacío"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "XLS de Excel antiguo"),
        (b"PK\x03\x04 not a workbook", "no es una planilla XLSX válida"),
    ],
)
def test_import_file_that_is_no_table_fails(profile, import_file, data, reason):
    job = import_file(profile, data)

    assert job.status == ImportStatus.FAILED
    assert reason in job.error
    assert not Account.objects.exists()


def test_import_declared_encoding_that_does_not_fit_fails(make_profile, import_file):
    profile = make_profile(
        options={"encoding": "utf-8"}, account_number="cuenta", balance="saldo"
    )
    data = "cuenta;saldo\n1001;1,00\nÑ;2,00\n".encode("cp1252")

    job = import_file(profile, data)

    assert job.status == ImportStatus.FAILED
    assert "no se puede leer como utf-8" in job.error
    assert "0xD1" in job.error
    assert not Account.objects.exists()


def test_import_counters_and_bytes_follow_each_chunk(profile, import_file):
    seen = []

    def progress(job: ImportJob) -> None:
        seen.append((job.rows_read, job.bytes_read, job.status))

    job = import_file(profile, MARCH, progress=progress)

    size = len(MARCH.encode())
    assert [rows for rows, _bytes, _status in seen] == [3, 4, 4]
    assert seen[-1] == (4, size, ImportStatus.DONE)
    assert job.progress_percent == 100


def test_import_same_file_while_the_first_is_pending_is_duplicate(
    profile, tmp_path, monkeypatch
):
    # The first job waits for its task (never delivered here).
    monkeypatch.setattr("recupero.portfolios.tasks.run_import_job.delay", print)
    path = tmp_path / "cartera.csv"
    path.write_text(MARCH)
    first = start_import(creditor=profile.creditor, profile=profile, source=path)

    second = start_import(creditor=profile.creditor, profile=profile, source=path)

    assert first.status == ImportStatus.PENDING
    assert second.status == ImportStatus.DUPLICATE
    assert second.duplicate_of == first
    assert second.message.startswith(
        f"Este archivo ya se está importando en la importación n.º {first.pk}"
    )
    assert not Account.objects.exists()


def test_import_same_file_pending_under_another_profile_is_not_duplicate(
    profile, make_profile, tmp_path, monkeypatch
):
    monkeypatch.setattr("recupero.portfolios.tasks.run_import_job.delay", print)
    other = make_profile("otro", account_number="cuenta", balance="saldo")
    path = tmp_path / "cartera.csv"
    path.write_text(MARCH)
    start_import(creditor=profile.creditor, profile=profile, source=path)

    second = start_import(creditor=profile.creditor, profile=other, source=path)

    assert second.status == ImportStatus.PENDING
