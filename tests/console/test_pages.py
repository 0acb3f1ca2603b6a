"""The console's pages as an agent uses them, on the floor of conftest.py."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from recupero.access.models import AuditEvent, ProfileKind
from recupero.collections.actions import PromiseTerms
from recupero.collections.models import ACTIVITY_NOTE_MAX_LENGTH, Activity, Promise
from recupero.collections.states import ManagementState
from recupero.console.actions import record_result
from recupero.console.models import AccountLock
from recupero.parties.models import ContactPoint, ContactStatus, Source
from tests.screens import table_rows

from .conftest import NOW, make_user


@pytest.fixture(autouse=True)
def at_ten_march(time_machine):
    time_machine.move_to(NOW, tick=False)


def account_url(account, name="console:account", **kw):
    return reverse(name, kwargs={"account_id": account.pk, **kw})


def test_the_queue_lists_the_due_accounts_in_order(client, floor):
    client.force_login(floor.ana)

    response = client.get(reverse("console:queue"))

    rows = table_rows(response, "queue")
    assert [row[0] for row in rows[1:]] == ["T-2", "T-4", "T-3", "T-1"]
    assert rows[1][4:6] == ["120", "$ 1.800,00"]
    assert rows[3][5] == "$ 9.000,00"
    assert "4 cuentas para gestionar ahora" in response.content.decode()


def test_next_account_opens_the_first_of_the_queue_locked(client, floor):
    client.force_login(floor.ana)

    response = client.post(reverse("console:next"))

    t2 = floor.accounts["T-2"]
    assert response.status_code == 302
    assert response["Location"] == account_url(t2)
    assert AccountLock.objects.get(account=t2).user == floor.ana


def test_a_promise_recorded_from_the_page_moves_state_and_timeline(client, floor):
    t2 = floor.accounts["T-2"]
    client.force_login(floor.ana)
    client.post(reverse("console:next"))

    response = client.post(
        account_url(t2, "console:result"),
        {
            "code": "PP",
            "channel": "outbound_call",
            "contact_point": t2.debtor.contact_points.get().pk,
            "promise_amount": "1.500,50",
            "promise_date": "20/03/2025",
            "note": "Cobra el viernes",
        },
    )

    assert response.status_code == 302
    promise = Promise.objects.get(account=t2)
    assert (promise.amount, promise.due_on) == (
        Decimal("1500.50"),
        datetime.date(2025, 3, 20),
    )
    assert t2.management.state == ManagementState.PROMISE_PENDING
    recorded = AuditEvent.objects.get(object_type="collections.activity")
    assert (recorded.actor, recorded.path) == (
        floor.ana,
        account_url(t2, "console:result"),
    )
    page = client.get(account_url(t2)).content.decode()
    assert "Promesa vigente" in page
    assert "Prometió $ 1.500,50 para el 20/03/2025" in page
    assert "Cobra el viernes" in page
    # The account waits for the promise: out of the queue until its date.
    assert "T-2" not in [r[0] for r in table_rows(client.get("/consola/"), "queue")]


def test_a_promise_without_amount_is_refused_with_the_field_named(client, floor):
    t2 = floor.accounts["T-2"]
    client.force_login(floor.ana)

    response = client.post(
        account_url(t2, "console:result"),
        {"code": "PP", "channel": "outbound_call", "promise_date": "32/03/2025"},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Indicá cuánto prometió pagar." in page
    assert "«32/03/2025» no es una fecha" in page
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    ("sent", "said", "not_said"),
    [
        ({"promise_amount": "mucho"}, "«mucho» no es un importe", "Indicá cuánto"),
        ({"code": ""}, "Elegí un resultado.", "Este campo es obligatorio."),
    ],
)
def test_each_refused_field_says_one_thing(client, floor, sent, said, not_said):
    t2 = floor.accounts["T-2"]
    client.force_login(floor.ana)
    data = {"code": "PP", "channel": "outbound_call", "promise_date": "20/03/2025"}

    response = client.post(account_url(t2, "console:result"), {**data, **sent})

    assert response.status_code == 400
    page = response.content.decode()
    assert said in page
    assert not_said not in page
    assert not Activity.objects.exists()


def test_another_agent_reads_a_held_account_but_cannot_record(client, floor):
    t2 = floor.accounts["T-2"]
    client.force_login(floor.ana)
    client.post(reverse("console:next"))
    client.force_login(floor.beto)

    page = client.get(account_url(t2))
    refused = client.post(
        account_url(t2, "console:result"), {"code": "NA", "channel": "outbound_call"}
    )

    assert "Ana está gestionando esta cuenta" in page.content.decode()
    assert 'id="result-form"' not in page.content.decode()
    assert refused.status_code == 400
    assert not Activity.objects.exists()


def test_an_agent_of_another_area_gets_not_found(client, floor):
    client.force_login(floor.carla)

    for name in ("console:account", "console:result", "console:release"):
        method = client.get if name == "console:account" else client.post
        assert method(account_url(floor.accounts["T-1"], name)).status_code == 404


def test_a_creditor_user_has_no_console(client, floor, other_creditor):
    viewer = make_user("globex", ProfileKind.CREDITOR, creditor=other_creditor)

    client.force_login(viewer)

    assert client.get(reverse("console:queue")).status_code == 403
    assert client.post(reverse("console:next")).status_code == 403


def test_opening_the_page_is_audited(client, floor):
    t1 = floor.accounts["T-1"]
    client.force_login(floor.ana)

    client.get(account_url(t1))

    event = AuditEvent.objects.get(action="read")
    assert (event.object_type, event.object_id) == ("parties.debtor", str(t1.debtor_id))


def test_the_agent_adds_a_phone_with_the_imports_validation(client, floor):
    t1 = floor.accounts["T-1"]
    client.force_login(floor.ana)
    url = account_url(t1, "console:add_contact")

    bad = client.post(url, {"kind": "phone", "value": "12", "source": "debtor"})
    good = client.post(
        url, {"kind": "phone", "value": "0351 15-412-3456", "source": "third_party"}
    )

    assert bad.status_code == good.status_code == 302
    added = ContactPoint.objects.get(debtor=t1.debtor, value="+5493514123456")
    assert added.source == Source.THIRD_PARTY
    assert ContactPoint.objects.filter(debtor=t1.debtor).count() == 2


def test_a_refused_contact_says_which_field_and_why(client, floor):
    t1 = floor.accounts["T-1"]
    client.force_login(floor.ana)

    response = client.post(
        account_url(t1, "console:add_contact"),
        {"kind": "phone", "value": "1" * 301, "source": "debtor"},
        follow=True,
    )

    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith("No se agregó el contacto: Valor: ")
    assert "300" in message
    assert ContactPoint.objects.filter(debtor=t1.debtor).count() == 1


def test_the_agent_marks_a_phone_wrong(client, floor):
    t1 = floor.accounts["T-1"]
    phone = t1.debtor.contact_points.get()
    client.force_login(floor.ana)

    client.post(
        account_url(t1, "console:mark_contact", contact_point_id=phone.pk),
        {"status": "wrong"},
    )

    phone.refresh_from_db()
    assert phone.status == ContactStatus.WRONG


def test_an_unknown_mark_changes_nothing_and_says_why(client, floor):
    t1 = floor.accounts["T-1"]
    phone = t1.debtor.contact_points.get()
    client.force_login(floor.ana)

    response = client.post(
        account_url(t1, "console:mark_contact", contact_point_id=phone.pk),
        {"status": "excellent"},
        follow=True,
    )

    phone.refresh_from_db()
    assert phone.status == ContactStatus.UNVERIFIED
    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith("No se actualizó el contacto:")
    assert "excellent" in message


def test_a_contact_point_of_another_debtor_cannot_be_marked(client, floor):
    t1, t2 = floor.accounts["T-1"], floor.accounts["T-2"]
    foreign = t2.debtor.contact_points.get()
    client.force_login(floor.ana)

    response = client.post(
        account_url(t1, "console:mark_contact", contact_point_id=foreign.pk),
        {"status": "wrong"},
    )

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == ContactStatus.UNVERIFIED


def test_the_account_page_costs_the_same_queries_however_long_the_history(
    client, floor, django_assert_max_num_queries
):
    t1 = floor.accounts["T-1"]
    phone = t1.debtor.contact_points.get()
    client.force_login(floor.ana)
    client.get(account_url(t1))
    record_result(
        floor.ana,
        t1,
        code="PP",
        channel="outbound_call",
        contact_point=phone,
        promise=PromiseTerms(Decimal("10.00"), datetime.date(2025, 3, 12)),
    )
    with CaptureQueriesContext(connection) as short_history:
        client.get(account_url(t1))

    for code in ["NA", "OCU", "CONT", "TCM", "TIT"] * 4:
        record_result(
            floor.ana, t1, code=code, channel="outbound_call", contact_point=phone
        )

    with django_assert_max_num_queries(len(short_history)):
        response = client.get(account_url(t1))
    assert len(response.context["page"].timeline) > 20


def test_the_agent_adds_a_guarantor_with_a_phone_or_nothing(client, floor):
    t1 = floor.accounts["T-1"]
    client.force_login(floor.ana)
    url = account_url(t1, "console:add_related")
    fields = {
        "related-relation": "guarantor",
        "related-name": "  López,   Marta ",
        "related-source": "debtor",
    }

    client.post(url, {**fields, "related-phone": "12"})
    assert not t1.debtor.related_persons.exists()

    client.post(url, {**fields, "related-phone": "011 4567-8901"})
    person = t1.debtor.related_persons.get()
    assert (person.name, person.relation) == ("López, Marta", "guarantor")
    assert person.contact_points.get().value == "+541145678901"


def test_a_result_is_recorded_on_every_account_of_a_search(client, floor):
    back_office = make_user("bo", ProfileKind.BACK_OFFICE)
    back_office.user_permissions.add(
        Permission.objects.get(codename="register_mass_result")
    )
    client.force_login(back_office)
    query = f"portfolio={floor.cards.pk}&stage=mora_temprana"
    url = f"{reverse('console:mass_result')}?{query}"

    page = client.get(url)
    response = client.post(
        url,
        {
            "code": "ENV",
            "channel": "letter",
            "note": "Carta 1",
            "expected": 3,
            "token": uuid.uuid4(),
        },
    )

    assert "La búsqueda encuentra 3 cuentas." in page.content.decode()
    assert response.status_code == 302
    worked = Activity.objects.filter(result_code__code="ENV").values_list(
        "accounts__number", flat=True
    )
    assert sorted(worked) == ["T-1", "T-3", "T-4"]


def test_a_mass_result_is_not_recorded_when_the_search_changed(client, floor):
    back_office = make_user("bo", ProfileKind.BACK_OFFICE)
    back_office.user_permissions.add(
        Permission.objects.get(codename="register_mass_result")
    )
    client.force_login(back_office)
    url = f"{reverse('console:mass_result')}?portfolio={floor.cards.pk}"

    response = client.post(
        url, {"code": "ENV", "channel": "letter", "expected": 2, "token": uuid.uuid4()}
    )

    assert response.status_code == 200
    assert "ahora encuentra 5 cuentas" in response.content.decode()
    assert not Activity.objects.exists()


def test_an_agent_may_not_record_in_mass(client, floor):
    client.force_login(floor.ana)

    assert client.get(reverse("console:mass_result")).status_code == 403


@pytest.mark.parametrize(
    ("sent", "said"),
    [
        ({"note": "x" * 5001}, "como máximo 5000 caracteres (tiene 5001)"),
        ({"channel": "paloma"}, "Canal: "),
    ],
)
def test_a_refused_note_or_channel_says_why(client, floor, sent, said):
    t2 = floor.accounts["T-2"]
    client.force_login(floor.ana)

    response = client.post(
        account_url(t2, "console:result"),
        {"code": "NA", "channel": "outbound_call", **sent},
    )

    assert response.status_code == 400
    assert said in response.content.decode()
    assert not Activity.objects.exists()


def test_a_note_as_long_as_the_api_takes_is_taken(client, floor):
    # The API takes notes of ACTIVITY_NOTE_MAX_LENGTH characters: so does
    # the console (tests/api/test_writes.py checks the API at the same length).
    t2 = floor.accounts["T-2"]
    client.force_login(floor.ana)

    client.post(
        account_url(t2, "console:result"),
        {"code": "NA", "channel": "outbound_call", "note": "x" * 5000},
    )

    assert Activity.objects.get().note == "x" * 5000
    assert ACTIVITY_NOTE_MAX_LENGTH == 5000
