"""Who sees what: every profile against two creditors and two areas.

The world is drawn in ``conftest``: area A works ACME's cards (A-CARD,
Juan); area B works ACME's loans (A-LOAN, María) and Globex's loans
(G-LOAN, Juan; G-PEDRO, Pedro).
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from recupero.access import scoping
from recupero.access.actions import assign_accounts, set_membership
from recupero.access.models import ProfileKind
from recupero.portfolios.models import Account, ImportJob, ImportProfile

pytestmark = pytest.mark.django_db

EVERY_ACCOUNT = {"A-CARD", "A-LOAN", "G-LOAN", "G-PEDRO"}
EVERY_PORTFOLIO = {"acme-cards", "acme-loans", "globex-loans"}
BOTH_CREDITORS = {"acme", "globex"}
EVERY_DEBTOR = {"Pérez, Juan", "Gómez, María", "López, Pedro"}
EVERY_IMPORT = {"acme.csv", "globex.csv"}

# persona: accounts, portfolios, creditors, debtors, imports
EXPECTED = {
    "agent_a": ({"A-CARD"}, {"acme-cards"}, {"acme"}, {"Pérez, Juan"}, set()),
    "supervisor_a": ({"A-CARD"}, {"acme-cards"}, {"acme"}, {"Pérez, Juan"}, set()),
    "agent_b": (
        {"A-LOAN", "G-LOAN", "G-PEDRO"},
        {"acme-loans", "globex-loans"},
        BOTH_CREDITORS,
        EVERY_DEBTOR,
        set(),
    ),
    "cashier": (EVERY_ACCOUNT, EVERY_PORTFOLIO, BOTH_CREDITORS, EVERY_DEBTOR, set()),
    "strategist": (
        EVERY_ACCOUNT,
        EVERY_PORTFOLIO,
        BOTH_CREDITORS,
        EVERY_DEBTOR,
        EVERY_IMPORT,
    ),
    "back_office": (
        EVERY_ACCOUNT,
        EVERY_PORTFOLIO,
        BOTH_CREDITORS,
        EVERY_DEBTOR,
        EVERY_IMPORT,
    ),
    "administrator": (
        EVERY_ACCOUNT,
        EVERY_PORTFOLIO,
        BOTH_CREDITORS,
        EVERY_DEBTOR,
        EVERY_IMPORT,
    ),
    "superuser": (
        EVERY_ACCOUNT,
        EVERY_PORTFOLIO,
        BOTH_CREDITORS,
        EVERY_DEBTOR,
        EVERY_IMPORT,
    ),
    "acme_user": (
        {"A-CARD", "A-LOAN"},
        {"acme-cards", "acme-loans"},
        {"acme"},
        {"Pérez, Juan", "Gómez, María"},
        {"acme.csv"},
    ),
    "globex_user": (
        {"G-LOAN", "G-PEDRO"},
        {"globex-loans"},
        {"globex"},
        {"Pérez, Juan", "López, Pedro"},
        {"globex.csv"},
    ),
    "newcomer": (set(), set(), set(), set(), set()),
}


@pytest.fixture
def imports(world):
    for creditor in (world.creditor, world.other_creditor):
        profile = ImportProfile.objects.create(creditor=creditor, name="cartera")
        ImportJob.objects.create(
            creditor=creditor,
            profile=profile,
            file_name=f"{creditor.code}.csv",
            sha256=creditor.code,
        )


def seen(user) -> tuple[set[str], ...]:
    return (
        set(scoping.visible_accounts(user).values_list("number", flat=True)),
        set(scoping.visible_portfolios(user).values_list("code", flat=True)),
        set(scoping.visible_creditors(user).values_list("code", flat=True)),
        set(scoping.visible_debtors(user).values_list("name", flat=True)),
        set(scoping.visible_import_jobs(user).values_list("file_name", flat=True)),
    )


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_each_profile_sees_exactly_its_share(cast, imports, persona):
    user = cast.by_name(persona)

    result = seen(user)

    assert result == EXPECTED[persona]


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_import_profiles_follow_the_imports(cast, imports, persona):
    user = cast.by_name(persona)

    profiles = scoping.visible_import_profiles(user)

    expected_creditors = {name.removesuffix(".csv") for name in EXPECTED[persona][4]}
    assert set(profiles.values_list("creditor__code", flat=True)) == expected_creditors


def test_agent_of_area_a_cannot_open_an_account_of_area_b(cast, world):
    assert scoping.can_open_account(cast.agent_a, world.a_card)
    assert not scoping.can_open_account(cast.agent_a, world.a_loan)
    assert not scoping.can_open_account(cast.agent_a, world.g_pedro)


def test_agent_cannot_open_a_debtor_who_owes_only_elsewhere(cast, world):
    assert scoping.can_open_debtor(cast.agent_a, world.juan)
    assert not scoping.can_open_debtor(cast.agent_a, world.maria)
    assert not scoping.can_open_debtor(cast.agent_a, world.pedro)


def test_creditor_user_sees_a_shared_debtor_but_only_its_own_accounts(cast, world):
    accounts = scoping.visible_accounts(cast.acme_user).filter(debtor=world.juan)

    assert scoping.can_open_debtor(cast.acme_user, world.juan)
    assert list(accounts.values_list("number", flat=True)) == ["A-CARD"]
    assert not scoping.can_open_account(cast.acme_user, world.g_loan)
    assert not scoping.can_open_debtor(cast.acme_user, world.pedro)


def test_account_assigned_to_an_agent_is_seen_by_that_agent(cast, world):
    assign_accounts(
        Account.objects.filter(pk=world.a_loan.pk),
        area=world.area_a,
        agent=cast.agent_a,
    )

    numbers = scoping.visible_accounts(cast.agent_a).values_list("number", flat=True)

    assert sorted(numbers) == ["A-CARD", "A-LOAN"]
    assert set(
        scoping.visible_portfolios(cast.agent_a).values_list("code", flat=True)
    ) == {
        "acme-cards",
        "acme-loans",
    }
    assert scoping.can_open_debtor(cast.agent_a, world.maria)


def test_account_assigned_to_an_area_is_seen_by_its_supervisor(cast, world):
    assign_accounts(Account.objects.filter(pk=world.g_pedro.pk), area=world.area_a)

    numbers = scoping.visible_accounts(cast.supervisor_a).values_list(
        "number", flat=True
    )

    assert sorted(numbers) == ["A-CARD", "G-PEDRO"]
    assert set(
        scoping.visible_creditors(cast.supervisor_a).values_list("code", flat=True)
    ) == {"acme", "globex"}


def test_agent_without_areas_sees_nothing(cast):
    set_membership(cast.agent_a, profile=ProfileKind.AGENT, areas=[])

    assert not scoping.visible_accounts(cast.agent_a).exists()
    assert not scoping.visible_creditors(cast.agent_a).exists()


def test_anonymous_and_inactive_users_see_nothing(cast):
    cast.back_office.is_active = False
    cast.back_office.save()

    for user in (AnonymousUser(), cast.back_office):
        assert not scoping.visible_accounts(user).exists()
        assert not scoping.visible_debtors(user).exists()
        assert not scoping.visible_import_jobs(user).exists()


def test_changing_profile_changes_the_scope_at_once(cast, world):
    assert scoping.can_open_account(cast.agent_a, world.a_card)

    set_membership(
        cast.agent_a, profile=ProfileKind.CREDITOR, creditor=world.other_creditor
    )

    assert not scoping.can_open_account(cast.agent_a, world.a_card)
    assert scoping.can_open_account(cast.agent_a, world.g_pedro)


def test_scope_is_one_membership_read_then_one_statement_per_list(
    cast, world, django_assert_num_queries
):
    agent = type(cast.agent_b).objects.get(pk=cast.agent_b.pk)

    with django_assert_num_queries(2):
        numbers = list(scoping.visible_accounts(agent).values_list("number", flat=True))
    with django_assert_num_queries(1):
        names = list(scoping.visible_debtors(agent).values_list("name", flat=True))

    assert len(numbers) == 3
    assert len(names) == 3
