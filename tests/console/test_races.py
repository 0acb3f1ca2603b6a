"""Writes that arrive at the same instant on PostgreSQL.

SQLite runs one write transaction at a time, so these races need
PostgreSQL; each thread has its own connection, closed at its end.
"""

import datetime
import threading
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from recupero.collections.actions import PromiseTerms, register_activity
from recupero.collections.mass_jobs import record_mass_result_now
from recupero.collections.models import (
    AccountState,
    Activity,
    Promise,
    StateChange,
)
from recupero.console.actions import take_next_account
from recupero.console.models import AccountLock
from recupero.portfolios.models import Account

from .conftest import NOW

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises writers; the race needs PostgreSQL",
    ),
]


@pytest.fixture(autouse=True)
def at_ten_march(time_machine):
    time_machine.move_to(NOW, tick=False)


def at_once(*calls):
    """Run each call in its own thread, all released together; return what
    each returned or raised, in order."""
    start = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(index, call):
        from django.db import connection as own

        start.wait()
        try:
            outcomes[index] = call()
        except Exception as error:  # noqa: BLE001 - the outcome under test
            outcomes[index] = error
        finally:
            own.close()

    threads = [
        threading.Thread(target=run, args=(index, call))
        for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_two_promises_at_once_never_pass_the_balance(floor):
    # T-1 owes 5.000,00: two promises of 3.000,00 cannot both fit.
    account = floor.accounts["T-1"]

    def promise(agent):
        return lambda: register_activity(
            account=account,
            code="PP",
            channel="outbound_call",
            user=agent,
            promise=PromiseTerms(Decimal("3000.00"), datetime.date(2025, 3, 20)),
        )

    outcomes = at_once(promise(floor.ana), promise(floor.beto))

    refused = [each for each in outcomes if isinstance(each, ValidationError)]
    assert len(refused) == 1
    assert Promise.objects.filter(account=account).count() == 1


def test_results_at_once_are_applied_one_after_the_other(floor):
    # No answer and a refusal to pay on an account nobody worked: whatever
    # the order, the state ends as a refusal (a later no-answer does not
    # undo it), and the second change starts where the first ended.
    account = floor.accounts["T-3"]

    def result(code, agent):
        return lambda: register_activity(
            account=account, code=code, channel="outbound_call", user=agent
        )

    at_once(result("NA", floor.ana), result("NEG", floor.beto))

    assert AccountState.objects.get(account=account).state == "negativa_pago"
    changes = StateChange.objects.filter(account=account).order_by("pk")
    steps = list(changes.values_list("from_state", "to_state"))
    assert steps[0][0] == "sin_gestion"
    assert all(
        later[0] == earlier[1] for earlier, later in zip(steps, steps[1:], strict=False)
    )


def test_one_agent_asking_twice_at_once_holds_one_account(floor):
    outcomes = at_once(
        lambda: take_next_account(floor.ana, now=NOW),
        lambda: take_next_account(floor.ana, now=NOW),
    )

    assert all(outcome is not None for outcome in outcomes)
    assert AccountLock.objects.filter(user=floor.ana).count() == 1


def test_the_same_mass_form_posted_twice_at_once_records_once(floor):
    # Both requests find the same count; only the token tells them apart.
    token = uuid.uuid4()
    accounts = Account.objects.filter(portfolio=floor.cards)

    def post():
        return record_mass_result_now(
            accounts, "ENV", channel="letter", user=floor.ana, token=token
        )

    outcomes = at_once(post, post)

    refused = [each for each in outcomes if isinstance(each, ValidationError)]
    assert len(refused) == 1
    assert refused[0].code == "already_recorded"
    assert Activity.objects.count() == accounts.count()
