"""The collections permissions each profile gets by default."""

import pytest
from django.contrib.auth.models import Permission

from recupero.access.actions import ensure_default_profiles
from recupero.access.models import ProfileGroup, ProfileKind

pytestmark = pytest.mark.django_db

AGENT = {
    "view_resultcode",
    "view_activity",
    "add_activity",
    "view_attachment",
    "add_attachment",
    "view_promise",
    "add_promise",
    "view_accountstate",
    "view_debtorstate",
    "view_statechange",
}
VIEW_ALL = {
    "view_resultcode",
    "view_collectionspolicy",
    "view_activity",
    "view_attachment",
    "view_promise",
    "view_accountstate",
    "view_debtorstate",
    "view_statechange",
}
EXPECTED = {
    ProfileKind.AGENT: AGENT,
    ProfileKind.SUPERVISOR: AGENT | VIEW_ALL | {"register_mass_result"},
    ProfileKind.BACK_OFFICE: VIEW_ALL | {"add_activity", "register_mass_result"},
    ProfileKind.STRATEGY_MANAGER: VIEW_ALL
    | {"change_resultcode", "add_collectionspolicy", "change_collectionspolicy"},
    ProfileKind.CREDITOR: {
        "view_activity",
        "view_promise",
        "view_accountstate",
        "view_debtorstate",
        "view_statechange",
    },
    ProfileKind.CASHIER: {"view_promise"},
}


def collections_permissions(profile: ProfileKind) -> set[str]:
    group = ProfileGroup.objects.get(profile=profile).group
    return set(
        group.permissions.filter(content_type__app_label="collections").values_list(
            "codename", flat=True
        )
    )


@pytest.mark.parametrize("profile", list(EXPECTED))
def test_profile_gets_exactly_its_collections_permissions(profile):
    ensure_default_profiles()

    assert collections_permissions(profile) == EXPECTED[profile]


def test_administrator_gets_every_collections_permission():
    ensure_default_profiles()

    every = set(
        Permission.objects.filter(content_type__app_label="collections").values_list(
            "codename", flat=True
        )
    )
    assert {"change_resultcode", "add_resultcode", "change_accountstate"} <= every
    assert collections_permissions(ProfileKind.ADMINISTRATOR) == every


def test_supervisor_may_move_accounts_between_agents():
    ensure_default_profiles()

    group = ProfileGroup.objects.get(profile=ProfileKind.SUPERVISOR).group
    assert group.permissions.filter(
        content_type__app_label="access", codename="change_accountassignment"
    ).exists()


def test_ensure_default_profiles_twice_grants_the_same_collections_permissions():
    ensure_default_profiles()
    before = {profile: collections_permissions(profile) for profile in ProfileKind}
    granted = dict(ProfileGroup.objects.values_list("profile", "granted_defaults"))

    ensure_default_profiles()

    after = {profile: collections_permissions(profile) for profile in ProfileKind}
    assert after == before
    assert dict(ProfileGroup.objects.values_list("profile", "granted_defaults")) == (
        granted
    )
