"""The UCI data set written as an Argentine creditor's portfolio file."""

import csv
import hashlib
import io
import re
from collections import Counter

import phonenumbers
import pytest
from phonenumbers import PhoneNumberType
from stdnum.ar import cuit as stdnum_cuit

from recupero.demo.conversion import (
    HEADERS,
    PAYMENT_HEADERS,
    SHIPPED_SOURCE,
    STATEMENT_HEADERS,
    convert_months,
    convert_uci,
)
from recupero.demo.synthetic import (
    LOCALITIES,
    DebtorMaker,
    Defect,
    make_cuil,
    make_dni,
)

ROWS = 30_000


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    target = tmp_path_factory.mktemp("demo") / "cartera.csv"
    result = convert_uci(target)
    return result, target.read_bytes()


@pytest.fixture(scope="module")
def rows(converted):
    _result, data = converted
    text = data.decode("cp1252")
    return {
        row["nro_cuenta"]: row
        for row in csv.DictReader(io.StringIO(text, newline=""), delimiter=";")
    }


def test_shipped_source_is_the_documented_copy():
    digest = hashlib.sha256(SHIPPED_SOURCE.read_bytes()).hexdigest()

    assert digest == "61537758427df346bd48014953d99bc55f138b4f19dda4012a6238fa5214cf6d"


def test_convert_uci_writes_every_row_semicolon_separated_with_crlf(converted):
    result, data = converted

    assert result.rows == ROWS
    lines = data.split(b"\r\n")
    assert lines[0].decode("cp1252").split(";") == list(HEADERS)
    assert lines[-1] == b""  # the last row ends with its line break
    assert len(lines) == ROWS + 2


def test_convert_uci_encodes_windows_1252_with_enye_and_curly_apostrophe(
    converted, rows
):
    _result, data = converted

    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert b"\xd1" in data  # Ñ
    assert b"\x92" in data  # ’, which Latin-1 would read as a control character
    names = [row["titular"] for row in rows.values()]
    assert any("Ñ" in name for name in names)
    assert any("D’" in name or "O’" in name for name in names)
    assert all("\x92" not in name for name in names)


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        # ID 1: LIMIT_BAL 20000; April: BILL_AMT6 0, PAY_6 -2 (no balance).
        (
            "1",
            {
                "limite_credito": "20.000,00",
                "saldo": "0,00",
                "dias_atraso": "0",
                "fecha_saldo": "30/04/2005",
                "producto": "Tarjeta de crédito",
            },
        ),
        # ID 2: BILL_AMT6 3261, PAY_6 2 is 60 days.
        (
            "2",
            {"limite_credito": "120.000,00", "saldo": "3.261,00", "dias_atraso": "60"},
        ),
        # ID 7: LIMIT_BAL written 5e+05 in the source.
        ("7", {"limite_credito": "500.000,00", "saldo": "473.944,00"}),
        # ID 27: a credit balance of 189 stays negative; PAY_6 -1 is not late.
        ("27", {"saldo": "-189,00", "dias_atraso": "0"}),
        # ID 650: PAY_6 3, 90 days.
        ("650", {"saldo": "18.148,00", "dias_atraso": "90"}),
        # ID 2198: LIMIT_BAL 1e+06, BILL_AMT6 961664.
        ("2198", {"limite_credito": "1.000.000,00", "saldo": "961.664,00"}),
        # ID 12829: BILL_AMT6 -150953.
        ("12829", {"saldo": "-150.953,00"}),
    ],
)
def test_convert_uci_maps_amounts_days_and_dates(rows, number, expected):
    row = rows[number]

    assert {name: row[name] for name in expected} == expected


def test_convert_uci_gives_identical_bytes_every_run(converted, tmp_path):
    _result, data = converted

    again = convert_uci(tmp_path / "again.csv")

    assert again.rows == ROWS
    assert (tmp_path / "again.csv").read_bytes() == data


def test_convert_uci_same_row_same_debtor_whatever_else_is_converted(rows, tmp_path):
    convert_uci(tmp_path / "first.csv", limit=3)
    text = (tmp_path / "first.csv").read_text(encoding="cp1252")
    first = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))

    assert [row["nro_cuenta"] for row in first] == ["1", "2", "3"]
    assert first == [rows["1"], rows["2"], rows["3"]]


def test_convert_uci_cuits_valid_except_the_deliberate_defects(converted, rows):
    result, _data = converted
    written = [row["cuit_cuil"] for row in rows.values()]

    cuits = [value.replace("-", "") for value in written if len(value) >= 11]
    invalid = [value for value in cuits if not stdnum_cuit.is_valid(value)]
    dni_only = [value for value in written if len(value) < 11]

    assert len(invalid) == result.defects[Defect.CUIT_CHECK_DIGIT]
    assert len(dni_only) == result.defects[Defect.DNI_ONLY]
    assert all(re.fullmatch(r"\d{1,2}\.\d{3}\.\d{3}|\d{7,8}", v) for v in dni_only)
    assert {value[:2] for value in cuits} == {"20", "23", "27"}


def test_convert_uci_plants_each_defect_in_one_to_three_per_cent(converted):
    result, _data = converted

    rates = {kind: result.defects[kind] / ROWS for kind in Defect}

    assert all(0.01 <= rate <= 0.03 for rate in rates.values()), rates


