"""The work queues and the account locks, on the floor of conftest.py.

Area "tarjetas" holds T-1..T-5; T-5 owes nothing. By the queue's order
(stage, then days past due, then balance, most first):
T-2 (mora tardía), T-4 (temprana, 60 days), T-3 (30 days, $ 9.000),
T-1 (30 days, $ 5.000).
"""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from recupero.access.actions import assign_accounts
from recupero.collections.models import AccountState, Channel
from recupero.console import pages
from recupero.console.actions import (
    LOCK_DURATION,
    open_account,
    record_result,
    release_account,
    take_next_account,
)
from recupero.console.models import AccountLock
from recupero.console.pages import get_queue_page
from recupero.console.queue import agent_queue, area_queue
from recupero.portfolios.models import Account, Stage

from .conftest import NOW, TODAY

CARDS_ORDER = ["T-2", "T-4", "T-3", "T-1"]


def numbers(accounts) -> list[str]:
    return [account.number for account in accounts]


def test_agent_queue_is_ordered_by_stage_days_and_balance(floor):
    assert numbers(agent_queue(floor.ana, now=NOW)) == CARDS_ORDER
    assert numbers(agent_queue(floor.carla, now=NOW)) == ["L-1"]
    assert numbers(area_queue(floor.cards_area, now=NOW)) == CARDS_ORDER


def test_next_account_locks_it_away_from_every_other_agent(floor):
    first = take_next_account(floor.ana, now=NOW)
    second = take_next_account(floor.beto, now=NOW)

    assert (first.number, second.number) == ("T-2", "T-4")
    assert numbers(agent_queue(floor.beto, now=NOW)) == ["T-4", "T-3", "T-1"]
    # The area's queue shows what is still free for anyone.
    assert numbers(area_queue(floor.cards_area, now=NOW)) == ["T-3", "T-1"]


def test_a_result_is_refused_to_an_agent_who_does_not_hold_the_account(
    floor, time_machine
):
    time_machine.move_to(NOW)
    t2 = take_next_account(floor.ana, now=NOW)

    with pytest.raises(ValidationError) as refused:
        record_result(floor.beto, t2, code="NA", channel=Channel.OUTBOUND_CALL)

    assert refused.value.code == "account_locked"
    assert "Ana" in refused.value.messages[0]
    assert not AccountState.objects.filter(account=t2).exists()


def test_a_result_for_all_the_debtors_accounts_is_refused_if_another_holds_one(
    floor, time_machine
):
    time_machine.move_to(NOW)
    t1 = floor.accounts["T-1"]
    second = Account.objects.create(
        creditor=t1.creditor,
        portfolio=t1.portfolio,
        debtor=t1.debtor,
        number="T-1B",
        capital=Decimal("50.00"),
    )
    open_account(floor.ana, t1)
    open_account(floor.beto, second)

    with pytest.raises(ValidationError) as refused:
        record_result(
            floor.ana,
            t1,
            code="TIT",
            channel=Channel.OUTBOUND_CALL,
            all_debtor_accounts=True,
        )
    alone = record_result(floor.ana, t1, code="TIT", channel=Channel.OUTBOUND_CALL)

    assert refused.value.code == "account_locked"
    assert "Beto" in refused.value.messages[0]
    assert list(alone.accounts.values_list("number", flat=True)) == ["T-1"]


def test_a_recorded_attempt_takes_the_account_out_of_the_queue_until_its_date(
    floor, time_machine
):
    time_machine.move_to(NOW)
    t2 = take_next_account(floor.ana, now=NOW)
    record_result(floor.ana, t2, code="NA", channel=Channel.OUTBOUND_CALL)

    # "No atiende" tries again the next day.
    assert AccountState.objects.get(account=t2).next_attempt_on == datetime.date(
        2025, 3, 11
    )
    assert take_next_account(floor.ana, now=NOW).number == "T-4"
    tomorrow = NOW + datetime.timedelta(days=1)
    assert numbers(agent_queue(floor.ana, now=tomorrow))[0] == "T-2"


def test_the_day_turns_in_the_creditors_time_zone(floor):
    t2 = floor.accounts["T-2"]
    AccountState.objects.create(account=t2, next_attempt_on=datetime.date(2025, 3, 11))
    # 02:30 UTC on the 11th is still 23:30 on the 10th in Buenos Aires.
    late_evening = datetime.datetime(2025, 3, 11, 2, 30, tzinfo=datetime.UTC)
    morning = datetime.datetime(2025, 3, 11, 3, 30, tzinfo=datetime.UTC)

    assert "T-2" not in numbers(agent_queue(floor.ana, now=late_evening))
    assert "T-2" in numbers(agent_queue(floor.ana, now=morning))


def test_deceased_and_settled_accounts_leave_the_queue(floor, time_machine):
    time_machine.move_to(NOW)
    t2 = take_next_account(floor.ana, now=NOW)
    record_result(floor.ana, t2, code="FALL", channel=Channel.OUTBOUND_CALL)

    assert "T-2" not in numbers(agent_queue(floor.ana, now=NOW))
    assert "T-2" not in numbers(agent_queue(floor.ana, now=NOW + 30 * LOCK_DURATION))


