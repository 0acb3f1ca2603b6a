"""``recupero slip``: the 42-digit code on screen and the PDF on disk."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line

# TV-PF-1 of argentina.md.
TV_PF_1 = {
    "company": "1234",
    "amount": "1.500,50",
    "due": "10/03/2025",
    "client": "12345678",
    "surcharge": "75,25",
    "days": "10",
}
TV_PF_1_CODE = "123400150050250690000001234567800075251016"


def run_slip(**options):
    out = StringIO()
    call_command("slip", stdout=out, **options)
    return out.getvalue().splitlines()


def test_slip_prints_the_code_and_writes_the_pdf_here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    lines = run_slip(**TV_PF_1, debtor="Juan Pérez")

    written = tmp_path / "cupon-12345678-20250310.pdf"
    assert lines == [TV_PF_1_CODE, f"Cupón en {written}"]
    assert written.read_bytes().startswith(b"%PDF-1.")


@pytest.mark.parametrize(
    "change",
    [
        {"amount": "1500.50", "surcharge": "75.25"},
        {"amount": "1500,5", "surcharge": "$ 75,25"},
        {"due": "2025-03-10"},
        {"company": "1234", "client": "00000012345678"},
    ],
)
def test_slip_reads_the_usual_ways_of_writing_values(tmp_path, change):
    options = {**TV_PF_1, **change, "output": str(tmp_path / "c.pdf")}

    assert run_slip(**options)[0] == TV_PF_1_CODE


def test_slip_writes_the_pdf_where_told(tmp_path):
    target = tmp_path / "otro.pdf"

    lines = run_slip(**TV_PF_1, output=str(target))

    assert lines[1] == f"Cupón en {target}"
    assert target.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"amount": "1.000.000,00"},
            "--amount: $ 1.000.000,00 no cabe en 8 dígitos (máximo $ 999.999,99)",
        ),
        (
            {"surcharge": "12.500"},
            "--surcharge: $ 12.500,00 no cabe en 6 dígitos (máximo $ 9.999,99)",
        ),
        ({"amount": "0"}, "--amount: el importe debe ser mayor que cero"),
        ({"amount": "1500,505"}, "--amount: «1500,505» no es un importe"),
        ({"amount": "-5"}, "--amount: «-5» no es un importe"),
        ({"due": "31/02/2025"}, "--due: «31/02/2025» no es una fecha"),
        ({"due": "10/03/1950"}, "--due: la fecha 10/03/1950 no se puede escribir"),
        ({"company": "12345"}, "--company: «12345» tiene 5 dígitos; el campo admite 4"),
        ({"client": "A-12"}, "--client: «A-12» no es un número sin signo"),
        ({"days": "100"}, "--days: «100» tiene 3 dígitos; el campo admite 2"),
        (
            {"days": "0"},
            "--days: un recargo necesita días hasta el 2do vencimiento",
        ),
    ],
)
def test_slip_refuses_a_bad_value_naming_the_option(tmp_path, change, message):
    target = tmp_path / "c.pdf"

    with pytest.raises(CommandError) as refused:
        run_slip(**{**TV_PF_1, **change, "output": str(target)})

    assert str(refused.value).startswith(message)
    assert not target.exists()


def test_slip_refuses_an_output_it_cannot_write(tmp_path):
    target = tmp_path / "no-such-folder" / "c.pdf"

    with pytest.raises(CommandError, match="^--output: no se puede escribir"):
        run_slip(**TV_PF_1, output=str(target))


def test_slip_from_the_command_line_exits_non_zero_on_a_bad_value(tmp_path, capsys):
    argv = ["recupero", "slip", "--company", "1234", "--amount", "1000000"]
    argv += ["--due", "10/03/2025", "--client", "1", "--output", str(tmp_path / "c")]

    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(argv)

    assert exited.value.code == 1
    assert "--amount: $ 1.000.000,00 no cabe" in capsys.readouterr().err
