"""A settled account that the creditor's next statement charges again."""

import datetime
from decimal import Decimal

import pytest

from recupero.access.actions import link_portfolio_to_area
from recupero.access.models import Area
from recupero.collections.models import AccountState, StateChange
from recupero.collections.states import Event
from recupero.collections.transitions import apply_event
from recupero.console.queue import area_queue
from recupero.portfolios.models import Account, Portfolio

pytestmark = pytest.mark.django_db

D = datetime.date
# 12:00 in Buenos Aires on 05/05/2025: the import's business date.
NOW = datetime.datetime(2025, 5, 5, 15, 0, tzinfo=datetime.UTC)
HEADER = "cuenta;saldo;fecha;titular;tel\n"
MARCH = HEADER + (
    "1001;0,00;31/03/2025;ANA PAZ;011 4321-5678\n"
    "1002;0,00;31/03/2025;LUIS SOSA;011 4321-5679\n"
    "1003;100,00;31/03/2025;EVA RUIZ;011 4321-5670\n"
)
APRIL = HEADER + (
    "1001;250,00;30/04/2025;ANA PAZ;011 4321-5678\n"
    "1002;80,00;30/04/2025;LUIS SOSA;011 4321-5679\n"
    "1003;0,00;30/04/2025;EVA RUIZ;011 4321-5670\n"
)


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def profile(make_profile):
    return make_profile(
        account_number="cuenta",
        balance="saldo",
        balance_as_of="fecha",
        debtor_name="titular",
        phone="tel",
    )


@pytest.fixture
def area(profile, import_file):
    """The area working the portfolio the March file opened, and settled."""
    import_file(profile, MARCH)
    area = Area.objects.create(code="tarjetas", name="Tarjetas")
    link_portfolio_to_area(Portfolio.objects.get(code="cartera"), area)
    # 1001 was paid off and settled; 1002 is at zero but was never settled.
    settled = Account.objects.filter(number="1001")
    apply_event(settled, Event.PAID_IN_FULL, at=NOW - datetime.timedelta(days=30))
    AccountState.objects.filter(account__in=settled).update(
        next_attempt_on=D(2025, 6, 1)
    )
    return area


def state_of(number):
    return AccountState.objects.filter(account__number=number).first()


def test_import_charging_a_settled_account_again_reopens_it(area, profile, import_file):
    import_file(profile, APRIL, name="abril.csv")

    reopened = state_of("1001")
    assert (reopened.state, reopened.changed_at, reopened.next_attempt_on) == (
        "sin_gestion",
        NOW,
        D(2025, 5, 5),
    )
    change = StateChange.objects.get(event=Event.DEBT_REOPENED)
    assert (change.account.number, change.from_state, change.to_state) == (
        "1001",
        "cancelada",
        "sin_gestion",
    )
    assert "1001" in area_queue(area, now=NOW).values_list("number", flat=True)


def test_import_leaves_accounts_that_were_not_settled_as_they_were(
    area, profile, import_file
):
    import_file(profile, APRIL, name="abril.csv")

    # 1002 rose from zero but was never settled; 1003 fell to zero, which
    # the nightly run settles, not the import.
    assert state_of("1002") is None
    assert state_of("1003") is None
    assert StateChange.objects.filter(event=Event.DEBT_REOPENED).count() == 1


def test_import_does_not_reopen_the_account_of_a_deceased_debtor(
    area, profile, import_file
):
    # 1002's debtor died; the estate paid it off.
    one = Account.objects.filter(number="1002")
    apply_event(one, Event.DECEASED, at=NOW - datetime.timedelta(days=2))
    apply_event(one, Event.PAID_IN_FULL, at=NOW - datetime.timedelta(days=1))

    import_file(profile, APRIL, name="abril.csv")

    assert state_of("1002").state == "cancelada"
    assert Account.objects.get(number="1002").capital == Decimal("80.00")
    reopened = StateChange.objects.filter(event=Event.DEBT_REOPENED)
    assert list(reopened.values_list("account__number", flat=True)) == ["1001"]
