"""The debtor's 360° page: identity, contact points, accounts, history.

Values are worked out by hand from ``tests.screens.make_book``.
"""

import pytest

from tests.screens import add_account, make_agent, make_book, table_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(creditor, other_creditor):
    return make_book(creditor, other_creditor)


@pytest.fixture
def agent_client(client):
    client.force_login(make_agent())
    return client


def test_debtor_page_without_log_in_redirects_to_log_in(client, book):
    url = f"/deudores/{book.juan.pk}/"

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/ingresar/?next={url}"


def test_debtor_page_shows_identity(agent_client, book):
    response = agent_client.get(f"/deudores/{book.juan.pk}/")

    text = response.content.decode()
    assert "<h1>Pérez, Juan</h1>" in text
    assert '<dt>CUIT/CUIL</dt><dd class="mono">20-12345678-6</dd>' in text
    assert '<dt>DNI</dt><dd class="mono">12345678</dd>' in text
    assert '<span class="status status-valid">Válida</span>' in text


def test_debtor_page_shows_an_invalid_identity_with_its_issue(agent_client, book):
    response = agent_client.get(f"/deudores/{book.gomez.pk}/")

    text = response.content.decode()
    assert "<dd>Empresa</dd>" in text
    assert '<dd class="mono">30-1234</dd>' in text
    assert '<span class="status status-invalid">Inválida, a revisar</span>' in text
    assert "CUIT incompleto: tiene 6 dígitos" in text
    assert "Sin medios de contacto." in text


def test_debtor_page_lists_every_contact_point_with_its_status(agent_client, book):
    response = agent_client.get(f"/deudores/{book.juan.pk}/")

    assert table_rows(response, "contact-points") == [
        # The debtor's phones.
        ["Como vino escrito", "Normalizado", "Tipo", "Origen", "Estado", "Problema"],
        [
            "011 15-2345-6789",
            "+5491123456789",
            "Celular",
            "Archivo del cliente",
            "Sin verificar",
            "",
        ],
        [
            "(011) 4567-8901",
            "+541145678901",
            "Línea fija",
            "Archivo del cliente",
            "A revisar",
            "puede ser un celular sin el 9 (+5491145678901)",
        ],
        ["123", "123", "", "Archivo del cliente", "Inválido", "demasiado corto"],
        # The debtor's e-mails.
        ["Como vino escrito", "Normalizado", "Origen", "Estado", "Problema"],
        [
            "Juan.Perez@Example.com",
            "juan.perez@example.com",
            "Archivo del cliente",
            "Sin verificar",
            "",
        ],
        # The guarantor's, under the guarantor.
        [
            "Canal",
            "Como vino escrito",
            "Normalizado",
            "Tipo",
            "Origen",
            "Estado",
            "Problema",
        ],
        [
            "Teléfono",
            "0351 423-4567",
            "+543514234567",
            "Línea fija",
            "Archivo del cliente",
            "Sin verificar",
            "",
        ],
    ]
    text = response.content.decode()
    assert "Pérez, Ana" in text
    assert "Garante" in text


def test_debtor_page_shows_accounts_with_every_creditor(agent_client, book):
    response = agent_client.get(f"/deudores/{book.juan.pk}/")

    assert table_rows(response, "accounts") == [
        [
            "Cuenta",
            "Cliente",
            "Cartera",
            "Producto",
            "Tramo",
            "Días de mora",
            "Capital",
            "Intereses",
            "Gastos",
            "Saldo",
        ],
        [
            "A-0001",
            "ACME Tarjetas",
            "Tarjetas 2025",
            "Visa",
            "Mora temprana",
            "45",
            "$ 1.234.567,89",
            "$ 100,00",
            "$ 10,50",
            "$ 1.234.678,39",
        ],
        [
            "S-9",
            "Globex Préstamos",
            "Préstamos personales",
            "Préstamo",
            "Judicial en juicio",
            "400",
            "$ 5.000,50",
            "$ 0,00",
            "$ 0,00",
            "$ 5.000,50",
        ],
    ]


def test_debtor_page_shows_balance_history_newest_first(agent_client, book):
    response = agent_client.get(f"/deudores/{book.juan.pk}/")

    # The book stores the snapshots out of order: April, June, May.
    assert table_rows(response, "history") == [
        ["Al", "Capital", "Intereses", "Gastos", "Saldo"],
        ["30/06/2025", "$ 1.234.567,89", "$ 110,50", "$ 0,00", "$ 1.234.678,39"],
        ["31/05/2025", "$ 1.199.900,00", "$ 100,00", "$ 0,00", "$ 1.200.000,00"],
        ["30/04/2025", "$ 1.100.000,00", "$ 0,00", "$ 0,00", "$ 1.100.000,00"],
    ]
    text = response.content.decode()
    assert "Cuenta A-0001 · ACME Tarjetas" in text
    assert "Cuenta S-9 · Globex Préstamos" in text
    assert "Sin historial de saldos." in text


def test_debtor_page_does_not_show_other_debtors_accounts(agent_client, book):
    response = agent_client.get(f"/deudores/{book.gomez.pk}/")

    numbers = [row[0] for row in table_rows(response, "accounts")[1:]]
    assert numbers == ["A-0002"]


def test_unknown_debtor_is_not_found(agent_client, book):
    assert agent_client.get("/deudores/999999/").status_code == 404


def test_debtor_page_runs_the_same_queries_whatever_the_number_of_accounts(
    agent_client, book, creditor, django_assert_num_queries
):
    for number in ("A-0003", "A-0004"):
        add_account(creditor, book.cards, book.juan, number, stage="judicial", days=9)

    # Session, user, the user's membership, its permissions for the menu (own
    # and through groups), debtor, the audit row, own contact points, related
    # persons and their contact points, accounts and their balance history.
    with django_assert_num_queries(12):
        agent_client.get(f"/deudores/{book.juan.pk}/")


def test_debtor_page_in_english(agent_client, book):
    agent_client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    response = agent_client.get(f"/deudores/{book.juan.pk}/")

    assert table_rows(response, "history")[0] == [
        "As of",
        "Capital",
        "Interest",
        "Fees",
        "Balance",
    ]
    assert ["A-0001", "ACME Tarjetas", "Tarjetas 2025", "Visa"] == table_rows(
        response, "accounts"
    )[1][:4]
    assert "Not verified" in response.content.decode()
    # Amounts and dates keep the Argentine form.
    assert table_rows(response, "history")[1][0] == "30/06/2025"
    assert table_rows(response, "accounts")[1][-1] == "$ 1.234.678,39"
