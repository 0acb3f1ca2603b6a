"""The plan pages: quote and propose from an account, approve as a
supervisor, accept, download the agreement; scoped like the account."""

import datetime
from dataclasses import replace
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recupero.access.models import AuditEvent
from recupero.payments.models import PaymentPlan, PlanStatus
from tests.payments.pdfs import pdf_text
from tests.payments.test_plans import FRENCH_12, NOW, make_plan_book, propose
from tests.screens import table_rows

pytestmark = pytest.mark.django_db

D = datetime.date
TERMS = {
    "system": "french",
    "installments": "12",
    "tna": "36",
    "first_due": "10/04/2025",
    "down_payment": "0,00",
    "discount": "0",
}


@pytest.fixture
def book(creditor):
    return make_plan_book(creditor)


def log_in(client, user):
    client.force_login(user)


def post(client, url, data):
    with time_machine.travel(NOW, tick=False):
        return client.post(url, data)


def test_the_account_page_links_to_a_new_plan(client, book):
    log_in(client, book.ana)

    with time_machine.travel(NOW, tick=False):
        response = client.get(f"/consola/cuentas/{book.account.pk}/")

    assert f'href="/convenios/nuevo/{book.account.pk}/"' in response.content.decode()


def test_the_form_shows_the_quote_with_its_rates(client, book):
    log_in(client, book.ana)
    data = {**TERMS, "accounts": [book.account.pk], "quote": ""}

    response = post(client, f"/convenios/nuevo/{book.account.pk}/", data)

    assert response.status_code == 200
    rows = table_rows(response, "schedule")
    assert rows[1] == [
        "1",
        "10/04/2025",
        "$ 704,62",
        "$ 300,00",
        "$ 63,00",
        "$ 1.067,62",
    ]
    assert len(rows) == 13
    page = response.content.decode()
    assert "$ 12.487,10" in page
    for rate in ("3 %", "42,58 %", "52,9 %", "42,19 %"):
        assert rate in page
    assert 'id="exceeded-limits"' not in page
    assert not PaymentPlan.objects.exists()


def test_the_quote_lists_the_limits_it_goes_past(client, book):
    log_in(client, book.ana)
    data = {**TERMS, "installments": "18", "accounts": [book.account.pk], "quote": ""}

    response = post(client, f"/convenios/nuevo/{book.account.pk}/", data)

    assert "El plan tiene 18 cuotas y el máximo es 12." in response.content.decode()


def test_a_bad_value_is_refused_naming_the_field(client, book):
    log_in(client, book.ana)
    data = {**TERMS, "first_due": "01/03/2025", "accounts": [book.account.pk]}

    response = post(client, f"/convenios/nuevo/{book.account.pk}/", data)

    assert response.status_code == 400
    assert (
        "El primer vencimiento: debe ser posterior a la fecha del acuerdo."
        in response.content.decode()
    )
    assert not PaymentPlan.objects.exists()


def test_propose_then_a_supervisor_approves_and_the_agent_accepts(client, book):
    log_in(client, book.ana)
    data = {
        **TERMS,
        "installments": "18",
        "accounts": [book.account.pk],
        "propose": "",
    }

    response = post(client, f"/convenios/nuevo/{book.account.pk}/", data)

    plan = PaymentPlan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/convenios/{plan.pk}/"
    assert plan.needs_approval
    # The agent may not approve, nor accept before the approval.
    assert post(client, f"/convenios/{plan.pk}/aprobar/", {}).status_code == 403
    post(client, f"/convenios/{plan.pk}/aceptar/", {"accepted_on": "10/03/2025"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PROPOSED

    log_in(client, book.sofia)
    post(client, f"/convenios/{plan.pk}/aprobar/", {})
    log_in(client, book.ana)
    post(client, f"/convenios/{plan.pk}/aceptar/", {"accepted_on": "10/03/2025"})

    plan.refresh_from_db()
    assert plan.approved_by == book.sofia
    assert plan.status == PlanStatus.ACTIVE
    assert plan.accepted_on == D(2025, 3, 10)


def test_the_plan_page_shows_the_schedule(client, book):
    plan = propose(book.ana, [book.account], FRENCH_12)
    log_in(client, book.ana)

    with time_machine.travel(NOW, tick=False):
        response = client.get(f"/convenios/{plan.pk}/")

    assert response.status_code == 200
    rows = table_rows(response, "schedule")
    assert rows[1][:6] == [
        "1",
        "10/04/2025",
        "$ 704,62",
        "$ 300,00",
        "$ 63,00",
        "$ 1.067,62",
    ]
    assert rows[1][6] == "$ 0,00"
    assert AuditEvent.objects.filter(
        action="read", object_id=str(book.juan.pk)
    ).exists()


def test_the_plan_pdf_downloads(client, book):
    plan = propose(book.ana, [book.account], FRENCH_12)
    log_in(client, book.ana)

    with time_machine.travel(NOW, tick=False):
        response = client.get(f"/convenios/{plan.pk}/pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="convenio-{plan.pk}.pdf"'
    )
    assert "$ 1.067,62" in pdf_text(response.content)


def test_an_agent_of_another_area_gets_404(client, book):
    plan = propose(book.ana, [book.account], FRENCH_12)
    log_in(client, book.carla)

    with time_machine.travel(NOW, tick=False):
        pages = [
            client.get(f"/convenios/nuevo/{book.account.pk}/"),
            client.get(f"/convenios/{plan.pk}/"),
            client.get(f"/convenios/{plan.pk}/pdf/"),
            client.post(
                f"/convenios/{plan.pk}/aceptar/", {"accepted_on": "10/03/2025"}
            ),
        ]

    assert [page.status_code for page in pages] == [404, 404, 404, 404]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PROPOSED


def test_the_form_offers_only_the_debtors_accounts(client, book):
    log_in(client, book.ana)
    data = {**TERMS, "accounts": [book.other_area.pk], "quote": ""}

    response = post(client, f"/convenios/nuevo/{book.account.pk}/", data)

    assert response.status_code == 400
    assert not PaymentPlan.objects.exists()
    assert Decimal(book.account.capital) == Decimal("10000.00")


def test_the_plan_page_reads_as_much_for_3_installments_as_for_12(client, book):
    short = propose(book.ana, [book.account], replace(FRENCH_12, installments=3))
    long = propose(book.ana, [book.second], FRENCH_12)
    log_in(client, book.ana)

    counts = []
    for plan in (short, long):
        with (
            time_machine.travel(NOW, tick=False),
            CaptureQueriesContext(connection) as queries,
        ):
            assert client.get(f"/convenios/{plan.pk}/").status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]
