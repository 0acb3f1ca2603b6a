"""The supervisor's view, on the floor of conftest.py.

Ana and Beto work area "tarjetas" (T-1..T-5 of ACME), Carla area
"prestamos" (L-1 of Globex); Sol supervises "tarjetas". The day is
10/03/2025 in Buenos Aires (UTC-3). By hand:

- Ana: NA on T-1 and again on T-1, TCM on T-2, PP of $ 1.500,00 on T-3:
  3 accounts, 4 activities, 2 contacts (TCM, PP), 1 right party (PP),
  1 promise of $ 1.500,00.
- Beto: NEG on T-4 at noon, TIT on T-2 at 23:30 (still the 10th in
  Buenos Aires, already the 11th in UTC), a promise of $ 2.500,50 on T-4
  without an activity: 2 accounts, 2 activities, 2 contacts, 2 right
  party, 1 promise of $ 2.500,50. His NA on T-3 the day before and his
  OCU on T-1 at 00:30 of the 11th are other days.
- Carla: TIT on L-1: 1 account, 1 activity, 1 contact, 1 right party.
- Sol works no account: a row of zeros.

Sol's total: 4 accounts (T-2 was worked by both, counted once), 6
activities, 4 contacts, 3 right party, 2 promises of $ 4.000,50.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import constants, get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from recupero.access.actions import assign_accounts
from recupero.access.models import AccountAssignment, AuditEvent, ProfileKind
from recupero.collections.actions import (
    PromiseTerms,
    register_activity,
    register_promise,
)
from recupero.collections.models import Channel
from recupero.console.actions import take_next_account
from recupero.console.figures import get_team_day, list_queue_sizes
from recupero.console.queue import agent_queue
from recupero.portfolios.models import Account
from tests.screens import table_rows

from .conftest import NOW, TODAY, make_user

CALL = Channel.OUTBOUND_CALL
HOUR = datetime.timedelta(hours=1)


@pytest.fixture(autouse=True)
def at_ten_march(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def sol(floor):
    return make_user(
        "sol", ProfileKind.SUPERVISOR, [floor.cards_area], first_name="Sol"
    )


@pytest.fixture
def admin(floor):
    return make_user("admin", ProfileKind.ADMINISTRATOR, first_name="Zoe")


@pytest.fixture
def day(floor):
    """The activities and promises of the module docstring."""
    t = floor.accounts

    def act(user, number, code, at=NOW, **kw):
        register_activity(
            account=t[number], code=code, channel=CALL, user=user, started_at=at, **kw
        )

    act(floor.ana, "T-1", "NA")
    act(floor.ana, "T-1", "NA", at=NOW + HOUR)
    act(floor.ana, "T-2", "TCM")
    promise = PromiseTerms(amount=Decimal("1500.00"), due_on=datetime.date(2025, 3, 15))
    act(floor.ana, "T-3", "PP", promise=promise)

    act(floor.beto, "T-4", "NEG", at=NOW + HOUR)
    # 23:30 of the 10th in Buenos Aires.
    act(
        floor.beto,
        "T-2",
        "TIT",
        at=datetime.datetime(2025, 3, 11, 2, 30, tzinfo=datetime.UTC),
    )
    register_promise(
        account=t["T-4"],
        amount=Decimal("2500.50"),
        due_on=datetime.date(2025, 3, 20),
        channel=CALL,
        user=floor.beto,
        at=NOW + 2 * HOUR,
    )
    act(floor.beto, "T-3", "NA", at=NOW - datetime.timedelta(days=1))
    # 00:30 of the 11th in Buenos Aires.
    act(
        floor.beto,
        "T-1",
        "OCU",
        at=datetime.datetime(2025, 3, 11, 3, 30, tzinfo=datetime.UTC),
    )

    act(floor.carla, "L-1", "TIT")


def figures_of(team):
    return {
        row.name: (
            row.accounts_worked,
            row.activities,
            row.contacts,
            row.right_party_contacts,
            row.promises,
            row.promised_amount,
        )
        for row in [*team.agents, team.total]
    }


# The team's day


def test_the_day_of_each_agent_is_counted_in_the_business_calendar(floor, sol, day):
    team = get_team_day(sol, TODAY)

    assert figures_of(team) == {
        "Ana": (3, 4, 2, 1, 1, Decimal("1500.00")),
        "Beto": (2, 2, 2, 2, 1, Decimal("2500.50")),
        "Sol": (0, 0, 0, 0, 0, Decimal("0.00")),
        "": (4, 6, 4, 3, 2, Decimal("4000.50")),
    }


def test_another_day_counts_only_that_day(floor, sol, day):
    team = get_team_day(sol, datetime.date(2025, 3, 11))

    assert figures_of(team)["Beto"] == (1, 1, 0, 0, 0, Decimal("0.00"))
    assert figures_of(team)["Ana"] == (0, 0, 0, 0, 0, Decimal("0.00"))


def test_an_administrator_sees_every_agent(floor, admin, day):
    team = get_team_day(admin, TODAY)

    figures = figures_of(team)
    assert [row.name for row in team.agents] == ["Ana", "Beto", "Carla"]
    assert figures["Carla"] == (1, 1, 1, 1, 0, Decimal("0.00"))
    assert figures[""] == (5, 7, 5, 4, 2, Decimal("4000.50"))


def test_the_page_shows_the_day_formatted(client, floor, sol, day):
    client.force_login(sol)

    response = client.get(reverse("supervision:home"))

    assert response.status_code == 200
    rows = table_rows(response, "team-day")
    assert rows[1:] == [
        ["Ana", "3", "4", "2", "1", "1", "$ 1.500,00"],
        ["Beto", "2", "2", "2", "2", "1", "$ 2.500,50"],
        ["Sol", "0", "0", "0", "0", "0", "$ 0,00"],
        [rows[4][0], "4", "6", "4", "3", "2", "$ 4.000,50"],
    ]
    page = response.content.decode()
    assert 'value="10/03/2025"' in page
    # The tables ask for themselves again every 30 seconds.
    assert 'hx-trigger="every 30s"' in page
    assert reverse("supervision:figures") + "?day=10/03/2025" in page


def test_a_supervisor_does_not_see_the_agents_of_another_area(client, floor, sol, day):
    client.force_login(sol)

    response = client.get(reverse("supervision:figures"))

    names = [row[0] for row in table_rows(response, "team-day")[1:-1]]
    assert names == ["Ana", "Beto", "Sol"]
    assert "Carla" not in response.content.decode()
    areas = [row[0] for row in table_rows(response, "queue-sizes")[1:]]
    assert areas == ["Tarjetas"]


def test_the_page_shows_a_day_typed_as_dd_mm_yyyy(client, floor, sol, day):
    client.force_login(sol)

    response = client.get(reverse("supervision:home"), {"day": "11/03/2025"})

    rows = table_rows(response, "team-day")
    assert rows[2] == ["Beto", "1", "1", "0", "0", "0", "$ 0,00"]
    assert 'value="11/03/2025"' in response.content.decode()


def test_a_day_that_cannot_be_read_shows_today_and_says_why(client, floor, sol, day):
    client.force_login(sol)

    response = client.get(reverse("supervision:home"), {"day": "31/02/2025"})

    assert response.status_code == 200
    assert table_rows(response, "team-day")[1][1:3] == ["3", "4"]
    assert response.context["day_form"].errors["day"]


@pytest.mark.parametrize(
    "typed", ["01/01/0001", "31/12/1999", "31/12/9999", "12/03/2025"]
)
def test_a_day_out_of_range_shows_today_and_says_why(client, floor, sol, day, typed):
    # Today is 10/03/2025: the 12th has not come yet in any zone.
    client.force_login(sol)

    response = client.get(reverse("supervision:home"), {"day": typed})

    assert response.status_code == 200
    assert response.context["day"] == datetime.date(2025, 3, 10)
    [error] = response.context["day_form"].errors["day"]
    assert error in ("Elegí un día desde el 01/01/2000.", "Ese día todavía no llegó.")


def test_the_figures_take_the_same_queries_for_more_agents(client, floor, admin, day):
    client.force_login(admin)
    url = reverse("supervision:figures")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)

    for name in ("dora", "eva", "fede"):
        extra = make_user(name, ProfileKind.AGENT, [floor.cards_area])
        register_activity(
            account=floor.accounts["T-1"], code="NA", channel=CALL, user=extra
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert len(table_rows(response, "team-day")) == 1 + 6 + 1
    assert len(many.captured_queries) == len(few.captured_queries)


# Queues


def test_queue_sizes_per_area_match_a_count_by_hand(floor, sol, admin):
    t5 = Account.objects.filter(number="T-5")
    assign_accounts(t5, area=floor.loans_area)
    take_next_account(floor.ana, now=NOW)  # T-2, the first of the queue

    sizes = {
        size.area.code: (size.accounts, size.due, size.in_use)
        for size in list_queue_sizes(admin, now=NOW)
    }

    # Tarjetas: T-1..T-4 (T-5 went to Préstamos); T-2 is open, the other
    # three are due. Préstamos: L-1 and T-5, which owes nothing.
    in_cards = Account.objects.filter(portfolio=floor.cards).exclude(
        assignment__area=floor.loans_area
    )
    assert in_cards.count() == 4
    assert sizes == {"tarjetas": (4, 3, 1), "prestamos": (2, 1, 0)}
    assert [size.area.code for size in list_queue_sizes(sol, now=NOW)] == ["tarjetas"]


def test_the_page_shows_the_queue_sizes(client, floor, sol):
    take_next_account(floor.beto, now=NOW)
    client.force_login(sol)

    response = client.get(reverse("supervision:home"))

    assert table_rows(response, "queue-sizes")[1:] == [["Tarjetas", "5", "3", "1"]]


# Who may


@pytest.mark.parametrize("name", ["home", "figures", "reassign"])
def test_an_agent_is_refused_every_supervision_page(client, floor, name):
    client.force_login(floor.ana)

    response = client.get(reverse(f"supervision:{name}"))

    assert response.status_code == 403


def test_an_agent_cannot_move_accounts(client, floor):
    client.force_login(floor.ana)

    response = client.post(
        reverse("supervision:reassign"),
        {"numbers": "T-1", "area": floor.cards_area.pk, "confirm": "1", "expected": 1},
    )

    assert response.status_code == 403
    assert not AccountAssignment.objects.exists()


def test_an_anonymous_visitor_is_sent_to_log_in(client, floor):
    response = client.get(reverse("supervision:home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# Moving accounts


def numbers(accounts) -> list[str]:
    return sorted(account.number for account in accounts)


def assignments() -> dict[str, tuple]:
    return {
        row.account.number: (row.area.code, row.agent.username if row.agent else None)
        for row in AccountAssignment.objects.select_related("account", "area", "agent")
    }


def test_typed_numbers_are_counted_first_and_moved_on_confirmation(client, floor, sol):
    client.force_login(sol)
    url = reverse("supervision:reassign")
    choice = {
        "numbers": "T-1\nT-3, L-1 X-99",
        "area": floor.cards_area.pk,
        "agent": floor.ana.pk,
    }

    preview = client.post(url, {**choice, "preview": "1"})

    assert preview.status_code == 200
    assert preview.context["found"] == 2
    # L-1 is of an area Sol does not see; X-99 does not exist.
    assert preview.context["missing"] == ["L-1", "X-99"]
    assert not AccountAssignment.objects.exists()
    # The Enter key presses the form's first button: it must count, not move.
    page = preview.content.decode()
    assert page.index('name="preview"') < page.index('name="confirm"')

    done = client.post(url, {**choice, "confirm": "1", "expected": "2"})

    assert done.status_code == 302
    assert done["Location"] == reverse("supervision:home")
    assert assignments() == {"T-1": ("tarjetas", "ana"), "T-3": ("tarjetas", "ana")}
    assert AccountAssignment.objects.filter(assigned_by=sol).count() == 2
    [message] = get_messages(done.wsgi_request)
    assert message.level == constants.SUCCESS
    assert "2" in message.message


def test_a_filter_moves_exactly_its_accounts_from_one_queue_to_another(
    client, floor, sol
):
    t = floor.accounts
    assign_accounts(
        Account.objects.filter(number__in=["T-1", "T-3"]),
        area=floor.cards_area,
        agent=floor.ana,
    )
    assert numbers(agent_queue(floor.ana)) == ["T-1", "T-2", "T-3", "T-4"]
    assert numbers(agent_queue(floor.beto)) == ["T-2", "T-4"]
    client.force_login(sol)
    # Ana's early-stage accounts up to 45 days: T-1 and T-3 (30 days),
    # not T-4 (60 days) nor T-2 (late stage).
    choice = {
        "stage": "mora_temprana",
        "days_from": "0",
        "days_to": "45",
        "queue_of": floor.ana.pk,
        "area": floor.cards_area.pk,
        "agent": floor.beto.pk,
    }

    preview = client.post(reverse("supervision:reassign"), {**choice, "preview": "1"})
    client.post(
        reverse("supervision:reassign"), {**choice, "confirm": "1", "expected": "2"}
    )

    assert preview.context["found"] == 2
    assert assignments() == {"T-1": ("tarjetas", "beto"), "T-3": ("tarjetas", "beto")}
    assert numbers(agent_queue(floor.ana)) == ["T-2", "T-4"]
    assert numbers(agent_queue(floor.beto)) == ["T-1", "T-2", "T-3", "T-4"]
    moved_ids = {str(t["T-1"].pk), str(t["T-3"].pk)}
    audited = AuditEvent.objects.filter(actor=sol, object_type="portfolios.account")
    assert set(audited.values_list("object_id", flat=True)) == moved_ids
    # The test client comes from 127.0.0.1, through the reassign page.
    assert set(audited.values_list("ip_address", "path")) == {
        ("127.0.0.1", "/supervision/reasignar/")
    }


def test_a_filter_by_assigned_agent_and_state(client, floor, sol):
    assign_accounts(
        Account.objects.filter(number__in=["T-1", "T-2"]),
        area=floor.cards_area,
        agent=floor.ana,
    )
    register_activity(
        account=floor.accounts["T-1"], code="NA", channel=CALL, user=floor.ana
    )
    client.force_login(sol)
    # T-1 now has no contact; T-2 was never worked.
    choice = {
        "assigned_agent": floor.ana.pk,
        "state": "sin_gestion",
        "area": floor.cards_area.pk,
    }

    client.post(
        reverse("supervision:reassign"), {**choice, "confirm": "1", "expected": "1"}
    )

    assert assignments() == {"T-1": ("tarjetas", "ana"), "T-2": ("tarjetas", None)}


def test_a_changed_count_moves_nothing_and_asks_again(client, floor, sol):
    client.force_login(sol)
    choice = {"portfolio": floor.cards.pk, "area": floor.cards_area.pk}

    response = client.post(
        reverse("supervision:reassign"), {**choice, "confirm": "1", "expected": "3"}
    )

    assert response.status_code == 200
    assert response.context["found"] == 5
    assert response.context["form"]["expected"].value() == "5"
    assert not AccountAssignment.objects.exists()
    [message] = get_messages(response.wsgi_request)
    assert message.level == constants.ERROR


def test_a_supervisor_cannot_move_accounts_to_an_area_they_do_not_supervise(
    client, floor, sol
):
    client.force_login(sol)

    response = client.post(
        reverse("supervision:reassign"),
        {
            "numbers": "T-1",
            "area": floor.loans_area.pk,
            "confirm": "1",
            "expected": "1",
        },
    )

    assert response.status_code == 400
    assert "area" in response.context["form"].errors
    assert not AccountAssignment.objects.exists()


def test_the_agent_must_work_in_the_target_area(client, floor, admin):
    client.force_login(admin)

    response = client.post(
        reverse("supervision:reassign"),
        {
            "numbers": "T-1",
            "area": floor.loans_area.pk,
            "agent": floor.ana.pk,
            "confirm": "1",
            "expected": "1",
        },
    )

    assert response.status_code == 400
    assert "agent" in response.context["form"].errors
    assert not AccountAssignment.objects.exists()


def test_an_administrator_moves_accounts_to_any_area(client, floor, admin):
    client.force_login(admin)

    client.post(
        reverse("supervision:reassign"),
        {
            "numbers": "T-5",
            "area": floor.loans_area.pk,
            "agent": floor.carla.pk,
            "confirm": "1",
            "expected": "1",
        },
    )

    assert assignments() == {"T-5": ("prestamos", "carla")}


def test_nothing_chosen_is_refused(client, floor, sol):
    client.force_login(sol)

    response = client.post(
        reverse("supervision:reassign"),
        {"area": floor.cards_area.pk, "confirm": "1", "expected": "5"},
    )

    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert not AccountAssignment.objects.exists()


def test_too_many_typed_numbers_are_refused_with_the_limit_as_people_read_it(
    client, floor, sol
):
    client.force_login(sol)
    numbers = " ".join(f"N-{n}" for n in range(5001))

    response = client.post(
        reverse("supervision:reassign"),
        {"area": floor.cards_area.pk, "numbers": numbers},
    )

    assert response.status_code == 400
    assert "Escribí a lo sumo 5.000 números" in response.content.decode()
    assert not AccountAssignment.objects.exists()
