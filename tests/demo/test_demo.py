"""``recupero demo``: the whole UCI portfolio, loaded, paid, aged, reported.

The expected stages are computed here straight from the shipped UCI file
with the csv module and Decimal, without the conversion, the import or the
cycle: 30 days per month of delay in ``PAY_0``, the default bands, and the
September statement balance ``BILL_AMT1`` less the six months of payments
``PAY_AMT1`` to ``PAY_AMT6`` the demo posts.
"""

import csv
import datetime
import io
import json
import socket
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

import recupero
from recupero.collections.models import AccountState
from recupero.collections.states import ManagementState
from recupero.console.queue import agent_queue
from recupero.demo.conversion import convert_uci_payments
from recupero.formatting import format_count, format_money
from recupero.payments.ledger import disagreements
from recupero.payments.models import LedgerEntry, Payment
from recupero.portfolios.models import (
    Account,
    BalanceSnapshot,
    CycleRun,
    ImportIssue,
    ImportJob,
    ImportStatus,
    IssueSeverity,
    StageChange,
)
from tests.screens import table_rows

UCI_FILE = Path(recupero.__file__).parent / "demo_data" / "UCI_Credit_Card.csv"
DEFAULT_BANDS = (
    ("activa", 0, 0),
    ("mora_temprana", 1, 90),
    ("mora_tardia", 91, 180),
    ("prejudicial", 181, 365),
    ("judicial", 366, None),
)


PAID_COLUMNS = tuple(f"PAY_AMT{month}" for month in range(1, 7))


def paid(row):
    return sum((Decimal(row[column]) for column in PAID_COLUMNS), Decimal("0"))


def balance_after_payments(row):
    return Decimal(row["BILL_AMT1"]) - paid(row)


def expected_stage_report():
    accounts = dict.fromkeys((slug for slug, _low, _high in DEFAULT_BANDS), 0)
    balances = dict.fromkeys(accounts, Decimal("0"))
    with UCI_FILE.open(newline="") as source:
        for row in csv.DictReader(source):
            months_late = int(row["PAY_0"])
            days = 30 * months_late if months_late >= 1 else 0
            slug = next(
                slug
                for slug, low, high in DEFAULT_BANDS
                if days >= low and (high is None or days <= high)
            )
            accounts[slug] += 1
            balances[slug] += balance_after_payments(row)
    return {
        "as_of": "2005-09-30",
        "stages": [
            {
                "stage": slug,
                "accounts": accounts[slug],
                "balance": str(balances[slug].quantize(Decimal("0.01"))),
            }
            for slug in accounts
        ],
    }


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def counts():
    return {
        "accounts": Account.objects.count(),
        "snapshots": BalanceSnapshot.objects.count(),
        "stage_changes": StageChange.objects.count(),
        "cycle_runs": CycleRun.objects.count(),
        "issues": ImportIssue.objects.count(),
        "payments": Payment.objects.count(),
        "ledger": LedgerEntry.objects.count(),
    }


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_loads_whole_portfolio_into_the_stages_the_source_implies(
    settings, client
):
    settings.RECUPERO_IMPORT_CHUNK_ROWS = 5000
    expected = expected_stage_report()

    printed = run("demo", "--no-serve")

    report = json.loads(run("report", "stages", "--format", "json"))
    assert report == expected
    job = ImportJob.objects.get(status=ImportStatus.DONE, profile__kind="portfolio")
    assert (job.rows_read, job.rows_created, job.rows_rejected) == (30_000, 30_000, 0)
    assert Account.objects.count() == 30_000
    warnings = ImportIssue.objects.filter(job=job, severity=IssueSeverity.WARNING)
    assert warnings.count() > 0
    assert not ImportIssue.objects.filter(severity=IssueSeverity.ERROR).exists()
    for stage in expected["stages"]:
        assert format_money(Decimal(stage["balance"])) in printed
    assert "recupero-demo" in printed

    # ID 1: BILL_AMT1 3913 (Sep) .. 0 (Apr), PAY_0 2, LIMIT_BAL 20000, and
    # one payment, PAY_AMT2: 689 in August.
    first = Account.objects.get(number="1")
    assert (first.balance, first.days_past_due, first.stage.slug) == (
        Decimal("3224.00"),
        60,
        "mora_temprana",
    )
    assert first.credit_limit == Decimal("20000.00")
    assert list(first.balance_history.values_list("as_of", "balance")) == [
        (datetime.date(2005, 9, 30), Decimal("3913.00")),
        (datetime.date(2005, 8, 31), Decimal("3102.00")),
        (datetime.date(2005, 7, 31), Decimal("689.00")),
        (datetime.date(2005, 6, 30), Decimal("0.00")),
        (datetime.date(2005, 5, 31), Decimal("0.00")),
        (datetime.date(2005, 4, 30), Decimal("0.00")),
    ]

    # Every month with a payment is one payment, applied once; each
    # account's ledger sums to its amounts.
    rows = list(csv.DictReader(UCI_FILE.open(newline="")))
    months_paid = sum(Decimal(row[c]) > 0 for row in rows for c in PAID_COLUMNS)
    payments = ImportJob.objects.get(profile__kind="payments")
    assert (payments.rows_created, payments.rows_rejected) == (months_paid, 0)
    assert Payment.objects.count() == months_paid == 143_103
    assert f"{format_count(months_paid)} pagos aplicados" in printed
    assert not disagreements().exists()

    # Accounts that owe nothing after their payments are paid off: those
    # with payments were settled as they were posted, the others by the
    # demo's night, so the same night again moves none.
    paid_off = [row for row in rows if balance_after_payments(row) <= 0]
    by_night = sum(paid(row) == 0 for row in paid_off)
    settled = AccountState.objects.filter(state=ManagementState.SETTLED)
    assert (settled.count(), len(paid_off), by_night) == (12_265, 12_265, 860)
    assert "860 cuentas canceladas" in printed
    assert "0 cuentas canceladas" in run("cycle", "--as-of", "2005-09-30")

    before = counts()
    printed_again = run("demo", "--no-serve")

    assert "ya se importó" in printed_again
    assert "Los pagos ya se importaron" in printed_again
    assert counts() == before
    assert json.loads(run("report", "stages", "--format", "json")) == expected
    assert ImportJob.objects.filter(status=ImportStatus.DUPLICATE).count() == 1

    check_console_and_supervision(client)


