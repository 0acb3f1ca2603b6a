"""The automaton applied to rows: events on many accounts, plan hooks."""

import datetime

import pytest

from recupero.collections.actions import record_plan_broken, record_plan_signed
from recupero.collections.models import AccountState, DebtorState, StateChange
from recupero.collections.states import Event
from recupero.collections.transitions import (
    apply_event,
    refresh_debtor_states,
    reopen_settled,
)
from recupero.portfolios.models import Account
from tests.collections.conftest import NOW

pytestmark = pytest.mark.django_db


def test_plan_hooks_move_the_account_and_record_it(account):
    assert record_plan_signed(account, at=NOW) == "plan_vigente"
    assert record_plan_broken(account, at=NOW) == "plan_caido"

    changes = StateChange.objects.order_by("pk").values_list(
        "from_state", "to_state", "event"
    )
    assert list(changes) == [
        ("sin_gestion", "plan_vigente", "plan_signed"),
        ("plan_vigente", "plan_caido", "plan_broken"),
    ]
    assert DebtorState.objects.get().state == "plan_caido"


def test_plan_broken_without_a_plan_changes_nothing(account):
    assert record_plan_broken(account, at=NOW) == "sin_gestion"

    assert StateChange.objects.count() == 0


def test_event_moves_each_account_from_its_own_state(
    make_account, django_assert_max_num_queries
):
    states = ["sin_gestion", "contactado", "promesa_vigente", "cancelada"]
    accounts = [make_account(f"A-{n}") for n in range(len(states))]
    AccountState.objects.bulk_create(
        AccountState(account=account, state=state)
        for account, state in zip(accounts[1:], states[1:], strict=True)
    )
    later = NOW + datetime.timedelta(hours=1)

    with django_assert_max_num_queries(3):
        moved = apply_event(Account.objects.all(), Event.REFUSAL, at=later)

    assert moved == 3
    found = dict(AccountState.objects.values_list("account__number", "state"))
    assert found == {
        "A-0": "negativa_pago",
        "A-1": "negativa_pago",
        "A-2": "negativa_pago",
        "A-3": "cancelada",
    }
    assert StateChange.objects.filter(changed_at=later).count() == 3


def test_debtor_state_counts_accounts_without_a_state_row(make_account, debtor):
    paid = make_account("A-1", debtor)
    make_account("A-2", debtor)
    AccountState.objects.create(account=paid, state="cancelada")

    refresh_debtor_states(Account.objects.filter(pk=paid.pk), at=NOW)

    # The second account was never worked: the debtor is not settled.
    assert DebtorState.objects.get().state == "sin_gestion"


def test_reopen_settled_reopens_only_settled_accounts_that_owe(
    make_account, debtor, django_assert_max_num_queries
):
    owing = make_account("A-1", debtor, balance="50.00")
    paid = make_account("A-2", debtor, balance="0.00")
    working = make_account("A-3", debtor, balance="50.00")
    AccountState.objects.bulk_create(
        [
            AccountState(
                account=owing,
                state="cancelada",
                next_attempt_on=datetime.date(2025, 6, 1),
            ),
            AccountState(account=paid, state="cancelada"),
            AccountState(account=working, state="contactado"),
        ]
    )
    later = NOW + datetime.timedelta(hours=1)

    with django_assert_max_num_queries(9):
        reopened = reopen_settled(
            Account.objects.all(), at=later, due_on=datetime.date(2025, 3, 10)
        )

    assert reopened == 1
    found = AccountState.objects.order_by("account__number").values_list(
        "account__number", "state", "next_attempt_on"
    )
    assert list(found) == [
        ("A-1", "sin_gestion", datetime.date(2025, 3, 10)),
        ("A-2", "cancelada", None),
        ("A-3", "contactado", None),
    ]
    change = StateChange.objects.get()
    assert (change.from_state, change.to_state, change.event, change.changed_at) == (
        "cancelada",
        "sin_gestion",
        "debt_reopened",
        later,
    )
    assert DebtorState.objects.get().state == "contactado"


def test_reopen_settled_leaves_a_deceased_debtors_account_settled(account):
    one = Account.objects.filter(pk=account.pk)
    apply_event(one, Event.DECEASED, at=NOW)
    apply_event(one, Event.PAID_IN_FULL, at=NOW + datetime.timedelta(hours=1))
    later = NOW + datetime.timedelta(hours=2)

    reopened = reopen_settled(one, at=later, due_on=datetime.date(2025, 3, 10))

    assert reopened == 0
    assert AccountState.objects.get().state == "cancelada"
    assert not StateChange.objects.filter(changed_at=later).exists()
