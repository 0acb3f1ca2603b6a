"""Registering activities: one account, a debtor's accounts, or a mass run."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from recupero.access.actions import (
    ensure_default_profiles,
    link_portfolio_to_area,
    set_membership,
)
from recupero.access.models import Area, ProfileKind
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
    Promise,
    StateChange,
)
from recupero.parties.models import ContactKind, ContactPoint, Debtor
from recupero.portfolios.models import Account, Portfolio
from tests.collections.conftest import NOW

pytestmark = pytest.mark.django_db

D = datetime.date
CALL = "outbound_call"


def call(account, code, agent, contact_point=None, **kw):
    return register_activity(
        account=account,
        code=code,
        channel=kw.pop("channel", CALL),
        user=agent,
        contact_point=contact_point,
        started_at=kw.pop("started_at", NOW),
        **kw,
    )


def test_activity_records_who_what_when_and_how(account, phone, agent):
    ended = NOW + datetime.timedelta(minutes=4)

    activity = call(account, "TIT", agent, phone, ended_at=ended, note="Llamará")

    assert list(activity.accounts.all()) == [account]
    assert (activity.user, activity.channel, activity.result_code.code) == (
        agent,
        "outbound_call",
        "TIT",
    )
    assert (activity.contact_value, activity.note) == ("+541123456789", "Llamará")
    assert (activity.started_at, activity.ended_at) == (NOW, ended)
    # 14:00 UTC is 11:00 in Buenos Aires, the same calendar day.
    assert activity.occurred_on == D(2025, 3, 10)
    assert activity.debtor_id == account.debtor_id
    assert activity.creditor_id == account.creditor_id


def test_activity_date_is_the_creditors_calendar_day(account, agent):
    # 01:30 UTC on 11/03 is still 22:30 on 10/03 in Buenos Aires.
    late = datetime.datetime(2025, 3, 11, 1, 30, tzinfo=datetime.UTC)

    activity = call(account, "NA", agent, started_at=late)

    assert activity.occurred_on == D(2025, 3, 10)
    assert activity.next_attempt_on == D(2025, 3, 11)


def test_system_activity_has_no_agent(account):
    activity = call(account, "ENV", None, channel="sms")

    assert activity.is_system is True


def test_regestion_keeps_the_whole_history(account, phone, agent):
    first = call(account, "NA", agent, phone)
    second = call(account, "TCM", agent, phone)
    third = call(account, "NA", agent, phone)

    assert list(account.activities.order_by("pk")) == [first, second, third]
    changes = StateChange.objects.filter(account=account).order_by("pk")
    assert [(c.from_state, c.to_state, c.activity_id) for c in changes] == [
        ("sin_gestion", "sin_contacto", first.pk),
        ("sin_contacto", "contacto_terceros", second.pk),
    ]
    state = AccountState.objects.get(account=account)
    # A later no-answer does not undo the third party reached.
    assert (state.state, state.activity_count, state.last_result_code.code) == (
        "contacto_terceros",
        3,
        "NA",
    )


def test_activity_on_all_debtor_accounts_covers_same_creditor_only(
    make_account, debtor, other_creditor, agent
):
    ensure_default_profiles()
    set_membership(agent, profile=ProfileKind.BACK_OFFICE)
    first = make_account("A-1", debtor)
    second = make_account("A-2", debtor)
    paid = make_account("A-3", debtor)
    AccountState.objects.create(account=paid, state="cancelada")
    elsewhere = make_account("B-1", debtor, of=other_creditor)

    activity = call(first, "TIT", agent, all_debtor_accounts=True)

    assert set(activity.accounts.all()) == {first, second}
    assert Activity.objects.count() == 1
    assert ActivityAccount.objects.count() == 2
    assert get_account_state(second) == "contactado"
    assert get_account_state(paid) == "cancelada"
    assert get_account_state(elsewhere) == "sin_gestion"


def test_all_debtor_accounts_are_those_the_agent_sees(make_account, debtor, agent):
    ensure_default_profiles()
    first = make_account("A-1", debtor)
    north = Area.objects.create(code="norte", name="Norte")
    link_portfolio_to_area(first.portfolio, north)
    set_membership(agent, profile=ProfileKind.AGENT, areas=[north])
    # The debtor's other account is in a portfolio another area works.
    elsewhere = Portfolio.objects.create(
        creditor=first.creditor,
        code="p2",
        name="P2",
        placed_on=first.portfolio.placed_on,
    )
    hidden = Account.objects.create(
        creditor=first.creditor,
        portfolio=elsewhere,
        debtor=debtor,
        number="A-2",
        capital=Decimal("10.00"),
    )

    activity = call(first, "TIT", agent, all_debtor_accounts=True)

    assert list(activity.accounts.all()) == [first]
    assert get_account_state(hidden) == "sin_gestion"


def test_deceased_covers_every_account_with_the_creditor(
    make_account, debtor, other_creditor, agent
):
    first = make_account("A-1", debtor)
    second = make_account("A-2", debtor)
    elsewhere = make_account("B-1", debtor, of=other_creditor)

    call(first, "FALL", agent)

    assert get_account_state(second) == "fallecido"
    assert get_account_state(elsewhere) == "sin_gestion"
    assert AccountState.objects.get(account=second).next_attempt_on is None


def test_debtor_state_is_kept_per_creditor(make_account, debtor, other_creditor, agent):
    mine = make_account("A-1", debtor)
    make_account("A-2", debtor)
    theirs = make_account("B-1", debtor, of=other_creditor)
    call(theirs, "NEG", agent)

    call(mine, "PP", agent, promise=PromiseTerms(Decimal("100.00"), D(2025, 3, 20)))

    states = dict(DebtorState.objects.values_list("creditor__code", "state"))
    assert states == {"acme": "promesa_vigente", "globex": "negativa_pago"}


def test_wrong_last_phone_makes_the_account_unreachable(account, phone, agent):
    call(account, "NEQ", agent, phone)

    assert get_account_state(account) == "ilocalizable"
    assert DebtorState.objects.get().state == "ilocalizable"
    moves = StateChange.objects.order_by("pk").values_list("to_state", "event")
    assert list(moves) == [
        ("sin_contacto", "no_contact"),
        ("ilocalizable", "contact_points_exhausted"),
    ]


def test_opted_out_point_is_not_confirmed_by_a_later_contact(account, phone, agent):
    call(account, "NOC", agent, phone)

    call(account, "TIT", agent, phone, channel="inbound_call")

    phone.refresh_from_db()
    assert phone.status == "opted_out"


def test_chosen_next_attempt_wins_over_the_codes_delay(account, agent):
    activity = call(account, "NA", agent, next_attempt_on=D(2025, 3, 14))

    assert AccountState.objects.get().next_attempt_on == D(2025, 3, 14)
    assert activity.next_attempt_on == D(2025, 3, 14)


def test_promise_code_takes_the_promise(account, phone, agent):
    activity = call(
        account,
        "PP",
        agent,
        phone,
        promise=PromiseTerms(Decimal("250.50"), D(2025, 3, 14)),
    )

    promise = Promise.objects.get()
    assert (promise.activity, promise.amount, promise.due_on) == (
        activity,
        Decimal("250.50"),
        D(2025, 3, 14),
    )
    # Default grace: 2 days.
    assert (promise.deadline, promise.taken_on, promise.taken_by) == (
        D(2025, 3, 16),
        D(2025, 3, 10),
        agent,
    )
    assert StateChange.objects.get().promise == promise


def test_attachments_are_stored_with_their_kind(account, agent):
    recording = SimpleUploadedFile("llamada.mp3", b"ID3...", "audio/mpeg")
    letter = SimpleUploadedFile("carta.pdf", b"%PDF-1.4", "application/pdf")

    activity = call(account, "TIT", agent, attachments=[recording, letter])

    found = activity.attachments.order_by("pk")
    assert [(a.name, a.kind, a.size) for a in found] == [
        ("llamada.mp3", "recording", 6),
        ("carta.pdf", "document", 8),
    ]
    assert found[0].file.read() == b"ID3..."


def other_phone():
    other = Debtor.objects.create(identity_key="x", name="Otro")
    return ContactPoint.objects.create(
        debtor=other, kind=ContactKind.PHONE, raw="1", value="+541141234567"
    )


@pytest.mark.parametrize(
    ("code", "arguments", "error"),
    [
        ("NEQ", {}, "contact_point_required"),
        ("TIT", {"channel": "carrier_pigeon"}, "channel_not_allowed"),
        ("NA", {"channel": "email"}, "channel_not_allowed"),
        ("PP", {}, "promise_required"),
        ("NPP", {}, "reason_required"),
        ("NPP", {"reason": "laziness"}, "reason_unknown"),
        ("TIT", {"ended_at": NOW - datetime.timedelta(seconds=1)}, "ends_before_start"),
        ("TIT", {"use_email": True}, "contact_point_wrong_kind"),
        ("TIT", {"use_stranger": True}, "contact_point_of_other_debtor"),
        (
            "PP",
            {"promise": PromiseTerms(Decimal("0.00"), D(2025, 3, 12))},
            "promise_amount",
        ),
        (
            "PP",
            {"promise": PromiseTerms(Decimal("10.00"), D(2025, 3, 9))},
            "promise_date_past",
        ),
        (
            "PP",
            {"promise": PromiseTerms(Decimal("10.00"), D(2025, 4, 10))},
            "promise_date_too_far",
        ),
    ],
)
def test_bad_activity_is_refused_and_nothing_is_written(
    account, phone, email, agent, code, arguments, error
):
    contact_point = None
    if arguments.pop("use_email", False):
        contact_point = email
    if arguments.pop("use_stranger", False):
        contact_point = other_phone()

    with pytest.raises(ValidationError) as refused:
        call(account, code, agent, contact_point, **arguments)

    assert refused.value.code == error
    assert Activity.objects.count() == 0
    assert AccountState.objects.count() == 0
    assert Promise.objects.count() == 0
    phone.refresh_from_db()
    assert phone.status == "unverified"


def test_promise_on_last_allowed_day_is_accepted(account, agent):
    # Taken 10/03 with the default 30 days: 09/04 is the last day.
    call(account, "PP", agent, promise=PromiseTerms(Decimal("10.00"), D(2025, 4, 9)))

    assert Promise.objects.get().due_on == D(2025, 4, 9)


def test_promise_on_several_accounts_is_refused(make_account, debtor, agent):
    ensure_default_profiles()
    set_membership(agent, profile=ProfileKind.BACK_OFFICE)
    first = make_account("A-1", debtor)
    make_account("A-2", debtor)

    with pytest.raises(ValidationError) as refused:
        call(
            first,
            "PP",
            agent,
            all_debtor_accounts=True,
            promise=PromiseTerms(Decimal("10.00"), D(2025, 3, 12)),
        )

    assert refused.value.code == "promise_one_account"


# -- mass registration -----------------------------------------------------


@pytest.fixture
def letter_run(make_account):
    return [make_account(f"L-{n}") for n in range(30)]


def test_mass_result_writes_one_activity_per_account(letter_run, agent):
    worked = letter_run[0]
    register_activity(
        account=worked,
        code="PP",
        channel=CALL,
        user=agent,
        started_at=NOW,
        promise=PromiseTerms(Decimal("10.00"), D(2025, 3, 12)),
    )
    accounts = Account.objects.filter(number__startswith="L-")

    count = register_mass_result(accounts, "ENV", channel="letter", at=NOW)

    assert count == 30
    assert Activity.objects.filter(result_code__code="ENV").count() == 30
    assert (
        ActivityAccount.objects.filter(activity__result_code__code="ENV").count() == 30
    )
    states = AccountState.objects.exclude(account=worked)
    assert set(states.values_list("state", "next_attempt_on", "activity_count")) == {
        ("sin_contacto", D(2025, 3, 17), 1)
    }
    # A letter does not undo a pending promise, but is in its history.
    assert get_account_state(worked) == "promesa_vigente"
    assert worked.activities.count() == 2
    assert DebtorState.objects.filter(state="sin_contacto").count() == 29


@pytest.mark.parametrize("size", [3, 30])
def test_mass_result_runs_in_a_fixed_number_of_queries(
    make_account, size, django_assert_max_num_queries
):
    for n in range(size):
        make_account(f"L-{n}")
    accounts = Account.objects.filter(number__startswith="L-")

    # 13 for the work, 1 for its audit event, whatever the size.
    with django_assert_max_num_queries(14):
        count = register_mass_result(accounts, "ENV", channel="letter", at=NOW)

    assert count == size


@pytest.mark.parametrize("code", ["PP", "NPP", "NEQ"])
def test_mass_result_refuses_codes_that_need_details(letter_run, code):
    with pytest.raises(ValidationError) as refused:
        register_mass_result(Account.objects.all(), code, channel=CALL, at=NOW)

    assert refused.value.code == "mass_code_needs_details"
    assert Activity.objects.count() == 0


def test_mass_result_refuses_a_channel_the_code_does_not_use(letter_run):
    with pytest.raises(ValidationError) as refused:
        register_mass_result(Account.objects.all(), "NA", channel="letter", at=NOW)

    assert refused.value.code == "channel_not_allowed"
    assert Activity.objects.count() == 0


def test_an_unknown_result_code_is_refused_with_its_code(account, agent):
    with pytest.raises(ValidationError) as refused:
        register_activity(
            account=account, code="XYZ", channel="outbound_call", user=agent
        )

    assert refused.value.code == "code_unknown"
    assert refused.value.messages == ["No existe el resultado XYZ."]
    assert not Activity.objects.exists()
