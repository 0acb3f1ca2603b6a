"""Promises to pay: kept, partly kept or broken, around the grace period.

The promise of these tests is taken on 10/03/2025 for $ 1.000,00 on
15/03/2025 (D) with a creditor whose grace is 3 days (g), so payments dated
up to 18/03 (D + g) count and the nightly run of 19/03 (D + g + 1) is the
first to decide it.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from recupero.collections.actions import (
    get_account_state,
    register_activity,
    register_promise,
)
from recupero.collections.models import AccountState, CollectionsPolicy, Promise
from recupero.collections.promises import (
    PromiseEvaluation,
    apply_payment_to_promises,
    evaluate_due_promises,
)
from tests.collections.conftest import NOW

pytestmark = pytest.mark.django_db

D = datetime.date
DUE = D(2025, 3, 15)
LAST_GRACE_DAY = D(2025, 3, 18)
DAY_AFTER = D(2025, 3, 19)


@pytest.fixture
def policy(creditor):
    return CollectionsPolicy.objects.create(creditor=creditor, promise_grace_days=3)


@pytest.fixture
def promise(policy, account, agent) -> Promise:
    return register_promise(
        account=account,
        amount=Decimal("1000.00"),
        due_on=DUE,
        channel="outbound_call",
        user=agent,
        at=NOW,
    )


def status(promise):
    promise.refresh_from_db()
    return promise.status, promise.paid_amount


def test_promise_deadline_is_due_date_plus_creditors_grace(promise, account):
    assert (promise.grace_days, promise.deadline) == (3, LAST_GRACE_DAY)
    state = AccountState.objects.get(account=account)
    assert (state.state, state.next_attempt_on) == ("promesa_vigente", DAY_AFTER)


def attempt(account, agent, code, at, **kw):
    register_activity(
        account=account,
        code=code,
        channel="outbound_call",
        user=agent,
        started_at=at,
        **kw,
    )
    return AccountState.objects.get(account=account)


def test_a_call_meanwhile_does_not_bring_a_promised_account_back(
    promise, account, agent
):
    # No answer is due again the next day (11/03), but the promise holds
    # the account until the day after its last grace day.
    state = attempt(account, agent, "NA", NOW + datetime.timedelta(hours=1))

    assert (state.next_attempt_on, state.last_result_code.code) == (DAY_AFTER, "NA")


def test_a_date_the_agent_chose_wins_over_the_promise(promise, account, agent):
    chosen = D(2025, 3, 12)

    state = attempt(
        account, agent, "NA", NOW + datetime.timedelta(hours=1), next_attempt_on=chosen
    )

    assert state.next_attempt_on == chosen


def test_an_older_activity_reported_late_changes_no_later_decision(
    promise, account, agent
):
    attempt(account, agent, "TIT", NOW + datetime.timedelta(hours=1))

    state = attempt(account, agent, "NA", NOW - datetime.timedelta(days=30))

    assert (state.next_attempt_on, state.last_result_code.code) == (DAY_AFTER, "TIT")
    assert state.last_activity_at == NOW + datetime.timedelta(hours=1)
    assert state.activity_count == 2


@pytest.mark.parametrize(
    "as_of", [DUE, LAST_GRACE_DAY - datetime.timedelta(days=1), LAST_GRACE_DAY]
)
def test_unpaid_promise_stays_pending_until_grace_ends(promise, account, as_of):
    result = evaluate_due_promises(as_of)

    assert result == PromiseEvaluation(0, 0, 0, 0)
    assert status(promise) == ("pending", Decimal("0.00"))
    assert get_account_state(account) == "promesa_vigente"


def test_unpaid_promise_is_broken_the_day_after_grace(promise, account):
    result = evaluate_due_promises(DAY_AFTER)

    assert result == PromiseEvaluation(
        kept=0, partly_kept=0, broken=1, accounts_to_queue=1
    )
    assert status(promise) == ("broken", Decimal("0.00"))
    state = AccountState.objects.get(account=account)
    assert (state.state, state.next_attempt_on) == ("promesa_incumplida", DAY_AFTER)
    assert promise.decided_on == DAY_AFTER


def test_partly_paid_promise_is_partly_kept_and_requeued(promise, account):
    apply_payment_to_promises(account, Decimal("400.00"), D(2025, 3, 16))

    result = evaluate_due_promises(DAY_AFTER)

    assert (result.partly_kept, result.broken, result.accounts_to_queue) == (1, 0, 1)
    assert status(promise) == ("partly_kept", Decimal("400.00"))
    assert get_account_state(account) == "promesa_incumplida"


@pytest.mark.parametrize("paid_on", [D(2025, 3, 10), DUE, LAST_GRACE_DAY])
def test_full_payment_by_the_last_grace_day_keeps_it(promise, account, paid_on):
    outcome = apply_payment_to_promises(account, Decimal("1000.00"), paid_on)

    assert outcome.allocated == Decimal("1000.00")
    assert outcome.state == "contactado"
    assert status(promise) == ("kept", Decimal("1000.00"))
    assert promise.decided_on == paid_on
    assert evaluate_due_promises(DAY_AFTER) == PromiseEvaluation(0, 0, 0, 0)


def test_two_payments_add_up_to_keep_it(promise, account):
    apply_payment_to_promises(account, Decimal("300.00"), D(2025, 3, 12))
    assert status(promise) == ("pending", Decimal("300.00"))
    assert get_account_state(account) == "promesa_vigente"

    apply_payment_to_promises(account, Decimal("700.00"), D(2025, 3, 17))

    assert status(promise) == ("kept", Decimal("1000.00"))
    assert get_account_state(account) == "contactado"


def test_payment_after_grace_does_not_count(promise, account):
    outcome = apply_payment_to_promises(account, Decimal("1000.00"), DAY_AFTER)

    assert outcome.allocated == Decimal("0.00")
    assert status(promise) == ("pending", Decimal("0.00"))
    evaluate_due_promises(DAY_AFTER)
    assert status(promise)[0] == "broken"


def test_late_arriving_payment_dated_within_grace_repairs_the_promise(promise, account):
    evaluate_due_promises(DAY_AFTER)

    # The bank file of 20/03 brings a payment made on 18/03.
    apply_payment_to_promises(account, Decimal("1000.00"), LAST_GRACE_DAY)

    assert status(promise) == ("kept", Decimal("1000.00"))
    assert get_account_state(account) == "contactado"


def test_late_arriving_partial_payment_makes_a_broken_promise_partly_kept(
    promise, account
):
    evaluate_due_promises(DAY_AFTER)

    apply_payment_to_promises(account, Decimal("250.00"), D(2025, 3, 14))

    assert status(promise) == ("partly_kept", Decimal("250.00"))
    assert get_account_state(account) == "promesa_incumplida"


def test_payment_goes_to_the_oldest_promise_first(policy, account, agent):
    def take(amount, due_on):
        return register_promise(
            account=account,
            amount=Decimal(amount),
            due_on=due_on,
            channel="whatsapp",
            user=agent,
            at=NOW,
        )

    first = take("500.00", D(2025, 3, 12))
    second = take("500.00", D(2025, 3, 20))

    outcome = apply_payment_to_promises(account, Decimal("700.00"), D(2025, 3, 12))

    assert outcome.allocated == Decimal("700.00")
    assert status(first) == ("kept", Decimal("500.00"))
    assert status(second) == ("pending", Decimal("200.00"))
    # Something is still promised, so the account keeps waiting.
    assert get_account_state(account) == "promesa_vigente"


def test_payment_that_clears_the_balance_settles_the_account(promise, account):
    # The payments app lowers the balance first, then tells the promises.
    account.capital = Decimal("0.00")
    account.save()

    outcome = apply_payment_to_promises(account, Decimal("600.00"), DUE)

    assert outcome.state == "cancelada"
    assert status(promise) == ("cancelled", Decimal("600.00"))


def test_payment_of_nothing_is_refused(promise, account):
    with pytest.raises(ValidationError) as refused:
        apply_payment_to_promises(account, Decimal("0.00"), DUE)

    assert refused.value.code == "payment_amount"


@pytest.mark.parametrize(
    "amount",
    ["1000.01", "999.999", "9999999999999999.99"],
    ids=["a cent above the balance", "a fraction of a cent", "sixteen digits"],
)
def test_promise_above_the_balance_or_below_a_cent_is_refused(
    policy, account, agent, amount
):
    with pytest.raises(ValidationError) as refused:
        register_promise(
            account=account,
            amount=Decimal(amount),
            due_on=DUE,
            channel="outbound_call",
            user=agent,
            at=NOW,
        )

    assert refused.value.code == "promise_amount"
    assert not Promise.objects.exists()


def test_a_second_promise_fits_only_what_the_first_leaves(policy, account, agent):
    def take(amount):
        return register_promise(
            account=account,
            amount=Decimal(amount),
            due_on=DUE,
            channel="outbound_call",
            user=agent,
            at=NOW,
        )

    take("600.00")
    with pytest.raises(ValidationError) as refused:
        take("400.01")
    take("400.00")

    assert refused.value.code == "promise_amount"
    assert "$ 400,00" in refused.value.messages[0]
    assert Promise.objects.count() == 2


def test_grace_is_the_creditors(make_account, creditor, other_creditor, agent):
    CollectionsPolicy.objects.create(creditor=creditor, promise_grace_days=0)
    CollectionsPolicy.objects.create(creditor=other_creditor, promise_grace_days=5)
    strict = make_account("A-1")
    lenient = make_account("B-1", of=other_creditor)
    for account in (strict, lenient):
        register_promise(
            account=account,
            amount=Decimal("100.00"),
            due_on=DUE,
            channel="outbound_call",
            user=agent,
            at=NOW,
        )

    result = evaluate_due_promises(D(2025, 3, 16))

    assert result.broken == 1
    assert get_account_state(strict) == "promesa_incumplida"
    assert get_account_state(lenient) == "promesa_vigente"


def test_evaluating_twice_changes_nothing_more(promise, account, time_machine):
    evaluate_due_promises(DAY_AFTER)
    # The agent calls again and schedules the next attempt.
    called_at = datetime.datetime(2025, 3, 19, 15, 0, tzinfo=datetime.UTC)
    time_machine.move_to(called_at, tick=False)
    register_activity(
        account=account,
        code="NA",
        channel="outbound_call",
        user=None,
        started_at=called_at,
        next_attempt_on=D(2025, 3, 21),
    )

    result = evaluate_due_promises(DAY_AFTER)

    assert result == PromiseEvaluation(0, 0, 0, 0)
    assert AccountState.objects.get(account=account).next_attempt_on == D(2025, 3, 21)


def test_nightly_evaluation_is_set_based(
    policy, make_account, agent, django_assert_max_num_queries
):
    for n in range(25):
        account = make_account(f"P-{n}")
        register_promise(
            account=account,
            amount=Decimal("100.00"),
            due_on=DUE,
            channel="outbound_call",
            user=agent,
            at=NOW,
        )
        if n % 5 == 0:
            apply_payment_to_promises(account, Decimal("40.00"), DUE)

    with django_assert_max_num_queries(14):
        result = evaluate_due_promises(DAY_AFTER)

    assert result == PromiseEvaluation(
        kept=0, partly_kept=5, broken=20, accounts_to_queue=25
    )
