"""The audit trail: what is written, and how the administrator finds it."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.test import RequestFactory

from recupero.access.audit import audit_read, record_audit, record_audit_many
from recupero.access.models import AuditEvent
from tests.access.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

BUENOS_AIRES = zoneinfo.ZoneInfo("America/Argentina/Buenos_Aires")


def at(day: int, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(2025, 6, day, hour, tzinfo=BUENOS_AIRES)


def test_audit_read_says_who_what_and_from_where(world):
    user = make_user("laura")
    request = RequestFactory().get(
        f"/deudores/{world.juan.pk}/?q=Pérez",
        REMOTE_ADDR="10.1.2.3",
        HTTP_USER_AGENT="Firefox/128.0",
    )
    request.user = user

    with time_machine.travel(at(2, 9), tick=False):
        event = audit_read(request, world.juan)

    event.refresh_from_db()
    assert event.created_at == at(2, 9)
    assert (event.actor, event.actor_username) == (user, "laura")
    assert (event.action, event.object_type, event.object_id) == (
        "read",
        "parties.debtor",
        str(world.juan.pk),
    )
    assert (event.ip_address, event.user_agent) == ("10.1.2.3", "Firefox/128.0")
    # The query string may hold what was searched: a name, a document.
    assert event.path == f"/deudores/{world.juan.pk}/"
    assert event.changes == {}


def test_record_audit_by_a_task_has_no_origin(world):
    event = record_audit(None, "change", obj=world.a_card, changes={"stage": 3})

    assert event.actor is None
    assert event.ip_address is None
    assert (event.object_type, event.object_id) == (
        "portfolios.account",
        str(world.a_card.pk),
    )
    assert event.changes == {"stage": 3}


def test_record_audit_many_writes_one_row_per_object():
    user = make_user("laura")

    written = record_audit_many(
        user, "export", object_type="portfolios.account", object_ids=range(1, 4)
    )

    assert written == 3
    assert list(
        AuditEvent.objects.order_by("object_id").values_list(
            "actor_username", "action", "object_id"
        )
    ) == [("laura", "export", "1"), ("laura", "export", "2"), ("laura", "export", "3")]


def test_log_in_and_out_through_the_pages_are_audited(client):
    user = make_user("laura")

    client.post("/ingresar/", {"username": "laura", "password": PASSWORD})
    client.post("/salir/")

    events = AuditEvent.objects.order_by("id").values_list(
        "action", "object_id", "ip_address"
    )
    assert list(events) == [
        ("log_in", str(user.pk), "127.0.0.1"),
        ("log_out", str(user.pk), "127.0.0.1"),
    ]


# The administrator's search


@pytest.fixture
def trail(world):
    laura, pablo = make_user("laura"), make_user("pablo")
    for day, user, debtor in [
        (1, laura, world.juan),
        (2, laura, world.maria),
        (3, pablo, world.juan),
        (4, laura, world.juan),
    ]:
        with time_machine.travel(at(day), tick=False):
            record_audit(user, "read", obj=debtor)
    return world


@pytest.fixture
def admin_client(client):
    client.force_login(make_user("admin", is_staff=True, is_superuser=True))
    return client


def listed(admin_client, **params) -> list[tuple[str, str]]:
    response = admin_client.get("/admin/access/auditevent/", params)
    assert response.status_code == 200
    events = response.context["cl"].result_list
    return [
        (e.actor_username, e.created_at.astimezone(BUENOS_AIRES).strftime("%d"))
        for e in events
    ]


def test_admin_finds_the_events_of_a_user(admin_client, trail):
    assert listed(admin_client, q="laura", action="read") == [
        ("laura", "04"),
        ("laura", "02"),
        ("laura", "01"),
    ]


def test_admin_finds_the_events_between_two_dates_both_included(admin_client, trail):
    result = listed(admin_client, from_date="2025-06-02", to_date="2025-06-03")

    assert result == [("pablo", "03"), ("laura", "02")]


def test_admin_finds_the_reads_of_one_debtor(admin_client, trail):
    result = listed(
        admin_client, object_type="parties.debtor", q=str(trail.juan.pk), action="read"
    )

    assert result == [("laura", "04"), ("pablo", "03"), ("laura", "01")]


def test_nobody_edits_or_deletes_the_trail(admin_client, trail):
    event = AuditEvent.objects.first()

    change = admin_client.post(f"/admin/access/auditevent/{event.pk}/change/", {})
    delete = admin_client.post(
        f"/admin/access/auditevent/{event.pk}/delete/", {"post": "yes"}
    )

    assert change.status_code == 403
    assert delete.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
