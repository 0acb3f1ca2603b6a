"""``recupero cycle``: aging, then the collections night, for the same date.

The book: ACME (no grace days, Buenos Aires) with

    account  debtor  balance  what happens on the night of 25/03/2025
    P-1      Juan    1000     promise of 500 due 20/03, deadline 22/03,
                              nothing paid: broken, back in the queue
    Z-1      Ana     0        paid off: settled
    U-1      Luis    1000     no usable contact point: unreachable

Juan and Ana have a phone each; Luis's only phone is invalid.
"""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import translation

from recupero.access.models import AuditEvent
from recupero.collections.actions import register_promise
from recupero.collections.models import AccountState, DebtorState, Promise, StateChange
from recupero.parties.models import ContactKind, ContactPoint, ContactStatus, Debtor
from recupero.portfolios.models import Account, Portfolio

pytestmark = pytest.mark.django_db

D = datetime.date
TAKEN_AT = datetime.datetime(2025, 3, 10, 14, 0, tzinfo=datetime.UTC)
AS_OF = D(2025, 3, 25)


def add_account(creditor, number, name, balance, phone_status):
    portfolio, _ = Portfolio.objects.get_or_create(
        creditor=creditor,
        code="p1",
        defaults={"name": "P1", "placed_on": D(2025, 1, 1)},
    )
    debtor = Debtor.objects.create(identity_key=f"ext:{number}", name=name)
    ContactPoint.objects.create(
        debtor=debtor,
        kind=ContactKind.PHONE,
        raw=number,
        value=f"+5411400000{len(number)}{number[-1]}",
        status=phone_status,
    )
    return Account.objects.create(
        creditor=creditor,
        portfolio=portfolio,
        debtor=debtor,
        number=number,
        capital=Decimal(balance),
        due_date=D(2025, 2, 1),
    )


@pytest.fixture
def book(creditor):
    promised = add_account(creditor, "P-1", "Juan", "1000.00", ContactStatus.CONFIRMED)
    paid = add_account(creditor, "Z-1", "Ana", "0.00", ContactStatus.UNVERIFIED)
    lost = add_account(creditor, "U-1", "Luis", "1000.00", ContactStatus.INVALID)
    # Taken on the day it says: a promise may not be dated before today.
    with time_machine.travel(TAKEN_AT, tick=False):
        register_promise(
            account=promised,
            amount=Decimal("500.00"),
            due_on=D(2025, 3, 20),
            channel="outbound_call",
            user=None,
            at=TAKEN_AT,
        )
    return promised, paid, lost


def run_cycle_command(*args: str) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("cycle", "--as-of=2025-03-25", *args, stdout=out)
    return out.getvalue()


def state_of(account) -> tuple[str, datetime.date | None]:
    state = AccountState.objects.get(account=account)
    return state.state, state.next_attempt_on


def snapshot() -> dict[str, object]:
    return {
        "accounts": sorted(
            AccountState.objects.values_list(
                "account_id", "state", "changed_at", "next_attempt_on"
            )
        ),
        "debtors": sorted(DebtorState.objects.values_list("debtor_id", "state")),
        "changes": sorted(
            StateChange.objects.values_list(
                "account_id", "from_state", "to_state", "event", "changed_at"
            )
        ),
        "promises": list(
            Promise.objects.values_list("pk", "status", "decided_on", "paid_amount")
        ),
    }


def test_cycle_breaks_the_promise_past_its_deadline_and_queues_the_account(book):
    promised, paid, lost = book
    assert state_of(promised) == ("promesa_vigente", D(2025, 3, 23))

    output = run_cycle_command()

    promise = Promise.objects.get()
    assert (promise.status, promise.decided_on) == ("broken", AS_OF)
    assert state_of(promised) == ("promesa_incumplida", AS_OF)
    assert state_of(promised)[1] <= AS_OF
    assert state_of(paid)[0] == "cancelada"
    assert state_of(lost)[0] == "ilocalizable"
    # Aged as well: due 01/02, no grace, 52 days late on 25/03.
    promised.refresh_from_db()
    assert promised.days_past_due == 52
    assert "Collections night of 25/03/2025:" in output
    assert "1 accounts settled, 0 reopened, 1 unreachable, 0 reachable again." in output
    assert (
        "Promises: 0 kept, 0 partly kept, 1 broken; 1 accounts back in the queue."
    ) in output


def test_cycle_audits_each_account_it_moved_as_the_system(book):
    promised, paid, lost = book

    run_cycle_command()

    moves = AuditEvent.objects.filter(object_type="portfolios.account")
    assert sorted(
        (int(event.object_id), event.action, event.actor_id, event.changes["event"])
        for event in moves
    ) == sorted(
        [
            (promised.pk, "change", None, "promise_broken"),
            (paid.pk, "change", None, "paid_in_full"),
            (lost.pk, "change", None, "contact_points_exhausted"),
        ]
    )
    assert moves.get(object_id=str(promised.pk)).changes == {
        "event": "promise_broken",
        "from_state": "promesa_vigente",
        "to_state": "promesa_incumplida",
        "as_of": "2025-03-25",
    }


def test_cycle_run_twice_for_a_date_does_nothing_the_second_time(book):
    run_cycle_command()
    before = snapshot()
    changes = StateChange.objects.count()
    audited = AuditEvent.objects.count()

    output = run_cycle_command()

    assert snapshot() == before
    assert StateChange.objects.count() == changes
    assert AuditEvent.objects.count() == audited
    assert "0 accounts settled, 0 reopened, 0 unreachable, 0 reachable again." in output
    assert (
        "Promises: 0 kept, 0 partly kept, 0 broken; 0 accounts back in the queue."
    ) in output


def test_cycle_for_one_creditor_leaves_the_others_promises(book, other_creditor):
    foreign = add_account(
        other_creditor, "G-1", "Pedro", "800.00", ContactStatus.CONFIRMED
    )
    with time_machine.travel(TAKEN_AT, tick=False):
        register_promise(
            account=foreign,
            amount=Decimal("100.00"),
            due_on=D(2025, 3, 20),
            channel="outbound_call",
            user=None,
            at=TAKEN_AT,
        )

    output = run_cycle_command("--creditor=acme")

    assert Promise.objects.get(account=foreign).status == "pending"
    assert state_of(foreign) == ("promesa_vigente", D(2025, 3, 23))
    assert Promise.objects.get(account=book[0]).status == "broken"
    assert "Collections night of 25/03/2025 for acme:" in output


@pytest.mark.parametrize("typed", ["2005-13-01", "mañana"])
def test_a_date_that_cannot_be_read_is_a_usage_error_in_spanish(typed, capsys):
    with pytest.raises(CommandError) as refused:
        call_command("cycle", f"--as-of={typed}")

    assert f"«{typed}» no es una fecha (aaaa-mm-dd o dd/mm/aaaa)" in str(refused.value)


def test_an_unknown_creditor_is_refused_in_spanish(db):
    with pytest.raises(CommandError, match="No hay un acreedor con código 'nope'"):
        call_command("cycle", "--creditor=nope")
