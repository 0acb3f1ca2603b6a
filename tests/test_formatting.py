"""Numbers and dates as people in Argentina read them."""

import datetime
from decimal import Decimal

from recupero.formatting import format_count, format_counted, format_date, format_money
from recupero.portfolios.importing.jobs import summary
from recupero.portfolios.models import ImportJob, ImportKind, ImportProfile


def test_money_count_and_date():
    assert format_money(Decimal("1234567.885")) == "$ 1.234.567,89"
    assert format_money(Decimal("-1234.56")) == "-$ 1.234,56"
    assert format_count(2598) == "2.598"
    assert format_date(datetime.date(2025, 3, 1)) == "01/03/2025"


def test_counted_nouns_agree_with_their_number():
    assert format_counted(1, "cuenta", "cuentas") == "1 cuenta"
    assert format_counted(0, "cuenta", "cuentas") == "0 cuentas"
    assert format_counted(2598, "cuenta", "cuentas") == "2.598 cuentas"


def test_import_summary_of_a_one_row_file_speaks_in_singular():
    portfolio = ImportProfile(kind=ImportKind.PORTFOLIO)
    payments = ImportProfile(kind=ImportKind.PAYMENTS)

    one_account = ImportJob(profile=portfolio, rows_read=1, rows_created=1)
    one_payment = ImportJob(profile=payments, rows_read=1, rows_unchanged=1)

    assert summary(one_account) == (
        "1 fila leída, 1 cuenta nueva, 0 actualizadas, 0 sin cambios, "
        "0 rechazadas, 0 con advertencias."
    )
    assert summary(one_payment) == (
        "1 fila leída, 0 pagos aplicados, 1 ya importado, 0 rechazadas, "
        "0 con advertencias."
    )
