"""``recupero demo``: the whole UCI portfolio, replayed, aged and reported.

The demo opens the accounts at the April statement and replays each
month's payments and statement up to September. What it must come to is
computed here straight from the shipped UCI file with the csv module and
Decimal, without the conversion, the imports or the cycle: 30 days per
month of delay in ``PAY_0``, the default bands, the September statement
balance ``BILL_AMT1``, and one payment per month and account for each
``PAY_AMT`` above zero.
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
from recupero.formatting import format_count, format_money
from recupero.payments.ledger import disagreements, statement
from recupero.payments.models import EntryKind, LedgerEntry, Payment
from recupero.portfolios.models import (
    Account,
    BalanceSnapshot,
    CycleRun,
    ImportIssue,
    ImportJob,
    ImportKind,
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
# April .. September 2005: the statement, the month's payment, its end.
MONTHS = (
    ("BILL_AMT6", "PAY_AMT6", datetime.date(2005, 4, 30)),
    ("BILL_AMT5", "PAY_AMT5", datetime.date(2005, 5, 31)),
    ("BILL_AMT4", "PAY_AMT4", datetime.date(2005, 6, 30)),
    ("BILL_AMT3", "PAY_AMT3", datetime.date(2005, 7, 31)),
    ("BILL_AMT2", "PAY_AMT2", datetime.date(2005, 8, 31)),
    ("BILL_AMT1", "PAY_AMT1", datetime.date(2005, 9, 30)),
)


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
            balances[slug] += Decimal(row["BILL_AMT1"])
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


def uci_rows():
    with UCI_FILE.open(newline="") as source:
        return list(csv.DictReader(source))


def expected_payments(rows):
    return sum(Decimal(row[paid]) > 0 for row in rows for _bill, paid, _end in MONTHS)


def expected_statement(row):
    """The account's ledger by value date and kind: the April opening, then
    each month's payment (the 15th; April's at the opening, 30/04) and,
    from May, the statement's difference from what the ledger holds."""
    lines = []
    balance = Decimal(row["BILL_AMT6"])
    if balance:
        lines.append((datetime.date(2005, 4, 30), EntryKind.OPENING, balance))
    for index, (bill, paid, end) in enumerate(MONTHS):
        payment = Decimal(row[paid])
        if payment > 0:
            day = end if index == 0 else end.replace(day=15)
            lines.append((day, EntryKind.PAYMENT, -payment))
            balance -= payment
        if index > 0 and Decimal(row[bill]) != balance:
            lines.append((end, EntryKind.BALANCE_UPDATE, Decimal(row[bill]) - balance))
            balance = Decimal(row[bill])
    return lines


def statement_by_kind(account):
    """The statement's entries, those of one date and kind added together
    (a payment beyond the balance posts what it pays and the credit)."""
    lines = []
    for line in statement(account).lines:
        entry = line.entry
        key = (entry.value_date, entry.kind)
        if lines and lines[-1][:2] == key:
            lines[-1] = (*key, lines[-1][2] + entry.amount)
        else:
            lines.append((*key, entry.amount))
    return lines


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
        "entries": LedgerEntry.objects.count(),
        "jobs_done": ImportJob.objects.filter(status=ImportStatus.DONE).count(),
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
    job = ImportJob.objects.get(
        status=ImportStatus.DONE, profile__kind=ImportKind.PORTFOLIO
    )
    assert (job.rows_read, job.rows_created, job.rows_rejected) == (30_000, 30_000, 0)
    assert Account.objects.count() == 30_000
    warnings = ImportIssue.objects.filter(job=job, severity=IssueSeverity.WARNING)
    assert warnings.count() > 0
    assert not ImportIssue.objects.filter(severity=IssueSeverity.ERROR).exists()
    for stage in expected["stages"]:
        assert format_money(Decimal(stage["balance"])) in printed
    assert "recupero-demo" in printed

    # The six months of payments, each applied once; every statement read.
    rows = uci_rows()
    payments = expected_payments(rows)
    assert Payment.objects.count() == payments
    assert format_count(payments) in printed
    jobs = ImportJob.objects.filter(status=ImportStatus.DONE)
    assert jobs.filter(profile__kind=ImportKind.PAYMENTS).count() == 6
    assert jobs.filter(profile__kind=ImportKind.BALANCES).count() == 5
    assert not jobs.exclude(profile__kind=ImportKind.PORTFOLIO).filter(
        rows_rejected__gt=0
    )

    # Every balance is the September statement, and every ledger agrees.
    bills = {row["ID"]: Decimal(row["BILL_AMT1"]) for row in rows}
    balances = {
        number: capital + interest + fees
        for number, capital, interest, fees in Account.objects.values_list(
            "number", "capital", "interest", "fees"
        )
    }
    assert balances == bills
    assert sum(balances.values()) == sum(bills.values())
    assert not disagreements().exists()

    # ID 1: BILL_AMT6..1 0 0 0 689 3102 3913, PAY_0 2, LIMIT_BAL 20000.
    first = Account.objects.get(number="1")
    assert (first.balance, first.days_past_due, first.stage.slug) == (
        Decimal("3913.00"),
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
    # An account that paid every month: opening, payments and statements
    # in order on its statement of account, ending at its September bill.
    payer = next(
        row
        for row in rows
        if Decimal(row["BILL_AMT6"]) > 0
        and all(Decimal(row[paid]) > 0 for _bill, paid, _end in MONTHS)
    )
    account = Account.objects.get(number=payer["ID"])
    assert statement_by_kind(account) == expected_statement(payer)
    assert statement(account).balance == Decimal(payer["BILL_AMT1"])

    # Accounts whose September bill is nothing or a credit are paid off:
    # settled (by the payment that paid them off or by the demo's night,
    # the others reopened by the statement that charged them again), so
    # the same night again moves none.
    paid_off = sum(bill <= 0 for bill in bills.values())
    settled = AccountState.objects.filter(state=ManagementState.SETTLED)
    assert settled.count() == paid_off == 2_598
    assert "en total 2.598 cuentas canceladas" in printed
    assert "0 cuentas canceladas" in run("cycle", "--as-of", "2005-09-30")

    before = counts()
    printed_again = run("demo", "--no-serve")

    # The opening, the six payments files and the five statements.
    assert printed_again.count("ya se importó") == 12
    assert counts() == before
    assert json.loads(run("report", "stages", "--format", "json")) == expected
    assert ImportJob.objects.filter(status=ImportStatus.DUPLICATE).count() == 6
    assert format_count(payments) in printed_again

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
    (BILL_AMT1) is positive are owed; the first is the latest in payment
    (PAY_0) and, among those, the largest bill.
    """
    rows = uci_rows()
    owed = [row for row in rows if Decimal(row["BILL_AMT1"]) > 0]
    first = max(
        owed,
        key=lambda row: (int(row["PAY_0"]), Decimal(row["BILL_AMT1"]), -int(row["ID"])),
    )
    gestor = get_user_model().objects.get(username="gestor")
    supervisor = get_user_model().objects.get(username="supervisor")
    client.force_login(gestor)

    queue = client.get(reverse("console:queue"))

    # The page counts up to its cap; the queue itself holds every owed one.
    assert len(owed) == 27_402
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
