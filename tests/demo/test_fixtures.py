"""The demo's parameters: its users can work the demo portfolio."""

import pytest
from django.contrib.auth import get_user_model

from recupero.access.models import Membership
from recupero.access.scoping import visible_portfolios
from recupero.demo.fixtures import load_demo_parameters

pytestmark = pytest.mark.django_db


def test_demo_users_get_their_profiles_and_see_the_demo_portfolio():
    setup = load_demo_parameters()

    profiles = dict(Membership.objects.values_list("user__username", "profile"))
    assert profiles == {
        "admin": "administrator",
        "supervisor": "supervisor",
        "gestor": "agent",
    }
    users = get_user_model().objects.in_bulk(field_name="username")
    for name in ("admin", "supervisor", "gestor"):
        assert list(visible_portfolios(users[name])) == [setup.portfolio], name


def test_demo_parameters_twice_change_nothing():
    load_demo_parameters()
    memberships = list(Membership.objects.values_list("pk", "user_id", "profile"))

    load_demo_parameters()

    assert list(Membership.objects.values_list("pk", "user_id", "profile")) == (
        memberships
    )
