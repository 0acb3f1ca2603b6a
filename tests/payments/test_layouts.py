"""Fixed-width layouts: one definition writes and reads a record."""

import datetime
from decimal import Decimal

import pytest

from recupero.payments.networks.layouts import (
    JULIAN,
    Layout,
    RecordError,
    amount,
    constant,
    date,
    filler,
    number,
    text,
)

# A made-up 40-byte record that uses every kind of field.
SAMPLE = Layout(
    "registro de prueba",
    40,
    (
        constant("kind", 1, "5", "tipo de registro"),
        number("client", 2, 6, "cliente"),
        text("name", 8, 8, "nombre"),
        amount("amount", 16, 8, "importe"),
        date("due", 24, 8, "%Y%m%d", "vencimiento"),
        date("issued", 32, 5, JULIAN, "emisión"),
        amount("rate", 37, 3, "tasa", decimals=1, optional=True),
        filler(40, 1, "0"),
    ),
)
VALUES = {
    "client": 4321,
    "name": "ANA",
    "amount": Decimal("1500.50"),
    "due": datetime.date(2025, 3, 31),
    "issued": datetime.date(2024, 12, 31),
    "rate": Decimal("7.5"),
}
#        kind client name     amount   due      issued rate fill
RECORD = "5004321ANA     0015005020250331243660750"


def test_write_fills_each_field_in_its_own_way():
    assert SAMPLE.write(VALUES) == RECORD
    assert len(RECORD) == 40


def test_read_returns_the_values_written():
    assert SAMPLE.read(RECORD) == VALUES


def test_read_optional_zeros_are_absent():
    record = SAMPLE.write({**VALUES, "rate": None})

    assert record[36:39] == "000"
    assert SAMPLE.read(record)["rate"] is None


def test_layout_with_a_gap_is_refused_when_defined():
    with pytest.raises(ValueError, match="empieza en 3, se esperaba 2"):
        Layout("roto", 4, (number("a", 1, 1), number("b", 3, 2)))


def test_layout_shorter_than_its_record_is_refused_when_defined():
    with pytest.raises(ValueError, match="los campos miden 3, el registro 4"):
        Layout("corto", 4, (number("a", 1, 3),))


@pytest.mark.parametrize(
    ("field", "value", "code", "reason"),
    [
        ("client", 1234567, "too_long", "«1234567» tiene 7 dígitos; el campo admite 6"),
        ("client", -1, "not_a_number", "«-1» no es un número sin signo"),
        ("name", "ANASTASIA", "too_long", "tiene 9 caracteres; el campo admite 8"),
        ("name", "ÑANDÚ", "not_ascii", "fuera del ASCII imprimible"),
        (
            "amount",
            Decimal("1000000.00"),
            "amount_too_large",
            "$ 1.000.000,00 no cabe en 8 dígitos (máximo $ 999.999,99)",
        ),
        ("amount", Decimal("1.005"), "too_precise", "más de 2 decimales"),
        ("amount", 1.5, "not_an_amount", "«1.5» no es un importe"),
        ("amount", Decimal("-1"), "not_an_amount", "no es un importe válido"),
        ("due", "2025-03-31", "not_a_date", "no es una fecha"),
        (
            "issued",
            datetime.date(1950, 1, 1),
            "date_out_of_range",
            "la fecha 01/01/1950 no se puede escribir en este campo",
        ),
    ],
)
def test_write_refuses_a_value_that_does_not_fit(field, value, code, reason):
    with pytest.raises(RecordError) as refused:
        SAMPLE.write({**VALUES, field: value})

    assert refused.value.code == code
    assert refused.value.field == field
    assert reason in str(refused.value)


def test_write_refuses_a_missing_value():
    values = dict(VALUES)
    del values["due"]

    with pytest.raises(RecordError, match="campo «vencimiento»: falta el valor"):
        SAMPLE.write(values)


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (
            RECORD[:-1],
            "archivo X.TXT, línea 7: el registro mide 39 caracteres; "
            "registro de prueba mide 40",
        ),
        (
            "6" + RECORD[1:],
            "archivo X.TXT, línea 7, campo «tipo de registro»: dice «6», "
            "se esperaba «5»",
        ),
        (
            RECORD[:15] + "0015005O" + RECORD[23:],
            "archivo X.TXT, línea 7, campo «importe»: «0015005O» no es un importe",
        ),
        (
            RECORD[:23] + "20250231" + RECORD[31:],
            "archivo X.TXT, línea 7, campo «vencimiento»: «20250231» no es una "
            "fecha válida",
        ),
        (
            RECORD[:31] + "25367" + RECORD[36:],
            "archivo X.TXT, línea 7, campo «emisión»: «25367» no es una fecha válida",
        ),
        (
            RECORD[:1] + "00 321" + RECORD[7:],
            "archivo X.TXT, línea 7, campo «cliente»: «00 321» no es un número",
        ),
    ],
)
def test_read_bad_record_names_file_line_field_and_reason(record, message):
    with pytest.raises(RecordError) as refused:
        SAMPLE.read(record, line=7, file_name="X.TXT")

    assert str(refused.value) == message
    assert refused.value.line == 7
