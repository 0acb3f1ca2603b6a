"""A mass result written set-based: links, calendar days, debtors, refusals."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from recupero.access.models import AuditEvent
from recupero.collections.actions import (
    PromiseTerms,
    get_account_state,
    register_activity,
    register_mass_result,
)
from recupero.collections.models import (
    AccountState,
    Activity,
    ActivityAccount,
    DebtorState,
    StateChange,
)
from recupero.parties.models import Debtor
from recupero.portfolios.models import Account
from tests.collections.conftest import NOW

pytestmark = pytest.mark.django_db

D = datetime.date


def test_each_account_gets_its_own_activity_of_its_own_debtor(make_account, agent):
    twice = Debtor.objects.create(identity_key="ext:twice", name="Dos Cuentas")
    first = make_account("M-1", twice)
    second = make_account("M-2", twice)
    alone = make_account("M-3")
    outside = make_account("X-1")

    count = register_mass_result(
        Account.objects.filter(number__startswith="M-"),
        "ENV",
        channel="letter",
        user=agent,
        at=NOW,
        note="Carta 1",
    )

    assert count == 3
    links = ActivityAccount.objects.select_related("activity")
    assert sorted(link.account_id for link in links) == sorted(
        [first.pk, second.pk, alone.pk]
    )
    assert len({link.activity_id for link in links}) == 3
    for link in links:
        activity = link.activity
        assert activity.debtor_id == Account.objects.get(pk=link.account_id).debtor_id
        assert (activity.user, activity.channel, activity.note) == (
            agent,
            "letter",
            "Carta 1",
        )
        assert (activity.occurred_on, activity.next_attempt_on) == (
            D(2025, 3, 10),
            D(2025, 3, 17),
        )
    assert not outside.activity_links.exists()
    assert not AccountState.objects.filter(account=outside).exists()


def test_each_creditor_dates_the_activity_by_its_own_calendar(
    make_account, other_creditor
):
    other_creditor.time_zone = "Europe/Madrid"
    other_creditor.save()
    buenos_aires = make_account("M-1")
    madrid = make_account("M-2", of=other_creditor)
    # 02:00 UTC on 11/03 is 23:00 on 10/03 in Buenos Aires, 03:00 on 11/03
    # in Madrid.
    late = datetime.datetime(2025, 3, 11, 2, 0, tzinfo=datetime.UTC)

    count = register_mass_result(
        Account.objects.all(), "ENV", channel="letter", at=late
    )

    assert count == 2
    dated = {
        activity.creditor_id: (activity.occurred_on, activity.next_attempt_on)
        for activity in Activity.objects.all()
    }
    assert dated == {
        buenos_aires.creditor_id: (D(2025, 3, 10), D(2025, 3, 17)),
        madrid.creditor_id: (D(2025, 3, 11), D(2025, 3, 18)),
    }
    assert dict(AccountState.objects.values_list("account_id", "next_attempt_on")) == {
        buenos_aires.pk: D(2025, 3, 17),
        madrid.pk: D(2025, 3, 18),
    }
    linked = ActivityAccount.objects.values_list("account_id", "activity__creditor_id")
    assert sorted(linked) == sorted(
        [
            (buenos_aires.pk, buenos_aires.creditor_id),
            (madrid.pk, madrid.creditor_id),
        ]
    )


def test_the_debtor_keeps_the_state_of_an_account_left_out(make_account, agent):
    debtor = Debtor.objects.create(identity_key="ext:promised", name="Promete")
    promised = make_account("P-1", debtor)
    lettered = make_account("M-1", debtor)
    register_activity(
        account=promised,
        code="PP",
        channel="outbound_call",
        user=agent,
        started_at=NOW,
        promise=PromiseTerms(Decimal("10.00"), D(2025, 3, 12)),
    )

    register_mass_result(
        Account.objects.filter(pk=lettered.pk), "ENV", channel="letter", at=NOW
    )

    assert get_account_state(lettered) == "sin_contacto"
    assert DebtorState.objects.get(debtor=debtor).state == "promesa_vigente"
    assert StateChange.objects.filter(account=lettered).count() == 1


def test_a_second_run_at_the_same_time_adds_a_second_activity(make_account):
    accounts = [make_account(f"M-{n}") for n in range(3)]
    chosen = Account.objects.filter(number__startswith="M-")

    register_mass_result(chosen, "ENV", channel="letter", at=NOW)
    register_mass_result(chosen, "ENV", channel="letter", at=NOW)

    for account in accounts:
        assert account.activity_links.count() == 2
    assert set(AccountState.objects.values_list("activity_count", flat=True)) == {2}
    assert ActivityAccount.objects.values("activity").distinct().count() == 6


def test_the_audit_event_names_the_run_and_its_id_range(make_account, agent):
    for n in range(4):
        make_account(f"M-{n}")

    register_mass_result(
        Account.objects.all(), "ENV", channel="letter", user=agent, at=NOW
    )

    ids = sorted(Activity.objects.values_list("pk", flat=True))
    changes = AuditEvent.objects.get(changes__mass=True).changes
    assert changes == {
        "mass": True,
        "code": "ENV",
        "channel": "letter",
        "count": 4,
        "first_activity": ids[0],
        "last_activity": ids[-1],
        "started_at": NOW.isoformat(),
    }


def test_an_empty_selection_records_nothing(make_account):
    make_account("M-1")

    assert register_mass_result(Account.objects.none(), "ENV", channel="letter") == 0
    assert (
        register_mass_result(
            Account.objects.filter(number="none"), "ENV", channel="letter"
        )
        == 0
    )

    assert not Activity.objects.exists()
    assert not AuditEvent.objects.filter(changes__mass=True).exists()


def test_a_deceased_result_is_refused_in_mass(make_account):
    account = make_account("M-1")

    with pytest.raises(ValidationError) as refused:
        register_mass_result(Account.objects.all(), "FALL", channel="letter", at=NOW)

    assert refused.value.code == "mass_code_debtor_wide"
    assert "FALL" in refused.value.messages[0]
    assert not Activity.objects.exists()
    assert not AccountState.objects.filter(account=account).exists()


def test_only_the_touched_creditors_debtor_state_is_refreshed(
    make_account, other_creditor
):
    debtor = Debtor.objects.create(identity_key="ext:both", name="Dos Acreedores")
    ours = make_account("M-1", debtor)
    theirs = make_account("G-1", debtor, of=other_creditor)
    DebtorState.objects.create(debtor=debtor, creditor=other_creditor)

    register_mass_result(
        Account.objects.filter(pk=ours.pk), "ENV", channel="letter", at=NOW
    )

    states = DebtorState.objects.filter(debtor=debtor)
    assert dict(states.values_list("creditor_id", "state")) == {
        ours.creditor_id: "sin_contacto",
        theirs.creditor_id: "sin_gestion",
    }
    assert states.get(creditor=other_creditor).updated_at is None
    assert states.get(creditor=ours.creditor).updated_at == NOW
