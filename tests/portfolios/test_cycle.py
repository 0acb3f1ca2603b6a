"""The nightly cycle: days past due, stage bands, stage changes."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from recupero.parties.models import Debtor
from recupero.portfolios.actions import create_creditor
from recupero.portfolios.cycle import days_past_due, run_cycle
from recupero.portfolios.models import Account, Portfolio, Stage, StageChange

pytestmark = pytest.mark.django_db

D = datetime.date


def make_account(creditor, number, due_date=None, *, is_legal=False):
    portfolio, _ = Portfolio.objects.get_or_create(
        creditor=creditor,
        code="p1",
        defaults={"name": "P1", "placed_on": D(2025, 1, 1)},
    )
    debtor = Debtor.objects.create(
        identity_key=f"ext:{creditor.pk}:{number}", name=f"Deudor {number}"
    )
    return Account.objects.create(
        creditor=creditor,
        portfolio=portfolio,
        debtor=debtor,
        number=number,
        capital=Decimal("1000.00"),
        due_date=due_date,
        is_legal=is_legal,
    )


def stage_of(account):
    account.refresh_from_db()
    return account.days_past_due, account.stage.slug if account.stage else None


@pytest.fixture
def creditor():
    return create_creditor(code="acme", name="ACME")


@pytest.fixture
def monthly_bands_creditor():
    """The bands of case C12: 0 / 1-30 / 31-60 / 61-90 / 90+."""
    creditor = create_creditor(code="bands", name="Bands")
    creditor.stages.all().delete()
    bands = [("al_dia", 0, 0), ("b1_30", 1, 30), ("b31_60", 31, 60)]
    bands += [("b61_90", 61, 90), ("b90_mas", 91, None)]
    for position, (slug, low, high) in enumerate(bands):
        Stage.objects.create(
            creditor=creditor,
            slug=slug,
            name=slug,
            position=position,
            min_days=low,
            max_days=high,
        )
    return creditor


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (D(2025, 3, 10), (0, "al_dia")),
        (D(2025, 3, 11), (1, "b1_30")),
        (D(2025, 4, 9), (30, "b1_30")),
        (D(2025, 4, 10), (31, "b31_60")),
    ],
)
def test_cycle_without_grace_counts_from_day_after_due(
    monthly_bands_creditor, as_of, expected
):
    account = make_account(monthly_bands_creditor, "1", D(2025, 3, 10))

    run_cycle(as_of)

    assert stage_of(account) == expected


@pytest.mark.parametrize(
    ("as_of", "expected_days"), [(D(2025, 3, 15), 0), (D(2025, 3, 16), 1)]
)
def test_cycle_with_grace_counts_from_end_of_grace(
    monthly_bands_creditor, as_of, expected_days
):
    monthly_bands_creditor.grace_days = 5
    monthly_bands_creditor.save()
    account = make_account(monthly_bands_creditor, "1", D(2025, 3, 10))

    run_cycle(as_of)

    assert stage_of(account)[0] == expected_days


def test_cycle_account_with_nothing_due_is_current(creditor):
    prepaid = make_account(creditor, "1", None)

    run_cycle(D(2025, 3, 10))

    assert stage_of(prepaid) == (0, "activa")


@pytest.mark.parametrize(
    ("days", "stage"),
    [
        (0, "activa"),
        (1, "mora_temprana"),
        (90, "mora_temprana"),
        (91, "mora_tardia"),
        (180, "mora_tardia"),
        (181, "prejudicial"),
        (365, "prejudicial"),
        (366, "judicial"),
        (4000, "judicial"),
    ],
)
def test_cycle_default_stage_edges(creditor, days, stage):
    as_of = D(2025, 6, 30)
    account = make_account(creditor, "1", as_of - datetime.timedelta(days=days))

    run_cycle(as_of)

    assert stage_of(account) == (days, stage)


def test_cycle_account_marked_legal_is_judicial_whatever_its_days(creditor):
    account = make_account(creditor, "1", None, is_legal=True)

    run_cycle(D(2025, 6, 30))

    assert stage_of(account) == (0, "judicial")


def test_cycle_records_each_stage_change_once(creditor):
    account = make_account(creditor, "1", D(2025, 3, 10))

    run_cycle(D(2025, 3, 10))
    run_cycle(D(2025, 3, 10))
    run_cycle(D(2025, 3, 11))
    run_cycle(D(2025, 3, 11))

    changes = StageChange.objects.filter(account=account).order_by("changed_on")
    assert [
        (c.from_stage and c.from_stage.slug, c.to_stage.slug, c.changed_on)
        for c in changes
    ] == [
        (None, "activa", D(2025, 3, 10)),
        ("activa", "mora_temprana", D(2025, 3, 11)),
    ]


def test_cycle_keeps_creditors_apart(creditor, monthly_bands_creditor):
    mine = make_account(creditor, "1", D(2025, 3, 1))
    theirs = make_account(monthly_bands_creditor, "1", D(2025, 3, 1))

    run_cycle(D(2025, 4, 10), creditor=creditor)

    assert stage_of(mine) == (40, "mora_temprana")
    assert stage_of(theirs) == (0, None)


def test_cycle_query_count_does_not_grow_with_accounts(
    creditor, django_assert_max_num_queries
):
    for number in range(60):
        make_account(creditor, str(number), D(2025, 1, 1) + datetime.timedelta(number))

    with django_assert_max_num_queries(25):
        run = run_cycle(D(2025, 6, 30))

    assert run.accounts == 60
    assert run.stage_changes == 60


def test_days_past_due_function_matches_the_worked_table():
    due = D(2025, 3, 10)

    assert [days_past_due(due, D(2025, 3, d)) for d in (9, 10, 11)] == [0, 0, 1]
    assert days_past_due(due, D(2025, 3, 16), grace_days=5) == 1
    assert days_past_due(None, D(2025, 3, 16)) == 0


# Case C13: 2025-03-11T01:30Z is still 10/03 (22:30) in Buenos Aires.
@time_machine.travel(datetime.datetime(2025, 3, 11, 1, 30, tzinfo=datetime.UTC))
def test_cycle_late_evening_utc_is_still_the_local_due_date(creditor):
    account = make_account(creditor, "1", D(2025, 3, 10))

    run = run_cycle()

    assert run.as_of == D(2025, 3, 10)
    assert stage_of(account) == (0, "activa")


@time_machine.travel(datetime.datetime(2025, 3, 11, 3, 0, tzinfo=datetime.UTC))
def test_cycle_local_midnight_makes_unpaid_amount_one_day_late(creditor):
    account = make_account(creditor, "1", D(2025, 3, 10))

    run = run_cycle()

    assert run.as_of == D(2025, 3, 11)
    assert stage_of(account) == (1, "mora_temprana")
