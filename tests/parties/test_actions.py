"""Contact enrichment from the console: add, correct and mark contact data."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from recupero.parties.actions import (
    add_contact_point,
    add_related_person,
    mark_contact_point,
)
from recupero.parties.models import ContactPoint, Debtor, RelatedPerson

pytestmark = pytest.mark.django_db


@pytest.fixture
def debtor():
    return Debtor.objects.create(identity_key="20055361682", name="Juan Pérez")


@pytest.fixture
def other_debtor():
    return Debtor.objects.create(identity_key="27111111116", name="Ana Gómez")


@pytest.fixture
def agent():
    return get_user_model().objects.create_user(username="gestor1", password="x")


def add(debtor, agent, kind, raw, source="debtor", **kw):
    return add_contact_point(
        debtor=debtor, kind=kind, raw=raw, source=source, user=agent, **kw
    )


def test_add_phone_stores_it_in_e164_with_source_and_agent(debtor, agent):
    point, created = add(debtor, agent, "phone", "011 15 2345-6789")

    assert created is True
    assert (point.value, point.raw, point.phone_type) == (
        "+5491123456789",
        "011 15 2345-6789",
        "mobile",
    )
    assert (point.status, point.source, point.issue) == ("unverified", "debtor", "")
    assert point.details == {"national": "011 15-2345-6789", "added_by": agent.pk}


def test_add_local_phone_uses_the_area_code_given(debtor, agent):
    point, _ = add(debtor, agent, "phone", "15 2345-6789", default_area="11")

    assert point.value == "+5491123456789"
    assert point.issue == "sin característica: se usó la 11"


def test_add_phone_known_under_another_form_returns_the_existing_one(debtor, agent):
    first, _ = add(debtor, agent, "phone", "+54 9 11 2345-6789")

    # The same mobile written without its 9 reads as a landline.
    again, created = add(debtor, agent, "phone", "11 2345-6789", source="third_party")

    assert (again.pk, created) == (first.pk, False)
    assert ContactPoint.objects.count() == 1
    assert again.source == "debtor"


@pytest.mark.parametrize(
    ("kind", "raw", "code", "message"),
    [
        ("phone", "15 2345-6789", "phone_invalid", "celular sin característica"),
        ("phone", "123", "phone_invalid", "teléfono inválido: demasiado corto"),
        ("email", "juan perez@gmail.com", "email_invalid", "tiene espacios"),
        ("phone", "   ", "empty", "El dato está vacío."),
    ],
)
def test_add_unusable_value_is_refused_with_the_reason(
    debtor, agent, kind, raw, code, message
):
    with pytest.raises(ValidationError) as refused:
        add(debtor, agent, kind, raw)

    assert refused.value.code == code
    assert message in refused.value.message
    assert ContactPoint.objects.count() == 0


def test_add_email_with_misspelt_domain_is_kept_to_review(debtor, agent):
    point, _ = add(debtor, agent, "email", " juan@gmial.com ")

    assert (point.value, point.status) == ("juan@gmial.com", "to_review")
    assert point.issue == "dominio dudoso: ¿quiso decir @gmail.com?"


def test_add_address_and_social_handle_are_folded(debtor, agent):
    address, _ = add(
        debtor,
        agent,
        "address",
        "Av. Corrientes  1234, CABA",
        source="agent_research",
        details={"city": "CABA"},
    )
    social, _ = add(debtor, agent, "social", "@JuanPerez", source="agent_research")

    assert address.value == "av. corrientes 1234, caba"
    assert address.details == {"city": "CABA", "added_by": agent.pk}
    assert social.value == "@juanperez"


def test_add_contact_point_of_related_person(debtor, agent):
    person, _ = add_related_person(
        debtor=debtor,
        relation="guarantor",
        name="Pedro Pérez",
        source="debtor",
        user=agent,
    )

    point, _ = add(
        debtor, agent, "phone", "011 4123-4567", "third_party", related_person=person
    )

    assert (point.debtor_id, point.related_person_id) == (debtor.pk, person.pk)
    assert point.value == "+541141234567"


def test_add_contact_point_refuses_other_debtors_person(debtor, other_debtor, agent):
    stranger = RelatedPerson.objects.create(
        debtor=other_debtor, relation="spouse", name="X"
    )

    with pytest.raises(ValidationError) as refused:
        add(debtor, agent, "phone", "011 4123-4567", related_person=stranger)

    assert refused.value.code == "related_person_other"
    assert ContactPoint.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [("kind", "fax", "contact_kind_unknown"), ("source", "rumor", "source_unknown")],
)
def test_add_contact_point_refuses_unknown_kind_or_source(
    debtor, agent, field, value, code
):
    arguments = {"kind": "phone", "source": "debtor", field: value}

    with pytest.raises(ValidationError) as refused:
        add_contact_point(debtor=debtor, raw="011 4123-4567", user=agent, **arguments)

    assert refused.value.code == code


@pytest.mark.parametrize("status", ["wrong", "confirmed", "invalid", "opted_out"])
def test_mark_contact_point_sets_status(debtor, agent, status):
    point, _ = add(debtor, agent, "phone", "11 2345-6789")

    mark_contact_point(point, status=status, user=agent, note="dicho por el titular")

    point.refresh_from_db()
    assert (point.status, point.issue) == (status, "dicho por el titular")


def test_confirming_clears_the_import_doubt(debtor, agent):
    point, _ = add(debtor, agent, "phone", "11 2345-6789")
    assert point.issue == "puede ser un celular sin el 9 (+5491123456789)"

    mark_contact_point(point, status="confirmed", user=agent)

    point.refresh_from_db()
    assert (point.status, point.issue) == ("confirmed", "")


def test_mark_refuses_to_lift_an_opt_out(debtor, agent):
    point, _ = add(debtor, agent, "phone", "11 2345-6789")
    mark_contact_point(point, status="opted_out", user=agent)

    with pytest.raises(ValidationError) as refused:
        mark_contact_point(point, status="confirmed", user=agent)

    point.refresh_from_db()
    assert refused.value.code == "opted_out"
    assert point.status == "opted_out"


def test_mark_refuses_statuses_an_agent_cannot_set(debtor, agent):
    point, _ = add(debtor, agent, "phone", "11 2345-6789")

    with pytest.raises(ValidationError) as refused:
        mark_contact_point(point, status="unverified", user=agent)

    assert refused.value.code == "mark_unknown"


def test_add_related_person_validates_and_normalises_tax_id(debtor, agent):
    person, created = add_related_person(
        debtor=debtor,
        relation="guarantor",
        name="  Pedro   Pérez ",
        tax_id="20-05536168-2",
        source="creditor_file",
        user=agent,
    )

    assert created is True
    assert (person.name, person.cuit, person.source) == (
        "Pedro Pérez",
        "20055361682",
        "creditor_file",
    )


def test_add_related_person_twice_returns_the_first(debtor, agent):
    first, _ = add_related_person(
        debtor=debtor, relation="spouse", name="Ana", source="debtor", user=agent
    )

    again, created = add_related_person(
        debtor=debtor, relation="spouse", name="Ana", source="debtor", user=agent
    )

    assert (again.pk, created) == (first.pk, False)


@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        ({"tax_id": "20-05536168-3"}, "tax_id_invalid"),
        ({"name": "  "}, "name_missing"),
        ({"relation": "cousin"}, "relation_unknown"),
    ],
)
def test_add_related_person_refuses_bad_input(debtor, agent, arguments, code):
    values = {"relation": "guarantor", "name": "Pedro", **arguments}

    with pytest.raises(ValidationError) as refused:
        add_related_person(debtor=debtor, source="debtor", user=agent, **values)

    assert refused.value.code == code
    assert RelatedPerson.objects.count() == 0
