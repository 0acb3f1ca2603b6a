"""The administrator gives users their profile in the admin."""

import pytest

from recupero.access.actions import ensure_default_profiles
from recupero.access.models import AuditEvent, Membership
from tests.access.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(db):
    return make_user("admin", is_staff=True, is_superuser=True)


def test_membership_saved_in_the_admin_puts_the_user_in_the_group(
    client, admin_user, world
):
    ensure_default_profiles()
    laura = make_user("laura")
    client.force_login(admin_user)

    response = client.post(
        "/admin/access/membership/add/",
        {"user": laura.pk, "profile": "agent", "areas": [world.area_a.pk]},
    )

    assert response.status_code == 302
    membership = Membership.objects.get(user=laura)
    assert list(membership.areas.values_list("code", flat=True)) == ["area-a"]
    assert list(laura.groups.values_list("name", flat=True)) == ["Gestor"]
    event = AuditEvent.objects.get(action="change", object_id=str(laura.pk))
    assert event.actor == admin_user


def test_admin_refuses_a_creditor_user_without_creditor(client, admin_user):
    laura = make_user("laura")
    client.force_login(admin_user)

    response = client.post(
        "/admin/access/membership/add/", {"user": laura.pk, "profile": "creditor"}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not Membership.objects.exists()


@pytest.mark.parametrize(
    "page",
    [
        "/admin/access/area/",
        "/admin/access/membership/",
        "/admin/access/accountassignment/",
        "/admin/access/profilegroup/",
        "/admin/access/auditevent/",
        "/admin/axes/accessattempt/",
    ],
)
def test_admin_pages_open(client, admin_user, page):
    client.force_login(admin_user)

    assert client.get(page).status_code == 200
