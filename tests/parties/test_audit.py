"""Contact enrichment is audited by kind, source and status, never by value."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from recupero.access.models import AuditEvent
from recupero.parties.actions import (
    add_contact_point,
    add_related_person,
    mark_contact_point,
)
from recupero.parties.models import Debtor

pytestmark = pytest.mark.django_db

PHONE_TYPED = "011 15 2345-6789"
PHONE_STORED = "+5491123456789"


@pytest.fixture
def debtor():
    return Debtor.objects.create(identity_key="20055361682", name="Juan Pérez")


@pytest.fixture
def agent():
    return get_user_model().objects.create_user(username="gestor1", password="x")


def request_of(user):
    request = RequestFactory().post("/consola/deudores/1/contacto/")
    request.META["REMOTE_ADDR"] = "10.9.8.7"
    request.user = user
    return request


def trail_text() -> str:
    return json.dumps(list(AuditEvent.objects.values_list("changes", flat=True)))


def test_added_phone_is_audited_from_the_request_without_its_value(debtor, agent):
    point, _ = add_contact_point(
        debtor=debtor,
        kind="phone",
        raw=PHONE_TYPED,
        source="debtor",
        user=agent,
        origin=request_of(agent),
    )

    event = AuditEvent.objects.get()
    assert (event.action, event.object_type, event.object_id) == (
        "create",
        "parties.contactpoint",
        str(point.pk),
    )
    assert (event.actor, event.ip_address, event.path) == (
        agent,
        "10.9.8.7",
        "/consola/deudores/1/contacto/",
    )
    assert event.changes == {
        "debtor": debtor.pk,
        "related_person": None,
        "kind": "phone",
        "source": "debtor",
        "status": "unverified",
    }
    assert PHONE_STORED not in trail_text()
    assert "2345" not in trail_text()


def test_phone_the_debtor_already_has_is_not_audited_again(debtor, agent):
    add_contact_point(
        debtor=debtor, kind="phone", raw=PHONE_TYPED, source="debtor", user=agent
    )

    _point, created = add_contact_point(
        debtor=debtor, kind="phone", raw=PHONE_STORED, source="debtor", user=agent
    )

    assert created is False
    assert AuditEvent.objects.count() == 1


def test_refused_value_leaves_no_audit_event(debtor, agent):
    with pytest.raises(ValidationError):
        add_contact_point(
            debtor=debtor, kind="phone", raw="12", source="debtor", user=agent
        )

    assert not AuditEvent.objects.exists()


def test_mark_is_audited_with_both_statuses_and_not_the_note(debtor, agent):
    point, _ = add_contact_point(
        debtor=debtor, kind="email", raw="juan@x.com", source="debtor", user=None
    )

    mark_contact_point(
        point, status="wrong", user=agent, note="Es de Juan Pérez, su primo"
    )

    added, marked = AuditEvent.objects.order_by("id")
    assert (added.actor, added.actor_username) == (None, "")
    assert (marked.action, marked.object_id, marked.actor) == (
        "change",
        str(point.pk),
        agent,
    )
    assert (marked.ip_address, marked.path) == (None, "")
    assert marked.changes == {
        "debtor": debtor.pk,
        "from_status": "unverified",
        "to_status": "wrong",
    }
    assert "juan" not in trail_text().lower()


def test_mark_refused_on_an_opt_out_is_not_audited(debtor, agent):
    point, _ = add_contact_point(
        debtor=debtor, kind="email", raw="juan@x.com", source="debtor", user=agent
    )
    mark_contact_point(point, status="opted_out", user=agent)

    with pytest.raises(ValidationError):
        mark_contact_point(point, status="confirmed", user=agent)

    assert AuditEvent.objects.count() == 2


def test_related_person_is_audited_without_name_or_cuit(debtor, agent):
    person, _ = add_related_person(
        debtor=debtor,
        relation="guarantor",
        name="Ana  Gómez",
        source="debtor",
        user=agent,
        tax_id="27-11111111-7",
        origin=request_of(agent),
    )
    add_related_person(
        debtor=debtor,
        relation="guarantor",
        name="Ana Gómez",
        source="debtor",
        user=agent,
    )

    event = AuditEvent.objects.get()
    assert (event.action, event.object_type, event.object_id) == (
        "create",
        "parties.relatedperson",
        str(person.pk),
    )
    assert (event.actor, event.ip_address) == (agent, "10.9.8.7")
    assert event.changes == {
        "debtor": debtor.pk,
        "relation": "guarantor",
        "source": "debtor",
        "has_cuit": True,
    }
    assert "Gómez" not in trail_text()
    assert "27111111117" not in trail_text()