def test_a_lock_left_open_lapses(floor):
    take_next_account(floor.ana, now=NOW)
    later = NOW + LOCK_DURATION + datetime.timedelta(seconds=1)

    assert take_next_account(floor.beto, now=later).number == "T-2"
    assert AccountLock.objects.get(account__number="T-2").user == floor.beto


def test_opening_an_account_by_its_page_locks_it_if_free(floor):
    t3 = floor.accounts["T-3"]

    assert open_account(floor.ana, t3, now=NOW).user == floor.ana
    assert open_account(floor.beto, t3, now=NOW) is None
    assert release_account(floor.ana, t3)
    assert open_account(floor.beto, t3, now=NOW).user == floor.beto


def test_next_account_hands_back_the_one_held(floor):
    take_next_account(floor.ana, now=NOW)
    take_next_account(floor.ana, now=NOW)

    # T-2 was handed back and is still the first due: it comes again.
    assert list(AccountLock.objects.values_list("account__number", "user")) == [
        ("T-2", floor.ana.pk)
    ]


def test_opening_another_account_hands_back_the_one_held(floor):
    for number in ["T-1", "T-3", "T-4"]:
        open_account(floor.ana, floor.accounts[number], now=NOW)

    assert list(AccountLock.objects.values_list("account__number", "user")) == [
        ("T-4", floor.ana.pk)
    ]
    assert numbers(agent_queue(floor.beto, now=NOW)) == ["T-2", "T-3", "T-1"]


def test_assignments_move_accounts_between_queues(floor):
    t1 = floor.accounts["T-1"]
    assign_accounts(
        type(t1).objects.filter(pk=t1.pk), area=floor.cards_area, agent=floor.beto
    )
    l1 = floor.accounts["L-1"]
    assign_accounts(type(l1).objects.filter(pk=l1.pk), area=floor.cards_area)

    assert numbers(agent_queue(floor.ana, now=NOW)) == ["L-1", "T-2", "T-4", "T-3"]
    assert numbers(agent_queue(floor.beto, now=NOW)) == [
        "L-1",
        "T-2",
        "T-4",
        "T-3",
        "T-1",
    ]
    assert numbers(agent_queue(floor.carla, now=NOW)) == []
    assert numbers(area_queue(floor.loans_area, now=NOW)) == []


def test_an_empty_queue_gives_no_account(floor):
    AccountState.objects.bulk_create(
        AccountState(account=a, next_attempt_on=TODAY + datetime.timedelta(days=1))
        for a in floor.accounts.values()
    )

    assert take_next_account(floor.carla, now=NOW) is None


@pytest.mark.django_db(transaction=True)
def test_two_agents_asking_at_the_same_instant_get_different_accounts(floor):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    taken: dict[str, str] = {}
    start = threading.Barrier(2)

    def ask(agent):
        from django.db import connection as own

        start.wait()
        try:
            taken[agent.username] = take_next_account(agent, now=NOW).number
        finally:
            own.close()

    threads = [threading.Thread(target=ask, args=(a,)) for a in (floor.ana, floor.beto)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(taken.values()) == ["T-2", "T-4"]


def stage_positions(*numbers: str) -> list[int]:
    return [Account.objects.get(number=n).stage_position for n in numbers]


def test_the_queue_follows_the_stage_whatever_writes_it(floor):
    # The queue is ordered by Account.stage_position, which the database
    # keeps (triggers): a SQLite table rebuild in a later migration would
    # drop them, and this would fail.
    t2, t4 = floor.accounts["T-2"], floor.accounts["T-4"]
    early = t4.stage
    assert stage_positions("T-2", "T-4") == [t2.stage.position, early.position]

    # A set-based update of the stage, as the nightly cycle does.
    Account.objects.filter(pk=t2.pk).update(stage=early)
    assert stage_positions("T-2") == [early.position]
    assert numbers(agent_queue(floor.ana, now=NOW)) == ["T-2", "T-4", "T-3", "T-1"]

    # Moving the stage to the top moves its accounts to the head.
    Stage.objects.filter(pk=early.pk).update(position=99)
    assert stage_positions("T-2", "T-4") == [99, 99]
    t3 = Account.objects.get(number="T-3")
    t3.stage = None
    t3.save()
    assert stage_positions("T-3") == [-1]
    assert numbers(agent_queue(floor.ana, now=NOW)) == ["T-2", "T-4", "T-1", "T-3"]

    # A new account gets its stage's position on insert.
    new = Account.objects.create(
        creditor=t2.creditor,
        portfolio=t2.portfolio,
        debtor=t2.debtor,
        number="T-9",
        stage=early,
    )
    assert stage_positions(new.number) == [99]


def test_the_queue_page_counts_up_to_a_cap(client, floor, monkeypatch):
    monkeypatch.setattr(pages, "QUEUE_COUNT_CAP", 3)

    page = get_queue_page(floor.ana)

    assert (page.due, page.more, len(page.accounts)) == (3, True, 4)
    client.force_login(floor.ana)
    content = client.get("/consola/").content.decode()
    assert "3+ cuentas para gestionar ahora" in content

    monkeypatch.setattr(pages, "QUEUE_COUNT_CAP", 4)
    assert (get_queue_page(floor.ana).due, get_queue_page(floor.ana).more) == (4, False)
