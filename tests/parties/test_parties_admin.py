"""Admin search finds debtors and contact points by their normal form.

``admin_client`` is pytest-django's client logged in as a superuser.
"""

import pytest
from django.urls import reverse

from recupero.parties.models import ContactPoint, Debtor

pytestmark = pytest.mark.django_db


@pytest.fixture
def debtors():
    perez = Debtor.objects.create(
        identity_key="20055361682",
        name="Pérez, Juan",
        cuit="20055361682",
        dni="5536168",
    )
    gomez = Debtor.objects.create(
        identity_key="dni:26756539", name="Gómez, Ana", dni="26756539"
    )
    return perez, gomez


def changelist_names(admin_client, model, query):
    url = reverse(f"admin:parties_{model}_changelist")
    response = admin_client.get(url, {"q": query})
    assert response.status_code == 200
    return sorted(str(obj) for obj in response.context["cl"].result_list)


@pytest.mark.parametrize("query", ["20-05536168-2", "20.05536168.2", "5.536.168"])
def test_debtor_search_written_tax_id_finds_stored_debtor(admin_client, debtors, query):
    assert changelist_names(admin_client, "debtor", query) == ["Pérez, Juan"]


def test_debtor_search_cuit_finds_debtor_known_by_dni_only(admin_client, debtors):
    names = changelist_names(admin_client, "debtor", "27-26756539-8")

    assert names == ["Gómez, Ana"]


def test_debtor_search_name_part_finds_debtor(admin_client, debtors):
    assert changelist_names(admin_client, "debtor", "gómez") == ["Gómez, Ana"]


def test_contact_point_search_phone_finds_both_forms(admin_client, debtors):
    perez, gomez = debtors
    ContactPoint.objects.create(
        debtor=perez, kind="phone", raw="011 15 2345-6789", value="+5491123456789"
    )
    ContactPoint.objects.create(
        debtor=gomez, kind="phone", raw="11 2345-6789", value="+541123456789"
    )

    values = changelist_names(admin_client, "contactpoint", "+54 9 11 2345 6789")

    assert values == ["+541123456789", "+5491123456789"]


def test_debtor_change_page_renders_contacts(admin_client, debtors):
    perez, _ = debtors
    ContactPoint.objects.create(
        debtor=perez, kind="email", raw="Juan@Gmail.com", value="Juan@gmail.com"
    )

    response = admin_client.get(reverse("admin:parties_debtor_change", args=[perez.pk]))

    assert response.status_code == 200
    assert b"Juan@gmail.com" in response.content
