"""Reading amounts, dates and flags strictly (cases C01 and C03)."""

import datetime
from decimal import Decimal

import pytest

from recupero.portfolios.importing.values import (
    ValueProblem,
    cell_text,
    parse_amount,
    parse_date,
    parse_whole_number,
    parse_yes_no,
)

D = datetime.date


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("1.234,56", "1234.56"),
        ("980,00", "980.00"),
        ("12.500", "12500.00"),
        ("1.000", "1000.00"),
        ("-1.234,56", "-1234.56"),
        ("1234,56", "1234.56"),
        ("1234", "1234.00"),
        ("1.234.567,8", "1234567.80"),
        (" 0,5 ", "0.50"),
        ("$ 1.234,56", "1234.56"),
    ],
)
def test_parse_amount_es_ar_form_reads_exact_cents(written, expected):
    assert parse_amount(written) == Decimal(expected)


@pytest.mark.parametrize(
    "written",
    ["25.00", "12.06.1994", "1,234.56", "1.23,45", "12.5000", "1,234", "1.2.3", "abc"],
)
def test_parse_amount_es_ar_form_refuses_other_forms(written):
    with pytest.raises(ValueProblem) as problem:
        parse_amount(written)
    assert problem.value.code == "amount_invalid"
    assert written.strip() in problem.value.message


@pytest.mark.parametrize(
    ("written", "expected"),
    [("1,234.56", "1234.56"), ("25.00", "25.00"), ("12,500", "12500.00")],
)
def test_parse_amount_us_form_reads_when_declared(written, expected):
    assert parse_amount(written, ".") == Decimal(expected)


@pytest.mark.parametrize("written", ["1.234,56", "12.06.1994", "1,23"])
def test_parse_amount_us_form_refuses_es_ar_form(written):
    with pytest.raises(ValueProblem):
        parse_amount(written, ".")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [(1234.56, "1234.56"), (0.1 + 0.2, "0.30"), (12500, "12500.00"), (2.675, "2.68")],
)
def test_parse_amount_spreadsheet_numbers_are_taken_as_shown(cell, expected):
    # 0.1 + 0.2 is 0.30000000000000004 as a float; str() shows it and the
    # cents round it to 0.30. 2.675 is shown as "2.675" and rounds half up.
    assert parse_amount(cell) == Decimal(expected)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("10/09/2024", D(2024, 9, 10)),
        ("05/10/2024", D(2024, 10, 5)),
        ("1/2/2025", D(2025, 2, 1)),
        ("2024-09-10", D(2024, 9, 10)),
        ("45000", D(2023, 3, 15)),
        ("45658", D(2025, 1, 1)),
        (45000, D(2023, 3, 15)),
        (45000.0, D(2023, 3, 15)),
        (datetime.datetime(2024, 9, 10), D(2024, 9, 10)),  # noqa: DTZ001
    ],
)
def test_parse_date_reads_day_first_iso_and_excel_serials(written, expected):
    assert parse_date(written) == expected


@pytest.mark.parametrize(
    "written",
    ["09/30/2024", "31/02/2025", "10-09-2024", "2024", "20240910", "10/09/24"],
)
def test_parse_date_refuses_month_first_and_ambiguous_values(written):
    with pytest.raises(ValueProblem) as problem:
        parse_date(written)
    assert problem.value.code == "date_invalid"


def test_parse_date_declared_dashes_read_day_first():
    assert parse_date("05-10-2024", "dd-mm-aaaa") == D(2024, 10, 5)


def test_parse_whole_number_refuses_negative_and_decimals():
    assert parse_whole_number("40") == 40
    assert parse_whole_number(40.0) == 40
    for written in ("-3", "4,5", "x"):
        with pytest.raises(ValueProblem):
            parse_whole_number(written)


@pytest.mark.parametrize(
    ("written", "expected"),
    [("Sí", True), ("S", True), ("x", True), ("1", True), ("No", False), ("", False)],
)
def test_parse_yes_no_reads_spanish_flags(written, expected):
    assert parse_yes_no(written) is expected


def test_cell_text_drops_spreadsheet_point_zero():
    assert cell_text(20123456786.0) == "20123456786"
    assert cell_text(None) == ""
    assert cell_text("  1001 ") == "1001"


@pytest.mark.parametrize(
    "written",
    [
        "10.000.000.000.000.000",  # 17 whole digits: one more than stored
        "123456789012345678901234567890",  # past Decimal's default precision
        "-10000000000000000,00",
    ],
)
def test_parse_amount_refuses_amounts_longer_than_stored(written):
    with pytest.raises(ValueProblem) as problem:
        parse_amount(written)

    assert problem.value.code == "amount_too_large"


def test_parse_amount_takes_the_largest_stored_amount():
    largest = "9.999.999.999.999.999,99"

    assert parse_amount(largest) == Decimal("9999999999999999.99")
    assert parse_amount(Decimal("1e16") - 1) == Decimal("9999999999999999.00")


def test_parse_whole_number_refuses_more_days_than_a_century():
    assert parse_whole_number("36500") == 36500
    for written in ("36501", "800000", "99999999999999999999"):
        with pytest.raises(ValueProblem, match="más de un siglo"):
            parse_whole_number(written)
