"""Every way a creditor file arrives: encodings, delimiters, dates, XLSX."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from recupero.parties.models import Debtor
from recupero.portfolios.models import Account, ImportIssue, ImportStatus

pytestmark = pytest.mark.django_db

D = datetime.date


def balances():
    return dict(Account.objects.values_list("number", "capital"))


def names():
    return dict(Account.objects.values_list("number", "debtor__name"))


@pytest.fixture
def profile(make_profile):
    return make_profile(account_number="cuenta", balance="saldo", debtor_name="titular")


def test_import_utf8_with_commas_reads_names_and_amounts(profile, import_file):
    data = 'cuenta,titular,saldo\n1001,"PÉREZ, ANA","1.234,56"\n1002,GÓMEZ LUIS,980\n'

    job = import_file(profile, data.encode("utf-8"))

    assert job.status == ImportStatus.DONE
    assert job.detected["encoding"] == "utf-8"
    assert job.detected["delimiter"] == ","
    assert names() == {"1001": "PÉREZ, ANA", "1002": "GÓMEZ LUIS"}
    assert balances() == {"1001": Decimal("1234.56"), "1002": Decimal("980.00")}


def test_import_utf8_bom_strips_bom_from_first_header(profile, import_file):
    data = "cuenta;titular;saldo\r\n1001;NÚÑEZ, MARÍA;1.234,56\r\n"

    job = import_file(profile, b"\xef\xbb\xbf" + data.encode("utf-8"))

    assert job.status == ImportStatus.DONE
    assert job.detected["encoding"] == "utf-8-sig"
    assert job.detected["headers"][0] == "cuenta"
    assert names() == {"1001": "NÚÑEZ, MARÍA"}


def test_import_latin1_only_when_cp1252_has_undefined_bytes(profile, import_file):
    # 0x81 is undefined in Windows-1252, so the file can only be Latin-1;
    # 0xD1 is Ñ in both.
    data = b"cuenta;titular;saldo\n1001;MU\xd1OZ JUAN;10,00\n1002;REF \x81;20,00\n"

    job = import_file(profile, data)

    assert job.detected["encoding"] == "latin-1"
    assert names() == {"1001": "MUÑOZ JUAN", "1002": "REF \x81"}


def test_import_declared_encoding_is_used_and_checked(make_profile, import_file):
    profile = make_profile(
        options={"encoding": "cp1252", "delimiter": ";"},
        account_number="cuenta",
        balance="saldo",
        debtor_name="titular",
    )
    data = "cuenta;titular;saldo\n1001;D’ANGELO, JOSÉ;980,00\n".encode("cp1252")

    job = import_file(profile, data)

    assert job.detected["encoding"] == "cp1252"
    assert names() == {"1001": "D’ANGELO, JOSÉ"}


@pytest.mark.parametrize("declared", ["cp1252", "latin-1"])
def test_import_utf8_file_under_a_single_byte_profile_is_read_as_utf8(
    make_profile, import_file, declared
):
    profile = make_profile(
        options={"encoding": declared, "delimiter": ";"},
        account_number="cuenta",
        balance="saldo",
        debtor_name="titular",
    )
    data = "cuenta;titular;saldo\n1001;MUÑOZ, JOSÉ;980,00\n".encode()

    job = import_file(profile, data)

    assert job.status == ImportStatus.DONE
    assert job.detected["encoding"] == "utf-8"
    assert names() == {"1001": "MUÑOZ, JOSÉ"}
    assert list(ImportIssue.objects.values_list("line", "severity", "message")) == [
        (
            1,
            "warning",
            f"El perfil declara la codificación {declared}, pero el archivo es "
            "UTF-8 (tiene letras como «Ñ» escritas en UTF-8): se leyó como "
            "UTF-8. Revisá la codificación del perfil.",
        )
    ]


def test_import_ascii_file_under_a_cp1252_profile_keeps_it_silently(
    make_profile, import_file
):
    profile = make_profile(
        options={"encoding": "cp1252"}, account_number="cuenta", balance="saldo"
    )

    job = import_file(profile, "cuenta;saldo\n1001;980,00\n")

    assert job.detected["encoding"] == "cp1252"
    assert not ImportIssue.objects.exists()


def test_import_tab_delimited_file(profile, import_file):
    data = "cuenta\ttitular\tsaldo\n1001\tPÉREZ, ANA\t12.500\n"

    job = import_file(profile, data)

    assert job.detected["delimiter"] == "\t"
    assert balances() == {"1001": Decimal("12500.00")}


def test_import_headers_match_ignoring_case_and_spaces(profile, import_file):
    data = " CUENTA ;Titular;  Saldo\n1001;ANA;1,00\n"

    job = import_file(profile, data)

    assert job.status == ImportStatus.DONE
    assert balances() == {"1001": Decimal("1.00")}


def test_import_us_amounts_when_profile_declares_decimal_point(
    make_profile, import_file
):
    profile = make_profile(
        options={"decimal_separator": "."}, account_number="cuenta", balance="saldo"
    )

    import_file(profile, "cuenta;saldo\n1001;1,234.56\n1002;25.00\n1003;1.234,56\n")

    assert balances() == {"1001": Decimal("1234.56"), "1002": Decimal("25.00")}
    assert list(ImportIssue.objects.values_list("line", "code")) == [
        (4, "amount_invalid")
    ]


def test_import_due_dates_day_first_iso_and_excel_serial(make_profile, import_file):
    profile = make_profile(account_number="cuenta", balance="saldo", due_date="vto")
    data = (
        "cuenta;saldo;vto\n"
        "1;1,00;10/09/2024\n"
        "2;1,00;5/10/2024\n"
        "3;1,00;2025-02-01\n"
        "4;1,00;45000\n"
        "5;1,00;09/30/2024\n"
    )

    job = import_file(profile, data)

    assert dict(Account.objects.values_list("number", "due_date")) == {
        "1": D(2024, 9, 10),
        "2": D(2024, 10, 5),
        "3": D(2025, 2, 1),
        "4": D(2023, 3, 15),
    }
    issue = job.issues.get()
    assert (issue.line, issue.column, issue.field, issue.value) == (
        6,
        "vto",
        "due_date",
        "09/30/2024",
    )
    assert issue.severity == "error"


def xlsx_bytes(rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_import_xlsx_numeric_and_date_cells(make_profile, import_file):
    profile = make_profile(
        account_number="Cuenta",
        balance="Saldo",
        due_date="Vencimiento",
        tax_id="CUIT",
        debtor_name="Titular",
    )
    data = xlsx_bytes(
        [
            ["Cuenta", "Titular", "CUIT", "Saldo", "Vencimiento"],
            [
                1001,
                "NÚÑEZ, MARÍA",
                20123456786,
                1234.56,
                datetime.datetime(2024, 9, 10),  # noqa: DTZ001 (as Excel stores it)
            ],
            ["1002", "D’ANGELO, JOSÉ", "", 12500, 45000],
            [None, None, None, None, None],
            ["1003", "PAZ, EVA", "", 0.1 + 0.2, "05/10/2024"],
            ["1004", "ROJO, LUIS", "", "1.234,56", "2024-13-01"],
        ]
    )

    job = import_file(profile, data, name="cartera.xlsx")

    assert job.status == ImportStatus.DONE
    assert job.detected["format"] == "xlsx"
    assert dict(Account.objects.values_list("number", "capital")) == {
        "1001": Decimal("1234.56"),
        "1002": Decimal("12500.00"),
        "1003": Decimal("0.30"),
    }
    assert dict(Account.objects.values_list("number", "due_date")) == {
        "1001": D(2024, 9, 10),
        "1002": D(2023, 3, 15),
        "1003": D(2024, 10, 5),
    }
    assert Debtor.objects.get(accounts__number="1001").identity_key == (
        "cuit:20123456786"
    )
    # The blank row 4 is skipped; the rejected row keeps its sheet row number.
    assert list(job.issues.values_list("line", "column", "code")) == [
        (6, "Vencimiento", "date_invalid")
    ]
    assert (job.rows_read, job.rows_created, job.rows_rejected) == (4, 3, 1)
