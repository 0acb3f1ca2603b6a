"""SQLite locked past its busy timeout: 503 with Retry-After, not a 500."""

from django.db import OperationalError
from django.urls import reverse

from recupero.api import reading
from recupero.portfolios import listing


def locked(*args, **kwargs):
    raise OperationalError("database is locked")


def test_a_locked_database_answers_503_in_the_apis_shape(api_book, office, monkeypatch):
    monkeypatch.setattr(reading, "search_accounts", locked)

    response = office.get("/api/v1/accounts")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "code": "database_busy",
        "message": "La base de datos está ocupada y no se guardó nada: probá de "
        "nuevo en unos segundos.",
    }


def test_another_database_error_stays_a_server_error(api_book, office, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("no such table: accounts")

    monkeypatch.setattr(reading, "search_accounts", broken)

    response = office.get("/api/v1/accounts")

    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert "Retry-After" not in response


def test_a_locked_database_shows_a_short_page_elsewhere(
    client, api_book, back_office, monkeypatch
):
    client.force_login(back_office)
    monkeypatch.setattr(listing, "search_accounts", locked)

    response = client.get(reverse("portfolios:accounts"))

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    html = response.content.decode()
    assert "La base de datos está ocupada con otro trabajo" in html
    assert "Probá de nuevo en unos segundos." in html


def test_another_database_error_on_a_page_is_not_a_503(
    client, api_book, back_office, monkeypatch
):
    def broken(*args, **kwargs):
        raise OperationalError("disk I/O error")

    client.force_login(back_office)
    client.raise_request_exception = False
    monkeypatch.setattr(listing, "search_accounts", broken)

    assert client.get(reverse("portfolios:accounts")).status_code == 500
