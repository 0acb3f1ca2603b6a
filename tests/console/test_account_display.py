"""The 360° page shows contact data as agents read it, not as stored."""

import pytest
from django.urls import reverse

from recupero.console.actions import record_result
from recupero.parties.actions import add_contact_point

from .conftest import NOW


@pytest.fixture(autouse=True)
def at_ten_march(time_machine):
    time_machine.move_to(NOW, tick=False)


def test_the_history_shows_the_phone_used_in_national_form(client, floor):
    t1 = floor.accounts["T-1"]
    phone = t1.debtor.contact_points.get()
    record_result(
        floor.ana, t1, code="NA", channel="outbound_call", contact_point=phone
    )
    client.force_login(floor.ana)

    response = client.get(reverse("console:account", args=[t1.pk]))

    text = response.content.decode()
    assert '<span class="mono">011 15-2345-6789</span>' in text
    assert "+5491123456789" not in text


def test_a_confirmed_contact_point_names_the_activity_by_its_time(client, floor):
    t1 = floor.accounts["T-1"]
    phone = t1.debtor.contact_points.get()

    record_result(
        floor.ana, t1, code="TIT", channel="outbound_call", contact_point=phone
    )

    phone.refresh_from_db()
    assert (phone.status, phone.issue) == (
        "confirmed",
        "Titular contactado, en la gestión del 10/03/2025 11:00",
    )


def test_an_address_reads_as_written_and_a_confirmation_is_no_warning(client, floor):
    t1 = floor.accounts["T-1"]
    add_contact_point(
        debtor=t1.debtor,
        kind="address",
        raw="Laprida 2745 Piso 1 Dto. A, La Matanza",
        source="debtor",
        user=None,
    )
    record_result(
        floor.ana,
        t1,
        code="TIT",
        channel="outbound_call",
        contact_point=t1.debtor.contact_points.get(kind="phone"),
    )
    client.force_login(floor.ana)

    text = client.get(reverse("console:account", args=[t1.pk])).content.decode()

    assert "<span>Laprida 2745 Piso 1 Dto. A, La Matanza</span>" in text
    assert (
        '<small class="muted">Titular contactado, en la gestión del 10/03/2025 11:00'
        in text
    )
