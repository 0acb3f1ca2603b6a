"""``recupero quote``: the schedule as JSON and as a table, and bad options."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line

C06 = ["--principal=10000", "--tna=36", "--installments=12", "--system=french"]


def run_quote(*options: str) -> str:
    out = StringIO()
    call_command("quote", *options, stdout=out)
    return out.getvalue()


def test_json_has_the_schedule_rates_and_totals_as_decimal_strings():
    output = run_quote(*C06, "--first-due=31/01/2026", "--format=json")

    quote = json.loads(output)
    first, last = quote["installments"][0], quote["installments"][-1]
    assert len(quote["installments"]) == 12
    assert first == {
        "number": 1,
        "due_date": "2026-02-02",  # 31/01/2026 is a Saturday
        "scheduled_date": "2026-01-31",
        "days": 31,
        "capital": "704.62",
        "interest": "300.00",
        "iva": "63.00",
        "fee": "0.00",
        "total": "1067.62",
        "remaining": "9295.38",
    }
    assert (last["capital"], last["interest"], last["remaining"]) == (
        "975.37",
        "29.26",
        "0.00",
    )
    assert (quote["tem"], quote["tea"]) == ("3.0000", "42.58")
    assert quote["cft_without_iva"] < quote["cft"]
    assert quote["totals"]["interest"] == "2055.45"
    assert quote["totals"]["capital"] == "10000.00"
    assert quote["start"] == "2025-12-31"


def test_json_reads_amounts_with_a_comma_and_dates_in_iso():
    output = run_quote(
        "--principal=100.000,00",
        "--tna=60",
        "--installments=12",
        "--system=american",
        "--first-due=2026-01-15",
        "--iva=0",
        "--down-payment=1.000,50",
        "--discount=10,5",
        "--basis=365",
        "--format=json",
    )

    quote = json.loads(output)
    assert quote["principal"] == "100000.00"
    assert quote["discount_rate"] == "10.5"
    assert quote["discount"] == "10500.00"
    assert quote["down_payment"] == "1000.50"
    assert quote["financed"] == "88499.50"
    assert (quote["basis"], quote["tem"], quote["tea"]) == ("365", "4.9315", "79.62")


def test_table_is_for_people_in_spanish():
    output = run_quote(*C06, "--first-due=2026-01-31", "--iva=21", "--discount=0")

    lines = output.splitlines()
    assert lines[0] == "Plan de 12 cuotas, sistema francés, acordado el 31/12/2025"
    assert "Deuda: $ 10.000,00" in lines
    assert "TNA 36 % (TNA / 12) · TEM 3 % · TEA 42,58 %" in lines
    assert any(line.startswith("CFT con IVA ") for line in lines)
    header = next(line for line in lines if line.startswith("Cuota"))
    assert header.split() == [
        "Cuota",
        "Vencimiento",
        "Capital",
        "Interés",
        "IVA",
        "Total",
        "cuota",
        "Saldo",
        "de",
        "capital",
    ]
    first = lines[lines.index(header) + 1].split()
    assert first == [
        "1",
        "02/02/2026",
        "$",
        "704,62",
        "$",
        "300,00",
        "$",
        "63,00",
        "$",
        "1.067,62",
        "$",
        "9.295,38",
    ]
    total = lines[-1].split()
    assert total[:3] == ["Total", "$", "10.000,00"]


def test_table_shows_fees_when_there_are_some():
    output = run_quote(
        "--principal=1200",
        "--installments=3",
        "--system=none",
        "--first-due=15/01/2026",
        "--installment-fee=10",
        "--origination-fee=25,00",
    )

    assert "Gasto de otorgamiento: $ 25,00" in output
    assert "Gastos" in next(line for line in output.splitlines() if "Cuota" in line)


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("--principal=abc", "--principal: «abc» no es un número"),
        ("--principal=1.2.3", "--principal: «1.2.3» no es un número"),
        ("--principal=0", "--principal: debe ser mayor que cero."),
        # One point and three digits: a thousand or one and a bit? Refused.
        ("--principal=1.234", "--principal: «1.234» tiene más de dos decimales."),
        ("--principal=10,555", "--principal: «10,555» tiene más de dos decimales."),
        ("--tna=-5", "--tna: no puede ser menor que cero."),
        ("--installments=0", "--installments: debe haber al menos una."),
        ("--installments=doce", "--installments: «doce» no es un número entero"),
        ("--system=italian", "--system: «italian» no es uno de french, german"),
        ("--first-due=31/02/2026", "--first-due: «31/02/2026» no es una fecha"),
        ("--down-payment=10000", "--down-payment: debe ser menor que la deuda"),
        ("--discount=120", "--discount: debe estar entre 0 y 100 %."),
        ("--basis=360", "--basis: «360» no es uno de 30, 365."),
        ("--format=xml", "--format: «xml» no es json ni table."),
    ],
)
def test_a_bad_value_is_refused_naming_the_option(option, message):
    options = [*C06, "--first-due=15/01/2026"]
    name = option.split("=")[0]
    options = [value for value in options if not value.startswith(f"{name}=")]

    with pytest.raises(CommandError) as refused:
        run_quote(*options, option)

    assert str(refused.value).startswith(message)


def test_a_missing_option_is_named():
    with pytest.raises(CommandError, match="^--first-due: falta, es obligatorio."):
        run_quote(*C06)


def test_from_the_command_line_a_bad_value_exits_non_zero(capsys):
    argv = ["recupero", "quote", *C06, "--first-due=15/01/2026", "--tna=sesenta"]

    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(argv)

    assert exited.value.code == 1
    assert "--tna: «sesenta» no es un número" in capsys.readouterr().err
