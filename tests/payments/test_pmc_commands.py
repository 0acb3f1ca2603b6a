"""``recupero publish_pmc`` and ``recupero reconcile_pmc``: what they print
and how they refuse."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command, execute_from_command_line
from django.db import connections

from recupero.parties.models import Debtor
from recupero.payments.models import Payment, PublishedDebt, Rendition
from recupero.payments.networks import reconciling
from recupero.portfolios.models import Account, Portfolio
from tests.payments.test_publishing import NOON_1_MARCH, import_book
from tests.payments.test_reconciling import MARCH_11, cob, paid

pytestmark = pytest.mark.django_db

D = datetime.date
PUBLISH = ["--creditor", "acme", "--company", "470", "--first-due", "10/03/2025"]


# The renditions of these tests are of 11/03/2025, the day after the
# payments they render: they are reconciled then, never before.
NOON_11_MARCH = datetime.datetime(2025, 3, 11, 15, 0, tzinfo=datetime.UTC)


def run(*argv):
    out = StringIO()
    at = NOON_11_MARCH if argv[0] == "reconcile_pmc" else NOON_1_MARCH
    with time_machine.travel(at, tick=False):
        call_command(*argv, stdout=out)
    return out.getvalue().splitlines()


@pytest.fixture
def book(creditor, make_profile, import_file):
    return import_book(make_profile, import_file)


@pytest.fixture
def published(book, tmp_path):
    run(
        "publish_pmc",
        *PUBLISH,
        "--second-due",
        "2025-03-20",
        "--surcharge",
        "50,00",
        "--output",
        str(tmp_path / "pmc"),
    )


def test_publish_pmc_writes_the_file_and_says_what_it_published(book, tmp_path):
    lines = run("publish_pmc", *PUBLISH, "--output", str(tmp_path / "pmc"))

    fac = tmp_path / "pmc" / "FAC0470.010325"
    assert lines == [
        "Publicadas 2 deudas por $ 1.670,50 en FAC0470.010325 (factura 20250301-01).",
        f"Archivo en {fac}",
        "Sin publicar, número de cuenta de más de 19 caracteres: 1 cuenta "
        "(p. ej. 1234567890123456789012345)",
    ]
    assert len(fac.read_bytes()) == 4 * 282
    assert PublishedDebt.objects.count() == 2


def test_publish_pmc_takes_one_portfolio(creditor, book, tmp_path):
    portfolio = Portfolio.objects.create(
        creditor=creditor, code="prestamos", name="Préstamos", placed_on=D(2025, 1, 1)
    )
    Account.objects.create(
        creditor=creditor,
        portfolio=portfolio,
        debtor=Debtor.objects.create(identity_key="ext:acme:77", name="RUTH DIAZ"),
        number="P-77",
        capital=Decimal("1234567.89"),
    )

    lines = run(
        "publish_pmc", *PUBLISH, "--portfolio", "prestamos", "--output", str(tmp_path)
    )

    assert lines[0] == (
        "Publicadas 1 deuda por $ 1.234.567,89 en FAC0470.010325 (factura 20250301-01)."
    )
    assert list(PublishedDebt.objects.values_list("reference", flat=True)) == ["P-77"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--creditor": "nadie"}, "--creditor: no hay un acreedor con código «nadie»"),
        ({"--first-due": "31/02/2025"}, "--first-due: «31/02/2025» no es una fecha"),
        ({"--company": "A470"}, "--company: «A470» no es un número sin signo"),
        (
            {"--first-due": "28/02/2025"},
            "el 1er vencimiento (28/02/2025) es anterior a la fecha del archivo "
            "(01/03/2025)",
        ),
        (
            {"--company": "12345"},
            "archivo FAC12345.010325, línea 1, campo «código de empresa»: «12345» "
            "tiene 5 dígitos; el campo admite 4",
        ),
        (
            {"--portfolio": "otra"},
            "--portfolio: acme no tiene una cartera con código «otra»",
        ),
    ],
)
def test_publish_pmc_refuses_a_bad_option_naming_it(book, tmp_path, change, message):
    options = dict(zip(PUBLISH[::2], PUBLISH[1::2], strict=True))
    options.update(change)
    argv = [part for pair in options.items() for part in pair]

    with pytest.raises(CommandError) as refused:
        run("publish_pmc", *argv, "--output", str(tmp_path / "pmc"))

    assert str(refused.value).startswith(message)
    assert not PublishedDebt.objects.exists()


def test_reconcile_pmc_prints_the_rendition_in_spanish(published, tmp_path):
    path = tmp_path / "COB0470.110325"
    path.write_bytes(cob(MARCH_11))

    lines = run("reconcile_pmc", "--creditor", "acme", str(path))

    assert lines == [
        "Rendición COB0470.110325 de ACME Tarjetas:",
        "  Aplicados: 2 pagos por $ 1.470,50",
        "  Sin deuda publicada: 2 pagos por $ 180,00",
        "  Duplicados: 1 pago por $ 1.170,50",
        "Sin deuda publicada (no se aplicaron):",
        "  línea 3, referencia 9999, factura 20250301-01, $ 100,00 del 10/03/2025: "
        "referencia no publicada",
        "  línea 6, referencia 1002, factura 20250215-01, $ 80,00 del 10/03/2025: "
        "factura no publicada para esa referencia",
        "Duplicados (ya aplicados, no se aplicaron de nuevo):",
        "  línea 5, referencia 1001, factura 20250301-01, $ 1.170,50 del "
        "10/03/2025: repite la línea 2",
        "Aplicados con un importe distinto de los publicados:",
        "  línea 4, referencia 1002, factura 20250301-01, $ 300,00 del 10/03/2025",
    ]
    assert Payment.objects.count() == 2


def test_reconcile_pmc_names_the_payment_a_later_file_repeats(published, tmp_path):
    first = tmp_path / "COB0470.110325"
    first.write_bytes(cob(MARCH_11[:1]))
    run("reconcile_pmc", "--creditor", "acme", str(first))
    again = tmp_path / "COB0470.120325"
    again.write_bytes(cob([MARCH_11[0], paid("1002", "20250301-01", "500.00")]))

    lines = run("reconcile_pmc", "--creditor", "acme", str(again))

    payment = Payment.objects.get(account__number="1001")
    assert lines[1:4] == [
        "  Aplicados: 1 pago por $ 500,00",
        "  Sin deuda publicada: 0 pagos por $ 0,00",
        "  Duplicados: 1 pago por $ 1.170,50",
    ]
    assert lines[-2:] == [
        "Duplicados (ya aplicados, no se aplicaron de nuevo):",
        "  línea 2, referencia 1001, factura 20250301-01, $ 1.170,50 del "
        f"10/03/2025: ya aplicado como pago {payment.pk}",
    ]


def test_reconcile_pmc_refuses_the_same_file_twice(published, tmp_path):
    path = tmp_path / "COB0470.110325"
    path.write_bytes(cob(MARCH_11))
    run("reconcile_pmc", "--creditor", "acme", str(path))

    with pytest.raises(CommandError, match=r"^archivo COB0470.110325: ya se concilió"):
        run("reconcile_pmc", "--creditor", "acme", str(path))

    assert Payment.objects.count() == 2


def test_reconcile_pmc_exits_non_zero_naming_the_file_line_and_reason(
    published, tmp_path, capsys, monkeypatch
):
    # run_from_argv closes every connection on its way out, the test's own
    # included (PostgreSQL then fails the teardown): keep it open.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    path = tmp_path / "COB0470.110325"
    path.write_bytes(cob(MARCH_11).replace(b"00000117050", b"0000011705O", 1))

    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(
            ["recupero", "reconcile_pmc", "--creditor", "acme", str(path)]
        )

    assert exited.value.code == 1
    assert (
        "archivo COB0470.110325, línea 2, campo «importe»: «0000011705O» no es un "
        "importe" in capsys.readouterr().err
    )
    assert not Payment.objects.exists()


def test_reconcile_pmc_says_when_the_file_cannot_be_read(published, tmp_path):
    with pytest.raises(CommandError, match="no se puede leer .*COB0470.999999"):
        run("reconcile_pmc", "--creditor", "acme", str(tmp_path / "COB0470.999999"))


def test_reconcile_pmc_says_why_posting_refused_the_file(
    published, tmp_path, monkeypatch
):
    def refuse(*args, **kwargs):
        raise ValidationError("Las cuentas [1] no son del acreedor ACME Tarjetas.")

    monkeypatch.setattr(reconciling, "post_payments", refuse)
    path = tmp_path / "COB0470.110325"
    path.write_bytes(cob(MARCH_11))

    with pytest.raises(CommandError) as refused:
        run("reconcile_pmc", "--creditor", "acme", str(path))

    assert str(refused.value) == (
        "archivo COB0470.110325: Las cuentas [1] no son del acreedor ACME Tarjetas."
    )
    assert not Rendition.objects.exists()