def test_expected_stage_report_matches_the_published_pay_0_counts():
    """The reference itself, checked against the data set's documentation.

    PAY_0 counts: -2: 2,759; -1: 5,686; 0: 14,737; 1: 3,688; 2: 2,667;
    3: 322; 4: 76; 5: 26; 6: 11; 7: 9; 8: 19.
    """
    stages = {
        row["stage"]: row["accounts"] for row in expected_stage_report()["stages"]
    }

    assert stages == {
        "activa": 2_759 + 5_686 + 14_737,
        "mora_temprana": 3_688 + 2_667 + 322,
        "mora_tardia": 76 + 26 + 11,
        "prejudicial": 9 + 19,
        "judicial": 0,
    }


def check_console_and_supervision(client):
    """The demo agent has a queue; the supervisor sees the day's work.

    The queue is worked out from the source: accounts whose September bill
    (BILL_AMT1) less their payments is positive are owed; the first is the
    latest in payment (PAY_0) and, among those, the largest balance.
    """
    rows = list(csv.DictReader(UCI_FILE.open(newline="")))
    owed = [row for row in rows if balance_after_payments(row) > 0]
    first = max(
        owed,
        key=lambda row: (
            int(row["PAY_0"]),
            balance_after_payments(row),
            -int(row["ID"]),
        ),
    )
    gestor = get_user_model().objects.get(username="gestor")
    supervisor = get_user_model().objects.get(username="supervisor")
    client.force_login(gestor)

    queue = client.get(reverse("console:queue"))

    # The page counts up to its cap; the queue itself holds every owed one.
    assert len(owed) == 17_735
    assert (queue.context["page"].due, queue.context["page"].more) == (1000, True)
    assert "1.000+" in queue.content.decode()
    assert agent_queue(gestor).count() == len(owed)
    assert table_rows(queue, "queue")[1][0] == first["ID"]

    promised_on = timezone.localdate() + datetime.timedelta(days=3)
    for code, extra in [
        ("NA", {}),
        ("TIT", {}),
        (
            "PP",
            {"promise_amount": "1.000,00", "promise_date": f"{promised_on:%d/%m/%Y}"},
        ),
    ]:
        account = client.post(reverse("console:next"))["Location"]
        recorded = client.post(
            account + "resultado/", {"code": code, "channel": "outbound_call", **extra}
        )
        assert recorded.status_code == 302, code

    client.force_login(supervisor)
    team = table_rows(client.get(reverse("supervision:home")), "team-day")
    assert ["Gustavo Gestor", "3", "3", "2", "2", "1", "$ 1.000,00"] in team


def test_a_taken_port_is_refused_before_anything_is_loaded():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        with pytest.raises(CommandError, match=f"El puerto {port} ya está en uso"):
            call_command("demo", "--addr", f"127.0.0.1:{port}")


def test_the_payments_file_has_a_line_per_account_and_month_paid(tmp_path):
    path = tmp_path / "pagos.csv"

    result = convert_uci_payments(path, limit=2)

    assert result.rows == 5
    assert path.read_text(encoding="cp1252").splitlines() == [
        "referencia;nro_cuenta;fecha_pago;importe",
        "1-2005-08;1;31/08/2005;689,00",
        "2-2005-04;2;30/04/2005;2.000,00",
        "2-2005-06;2;30/06/2005;1.000,00",
        "2-2005-07;2;31/07/2005;1.000,00",
        "2-2005-08;2;31/08/2005;1.000,00",
    ]
