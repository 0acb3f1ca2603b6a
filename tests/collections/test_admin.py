"""Result codes are parameters the administrator edits in the admin."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from recupero.collections.models import ResultCode

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("admin", "a@x.com", "x")
    client.force_login(user)
    return client


def test_administrator_edits_a_result_code(admin_client):
    code = ResultCode.objects.get(code="NA")
    url = reverse("admin:collections_resultcode_change", args=[code.pk])
    form = {
        "code": "NA",
        "name": "No contesta",
        "category": "no_contact",
        "channels": ["outbound_call", "whatsapp"],
        "contact_effect": "none",
        "state_event": "no_contact",
        "next_attempt_days": "2",
        "shortcut": "1",
        "position": "0",
        "is_active": "on",
    }

    response = admin_client.post(url, form)

    assert response.status_code == 302
    code.refresh_from_db()
    assert (code.name, code.channels, code.next_attempt_days) == (
        "No contesta",
        ["outbound_call", "whatsapp"],
        2,
    )


def test_result_code_form_offers_only_activity_events(admin_client):
    code = ResultCode.objects.get(code="NA")
    url = reverse("admin:collections_resultcode_change", args=[code.pk])

    response = admin_client.get(url)

    assert response.status_code == 200
    assert 'value="right_party"' in response.text
    assert 'value="paid_in_full"' not in response.text


def test_activities_are_read_only_in_the_admin(admin_client):
    response = admin_client.get(reverse("admin:collections_activity_add"))

    assert response.status_code == 403
