"""The collections part of the nightly run."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from recupero.access.models import AuditEvent
from recupero.collections.actions import (
    PromiseTerms,
    get_account_state,
    register_activity,
)
from recupero.collections.models import AccountState, DebtorState, StateChange
from recupero.collections.nightly import night_runs, run_collections_night
from recupero.parties.models import ContactKind, ContactPoint, ContactStatus
from tests.collections.conftest import NOW

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2025, 3, 11)


def test_night_gives_every_account_a_state(make_account, debtor, phone):
    first = make_account("A-1", debtor)
    second = make_account("A-2", debtor)

    run_collections_night(AS_OF)

    assert AccountState.objects.filter(state="sin_gestion").count() == 2
    assert {get_account_state(first), get_account_state(second)} == {"sin_gestion"}
    assert DebtorState.objects.get().state == "sin_gestion"


def test_night_settles_accounts_paid_off(make_account, phone, debtor):
    paid = make_account("A-1", debtor, balance="0.00")
    owing = make_account("A-2", debtor, balance="10.00")

    summary = run_collections_night(AS_OF)

    assert summary.settled == 1
    assert get_account_state(paid) == "cancelada"
    assert get_account_state(owing) == "sin_gestion"


def test_night_reopens_settled_accounts_that_owe_again(make_account, phone, debtor):
    # A-1 was settled and then charged again by a path that did not reopen
    # it; A-2 is settled and still paid off.
    charged = make_account("A-1", debtor, balance="75.00")
    paid = make_account("A-2", debtor, balance="0.00")
    AccountState.objects.create(
        account=charged, state="cancelada", next_attempt_on=datetime.date(2025, 6, 1)
    )
    AccountState.objects.create(account=paid, state="cancelada")

    summary = run_collections_night(AS_OF)

    assert (summary.settled, summary.reopened) == (0, 1)
    state = AccountState.objects.get(account=charged)
    assert (state.state, state.next_attempt_on) == ("sin_gestion", AS_OF)
    assert get_account_state(paid) == "cancelada"
    assert DebtorState.objects.get().state == "sin_gestion"
    reopened = StateChange.objects.filter(event="debt_reopened")
    assert list(reopened.values_list("account__number", flat=True)) == ["A-1"]
    audit = AuditEvent.objects.filter(changes__event="debt_reopened")
    assert list(audit.values_list("object_id", flat=True)) == [str(charged.pk)]
    assert run_collections_night(AS_OF).reopened == 0


def test_debtor_without_usable_contact_point_is_unreachable(account, debtor):
    ContactPoint.objects.create(
        debtor=debtor,
        kind=ContactKind.PHONE,
        raw="1",
        value="+541141234567",
        status=ContactStatus.INVALID,
    )

    summary = run_collections_night(AS_OF)

    assert summary.unreachable == 1
    assert get_account_state(account) == "ilocalizable"
    assert DebtorState.objects.get().state == "ilocalizable"


def test_new_contact_point_brings_an_unreachable_account_back(
    account, phone, agent, debtor
):
    register_activity(
        account=account,
        code="NEQ",
        channel="outbound_call",
        user=agent,
        contact_point=phone,
        started_at=NOW,
    )
    assert get_account_state(account) == "ilocalizable"
    ContactPoint.objects.create(
        debtor=debtor, kind=ContactKind.EMAIL, raw="j@x.com", value="j@x.com"
    )

    summary = run_collections_night(AS_OF)

    assert (summary.unreachable, summary.reachable_again) == (0, 1)
    assert get_account_state(account) == "sin_contacto"


def test_night_leaves_a_pending_promise_of_an_unreachable_debtor(account, phone, agent):
    register_activity(
        account=account,
        code="PP",
        channel="inbound_call",
        user=agent,
        contact_point=phone,
        started_at=NOW,
        promise=PromiseTerms(Decimal("10.00"), datetime.date(2025, 3, 20)),
    )
    ContactPoint.objects.update(status=ContactStatus.WRONG)

    summary = run_collections_night(AS_OF)

    assert summary.unreachable == 0
    assert get_account_state(account) == "promesa_vigente"


def test_night_runs_once_for_creditors_sharing_a_business_date(
    creditor, other_creditor
):
    with time_machine.travel(NOW, tick=False):
        runs = night_runs()

    assert runs == [(datetime.date(2025, 3, 10), None)]


def test_night_runs_per_creditor_when_their_dates_differ(creditor, other_creditor):
    other_creditor.time_zone = "Asia/Tokyo"
    other_creditor.save(update_fields=["time_zone"])
    # 14:00 UTC on 10/03 is 23:00 in Tokyo, still 10/03; 16:00 UTC is 11/03.
    late = NOW + datetime.timedelta(hours=2)

    with time_machine.travel(late, tick=False):
        runs = night_runs()

    assert runs == [
        (datetime.date(2025, 3, 10), creditor),
        (datetime.date(2025, 3, 11), other_creditor),
    ]


def test_night_runs_for_a_given_date_keep_the_creditor_filter(creditor):
    assert night_runs(AS_OF, creditor=creditor) == [(AS_OF, creditor)]
    assert night_runs(AS_OF) == [(AS_OF, None)]
