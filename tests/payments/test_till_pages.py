"""The cashier's pages: open, take a payment, the receipt, close; who may."""

import datetime
import importlib

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recupero.access.actions import link_portfolio_to_area, set_membership
from recupero.access.models import Area, ProfileKind
from recupero.payments.models import Branch, Payment, Receipt, Till, TillStatus
from tests.payments.pdfs import pdf_text
from tests.screens import make_agent, make_book

pytestmark = pytest.mark.django_db

# 10:00 in Buenos Aires on 15/07/2025.
MORNING = datetime.datetime(2025, 7, 15, 13, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def at_morning(time_machine):
    time_machine.move_to(MORNING, tick=False)


@pytest.fixture
def book(creditor, other_creditor):
    book = make_book(creditor, other_creditor)
    migration = importlib.import_module(
        "recupero.payments.migrations.0002_opening_entries"
    )
    migration.insert_opening_entries(connection)
    return book


@pytest.fixture
def branch(db) -> Branch:
    return Branch.objects.create(code="centro", name="Casa central", point_of_sale=1)


@pytest.fixture
def cashier(db):
    return make_agent("cajera", ProfileKind.CASHIER)


def error_codes(response, field: str) -> list[str]:
    return [error.code for error in response.context["form"].errors.as_data()[field]]


def open_till(client, branch, cash: str = "5.000,00"):
    return client.post("/caja/abrir/", {"branch": branch.pk, "opening_cash": cash})


def payment_form(client, **fields) -> dict[str, str]:
    """Return the take-a-payment form as the till page shows it, filled in."""
    form = client.get("/caja/").context["form"]
    return {"token": form["token"].value(), "method": "cash", **fields}


def test_the_cashier_day_from_opening_to_the_count(client, cashier, branch, book):
    client.force_login(cashier)

    first = client.get("/caja/")
    opened = open_till(client, branch)
    till_page = client.get("/caja/")
    data = payment_form(client, account_number="A-0002", amount="1.500,50")
    taken = client.post("/caja/cobrar/", data)

    assert first.status_code == 200
    assert "0001 Casa central" in first.content.decode()
    assert opened.status_code == 302
    assert "$ 5.000,00" in till_page.content.decode()
    receipt = Receipt.objects.get()
    assert taken.status_code == 302
    assert taken["Location"] == f"/caja/recibos/{receipt.pk}/"

    page = client.get(taken["Location"]).content.decode()
    for shown in (
        "0001-00000001",
        "$ 1.500,50",
        "15/07/2025",
        "Gómez Hnos. S.A.",
        "A-0002",
        "Casa central",
        "Laura Gestora",
    ):
        assert shown in page

    pdf = client.get(f"/caja/recibos/{receipt.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == (
        'attachment; filename="recibo-0001-00000001.pdf"'
    )
    text = pdf_text(pdf.content)
    assert "Recibo N\xb0 0001-00000001" in text
    assert "$ 1.500,50" in text

    closing = client.get("/caja/cerrar/")
    assert "$ 6.500,50" in closing.content.decode()
    closed = client.post("/caja/cerrar/", {"counted_cash": "6.500,00", "note": ""})
    till = Till.objects.get()
    assert closed["Location"] == f"/caja/arqueo/{till.pk}/"
    count = client.get(closed["Location"]).content.decode()
    for shown in (
        "$ 6.500,50",
        "$ 6.500,00",
        "-$ 0,50 <small>(faltante)",
        "15/07/2025",
    ):
        assert shown in count
    assert till.status == TillStatus.CLOSED


def test_the_same_form_sent_twice_takes_the_money_once(client, cashier, branch, book):
    client.force_login(cashier)
    open_till(client, branch)
    data = payment_form(client, account_number="A-0002", amount="100,00")

    first = client.post("/caja/cobrar/", data)
    second = client.post("/caja/cobrar/", data)

    assert first["Location"] == second["Location"]
    assert Payment.objects.count() == 1
    book.card_gomez.refresh_from_db()
    assert str(book.card_gomez.capital) == "900.00"


def test_refusals_name_the_field(client, cashier, branch, book):
    client.force_login(cashier)
    open_till(client, branch)

    bad_amount = client.post(
        "/caja/cobrar/", payment_form(client, account_number="A-0002", amount="1,2,3")
    )
    no_account = client.post(
        "/caja/cobrar/", payment_form(client, account_number="X-1", amount="10,00")
    )
    zero = client.post(
        "/caja/cobrar/", payment_form(client, account_number="A-0002", amount="0,00")
    )

    assert bad_amount.status_code == 400
    assert error_codes(bad_amount, "amount") == ["amount_invalid"]
    assert error_codes(no_account, "account_number") == ["not_found"]
    assert error_codes(zero, "amount") == ["not_positive"]
    assert not Payment.objects.exists()


def test_the_till_page_reads_the_same_whatever_it_lists(client, cashier, branch, book):
    client.force_login(cashier)
    open_till(client, branch)

    def take(amount: str) -> None:
        data = payment_form(client, account_number="A-0002", amount=amount)
        client.post("/caja/cobrar/", data)

    take("1,00")
    with CaptureQueriesContext(connection) as one:
        client.get("/caja/")
    take("2,00")
    take("3,00")
    with CaptureQueriesContext(connection) as three:
        page = client.get("/caja/")

    assert len(three) == len(one)
    assert page.content.decode().count("/caja/recibos/") == 3


def test_a_second_till_is_refused_on_the_page(client, cashier, branch):
    client.force_login(cashier)
    open_till(client, branch)

    again = client.post("/caja/abrir/", {"branch": branch.pk, "opening_cash": "0"})

    assert again.status_code == 400
    assert [e.code for e in again.context["form"].non_field_errors().as_data()] == [
        "already_open"
    ]
    assert Till.objects.count() == 1


def test_an_agent_may_not_use_the_till(client, branch, book):
    client.force_login(make_agent("gestor", ProfileKind.AGENT))

    for url in ("/caja/", "/caja/cerrar/"):
        assert client.get(url).status_code == 403
    assert open_till(client, branch).status_code == 403
    assert client.post("/caja/cobrar/", {}).status_code == 403
    assert not Till.objects.exists()


def test_the_menu_leads_a_cashier_to_the_till_and_no_one_else(client, cashier, book):
    link = '<a href="/caja/">Caja</a>'

    client.force_login(cashier)
    assert link in client.get("/").content.decode()

    client.force_login(make_agent("gestor", ProfileKind.AGENT))
    assert link not in client.get("/consola/").content.decode()


def test_the_account_is_looked_up_within_what_the_user_sees(
    client, branch, book, creditor
):
    # A supervisor of the cards area given the till by the administrator:
    # the other creditor's loan S-9 is outside what they see.
    area = Area.objects.create(code="tarjetas", name="Tarjetas")
    link_portfolio_to_area(book.cards, area)
    user = make_agent("supervisora", ProfileKind.SUPERVISOR)
    set_membership(user, profile=ProfileKind.SUPERVISOR, areas=[area])
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="payments",
            codename__in=["add_till", "change_till", "add_payment", "view_receipt"],
        )
    )
    client.force_login(user)
    open_till(client, branch)

    other = client.post(
        "/caja/cobrar/", payment_form(client, account_number="S-9", amount="10,00")
    )
    own = client.post(
        "/caja/cobrar/", payment_form(client, account_number="A-0002", amount="10,00")
    )

    assert error_codes(other, "account_number") == ["not_found"]
    assert own.status_code == 302
    assert list(Payment.objects.values_list("account__number", flat=True)) == ["A-0002"]


def test_the_creditor_chosen_narrows_the_lookup(
    client, cashier, branch, book, other_creditor
):
    client.force_login(cashier)
    open_till(client, branch)

    wrong = client.post(
        "/caja/cobrar/",
        payment_form(
            client, account_number="A-0002", amount="10,00", creditor=other_creditor.pk
        ),
    )

    assert error_codes(wrong, "account_number") == ["not_found"]
    assert not Payment.objects.exists()


def test_another_creditors_user_does_not_see_the_receipt(
    client, cashier, branch, book, other_creditor
):
    client.force_login(cashier)
    open_till(client, branch)
    client.post(
        "/caja/cobrar/", payment_form(client, account_number="A-0002", amount="10,00")
    )
    receipt = Receipt.objects.get()
    outsider = make_agent("globex", ProfileKind.AGENT)
    set_membership(outsider, profile=ProfileKind.CREDITOR, creditor=other_creditor)
    outsider.user_permissions.add(Permission.objects.get(codename="view_receipt"))
    client.force_login(outsider)

    assert client.get(f"/caja/recibos/{receipt.pk}/").status_code == 404
    assert client.get(f"/caja/recibos/{receipt.pk}/pdf/").status_code == 404