def test_convert_uci_writes_the_defects_as_real_files_do(rows):
    emails = [row["email"] for row in rows.values()]
    mobiles = [row["celular"] for row in rows.values()]
    landlines = [row["telefono"] for row in rows.values()]

    assert any("@@" in email for email in emails)
    assert any(email.endswith("@gmial.com") for email in emails)
    assert any(re.fullmatch(r"[^@]+@[a-z]+", email) for email in emails)
    assert any(re.fullmatch(r"54 9 \d{2,4} 15 \d{2,4} \d{4}", m) for m in mobiles)
    assert any(re.fullmatch(r"\(0\d{2,4}\) \d{2,4}-\d{4}", p) for p in landlines)
    assert any(re.fullmatch(r"\d{2,4}-\d{4}", p) for p in landlines)


def test_debtor_phones_are_valid_argentine_numbers_unless_planted_wrong():
    maker = DebtorMaker()
    wrong_mobile = {Defect.MOBILE_WITH_9_AND_15}
    wrong = Counter()

    for row_id in range(1, 3001):
        debtor = maker.make(row_id, is_female=row_id % 2 == 0, age=20 + row_id % 60)
        without_area = Defect.PHONE_WITHOUT_AREA_CODE in debtor.defects
        if debtor.phone and not (without_area and debtor.phone[0] == "4"):
            wrong["landline"] += not _is_valid(debtor.phone, PhoneNumberType.FIXED_LINE)
        if debtor.mobile and not (
            wrong_mobile & set(debtor.defects) or debtor.mobile.startswith("15-")
        ):
            wrong["mobile"] += not _is_valid(debtor.mobile, PhoneNumberType.MOBILE)

    assert wrong == Counter()


def test_localities_area_codes_take_subscribers_starting_with_4():
    for locality in LOCALITIES:
        length = 10 - len(locality.area_code)
        subscriber = "4" + "2" * (length - 1)
        landline = f"+54{locality.area_code}{subscriber}"
        mobile = f"+549{locality.area_code}{subscriber}"

        assert _is_valid(landline, PhoneNumberType.FIXED_LINE), locality
        assert _is_valid(mobile, PhoneNumberType.MOBILE), locality


def test_make_cuil_takes_prefix_23_when_20_or_27_would_need_check_digit_10():
    # 20-12345678-? : 2*5+0*4+1*3+2*2+3*7+4*6+5*5+6*4+7*3+8*2 = 148,
    # 148 mod 11 = 5, check digit 11 - 5 = 6.
    assert make_cuil(12345678, is_female=False) == "20123456786"
    # 20-00000001-? : 10 + 2 = 12, 12 mod 11 = 1, check digit would be 10;
    # AFIP gives 23-00000001-? : 10 + 12 + 2 = 24, 24 mod 11 = 2, 9.
    assert make_cuil(1, is_female=False) == "23000000019"


def test_make_dni_gives_seven_digits_to_the_old_and_never_repeats():
    dnis = {make_dni(row_id, 20 + row_id % 60) for row_id in range(1, ROWS + 1)}

    assert len(dnis) == ROWS
    assert len(str(make_dni(1, 75))) == 7  # born 1930
    assert 28_000_000 <= make_dni(1, 25) < 30_000_000  # born 1980


def _is_valid(written: str, expected_type: int) -> bool:
    number = phonenumbers.parse(written, "AR")
    return (
        phonenumbers.is_valid_number(number)
        and phonenumbers.number_type(number) == expected_type
    )


@pytest.fixture(scope="module")
def months(tmp_path_factory):
    directory = tmp_path_factory.mktemp("meses")
    files = convert_months(directory)
    return {
        each.path.name: (
            each,
            list(
                csv.reader(
                    io.StringIO(each.path.read_bytes().decode("cp1252"), newline=""),
                    delimiter=";",
                )
            ),
        )
        for each in files
    }


def test_convert_months_writes_payments_then_statements_in_order(months):
    assert list(months) == [
        "pagos_2005-04.csv",
        *(
            name
            for month in ("05", "06", "07", "08", "09")
            for name in (f"pagos_2005-{month}.csv", f"saldos_2005-{month}.csv")
        ),
    ]
    for each, lines in months.values():
        expected = PAYMENT_HEADERS if each.kind == "payments" else STATEMENT_HEADERS
        assert tuple(lines[0]) == expected
        assert len(lines) == each.rows + 1


def test_convert_months_one_payment_per_month_and_account_when_above_zero(months):
    with SHIPPED_SOURCE.open(newline="") as source:
        rows = list(csv.DictReader(source))
    for name, column in [
        ("pagos_2005-04.csv", "PAY_AMT6"),
        ("pagos_2005-09.csv", "PAY_AMT1"),
    ]:
        _each, lines = months[name]
        assert len(lines) - 1 == sum(float(row[column]) > 0 for row in rows)

    # ID 1 paid 689 in August (PAY_AMT2); ID 12829 150400 in April (PAY_AMT6),
    # dated with the April statement that opens the accounts.
    assert ["1", "689,00", "15/08/2005", "1-2005-08"] in months["pagos_2005-08.csv"][1]
    assert ["12829", "150.400,00", "30/04/2005", "12829-2005-04"] in months[
        "pagos_2005-04.csv"
    ][1]
    assert not any(line[0] == "1" for line in months["pagos_2005-09.csv"][1])


def test_convert_months_statements_carry_the_bill_and_the_delay(months):
    # ID 1: BILL_AMT1 3913 and PAY_0 2 in September; BILL_AMT3 689, PAY_3 -1.
    assert ["1", "3.913,00", "60", "30/09/2005"] in months["saldos_2005-09.csv"][1]
    assert ["1", "689,00", "0", "31/07/2005"] in months["saldos_2005-07.csv"][1]
    # ID 12829: BILL_AMT1 written 1e+05.
    assert ["12829", "100.000,00", "60", "30/09/2005"] in months["saldos_2005-09.csv"][
        1
    ]
