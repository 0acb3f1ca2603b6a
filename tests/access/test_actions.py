"""Profiles as groups, memberships, portfolio areas and assignments."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError

from recupero.access.actions import (
    assign_accounts,
    ensure_default_profiles,
    link_portfolio_to_area,
    set_membership,
    unlink_portfolio_from_area,
)
from recupero.access.models import (
    AccountAssignment,
    AuditEvent,
    Membership,
    PortfolioArea,
    ProfileGroup,
    ProfileKind,
)
from recupero.portfolios.models import Account
from tests.access.conftest import make_user

pytestmark = pytest.mark.django_db


def permissions_of(profile: ProfileKind) -> set[str]:
    group = ProfileGroup.objects.get(profile=profile).group
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


# Profiles


def test_ensure_default_profiles_gives_each_profile_a_spanish_group():
    ensure_default_profiles()

    names = dict(ProfileGroup.objects.values_list("profile", "group__name"))

    assert names == {
        "agent": "Gestor",
        "supervisor": "Supervisor",
        "cashier": "Cajero",
        "strategy_manager": "Responsable de estrategia",
        "back_office": "Back office",
        "creditor": "Cliente (solo lectura)",
        "administrator": "Administrador",
    }


def test_default_permissions_differ_by_profile():
    ensure_default_profiles()

    agent = permissions_of(ProfileKind.AGENT)
    creditor = permissions_of(ProfileKind.CREDITOR)
    back_office = permissions_of(ProfileKind.BACK_OFFICE)

    assert {"parties.view_debtor", "parties.add_contactpoint"} <= agent
    assert "portfolios.add_importjob" not in agent
    assert "portfolios.add_importjob" in back_office
    assert all(name.split(".")[1].startswith("view_") for name in creditor)
    assert permissions_of(ProfileKind.ADMINISTRATOR) == {
        f"{app}.{codename}"
        for app, codename in Permission.objects.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_ensure_default_profiles_twice_changes_nothing():
    ensure_default_profiles()
    before = {p: permissions_of(p) for p in ProfileKind}

    ensure_default_profiles()

    assert Group.objects.count() == 7
    assert {p: permissions_of(p) for p in ProfileKind} == before


def test_permission_removed_by_the_administrator_is_not_given_back():
    ensure_default_profiles()
    group = ProfileGroup.objects.get(profile=ProfileKind.AGENT).group
    group.permissions.remove(Permission.objects.get(codename="add_contactpoint"))

    ensure_default_profiles()

    assert "parties.add_contactpoint" not in permissions_of(ProfileKind.AGENT)
    assert "parties.change_contactpoint" in permissions_of(ProfileKind.AGENT)


def test_renamed_group_keeps_standing_for_its_profile():
    ensure_default_profiles()
    Group.objects.filter(name="Gestor").update(name="Gestores telefónicos")

    ensure_default_profiles()

    assert Group.objects.count() == 7
    group = ProfileGroup.objects.get(profile=ProfileKind.AGENT).group
    assert group.name == "Gestores telefónicos"


# Memberships


def test_set_membership_puts_the_user_in_the_profile_group_only(world):
    user = make_user("laura")

    set_membership(user, profile=ProfileKind.AGENT, areas=[world.area_a])
    set_membership(user, profile=ProfileKind.SUPERVISOR, areas=[world.area_b])

    assert list(user.groups.values_list("name", flat=True)) == ["Supervisor"]
    membership = Membership.objects.get(user=user)
    assert list(membership.areas.values_list("code", flat=True)) == ["area-b"]
    assert user.has_perm("access.add_accountassignment")


def test_set_membership_is_audited_with_ids_only(world):
    admin = make_user("admin")
    user = make_user("acme")

    set_membership(
        user, profile=ProfileKind.CREDITOR, creditor=world.creditor, actor=admin
    )

    event = AuditEvent.objects.get(object_type="auth.user", object_id=str(user.pk))
    assert event.actor == admin
    assert event.action == "change"
    assert event.changes == {
        "profile": "creditor",
        "areas": [],
        "creditor": world.creditor.pk,
    }


def test_administrator_may_use_the_admin_site():
    user = make_user("ana")

    set_membership(user, profile=ProfileKind.ADMINISTRATOR)

    user.refresh_from_db()
    assert user.is_staff


@pytest.mark.parametrize(
    ("profile", "with_creditor", "code"),
    [
        (ProfileKind.CREDITOR, False, "creditor_required"),
        (ProfileKind.AGENT, True, "creditor_not_allowed"),
    ],
)
def test_creditor_goes_with_creditor_users_only(world, profile, with_creditor, code):
    user = make_user("x")
    creditor = world.creditor if with_creditor else None

    with pytest.raises(ValidationError) as error:
        set_membership(user, profile=profile, creditor=creditor)

    assert error.value.code == code
    assert not Membership.objects.filter(user=user).exists()
    assert not AuditEvent.objects.filter(object_type="auth.user").exists()


# Areas and assignments


def test_link_portfolio_to_area_twice_keeps_one_link(world):
    link_portfolio_to_area(world.acme_cards, world.area_b)
    link_portfolio_to_area(world.acme_cards, world.area_b)

    assert PortfolioArea.objects.filter(portfolio=world.acme_cards).count() == 2
    assert AuditEvent.objects.filter(object_type="access.portfolioarea").count() == 4


def test_unlink_portfolio_from_area(world):
    assert unlink_portfolio_from_area(world.acme_cards, world.area_a)
    assert not unlink_portfolio_from_area(world.acme_cards, world.area_a)

    assert not PortfolioArea.objects.filter(portfolio=world.acme_cards).exists()


def test_assign_accounts_creates_and_moves_assignments_in_bulk(cast, world):
    boss = cast.supervisor_a
    globex = Account.objects.filter(creditor=world.other_creditor)
    assign_accounts(globex, area=world.area_b, agent=cast.agent_b, actor=boss)

    moved = assign_accounts(
        Account.objects.filter(assignment__agent=cast.agent_b),
        area=world.area_a,
        agent=cast.agent_a,
        actor=boss,
    )

    assert moved == 2
    assert set(
        AccountAssignment.objects.values_list("account__number", "area__code", "agent")
    ) == {("G-LOAN", "area-a", cast.agent_a.pk), ("G-PEDRO", "area-a", cast.agent_a.pk)}
    events = AuditEvent.objects.filter(object_type="portfolios.account", actor=boss)
    assert events.count() == 4
    assert events.filter(changes__agent=cast.agent_a.pk).count() == 2


def test_assign_accounts_to_an_agent_of_another_area_is_refused(cast, world):
    with pytest.raises(ValidationError) as error:
        assign_accounts(Account.objects.all(), area=world.area_b, agent=cast.agent_a)

    assert error.value.code == "agent_not_in_area"
    assert not AccountAssignment.objects.exists()
    assert not AuditEvent.objects.filter(object_type="portfolios.account").exists()
