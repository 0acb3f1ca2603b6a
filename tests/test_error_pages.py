"""The error pages speak Spanish, and the 500 page needs nothing but itself."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from django.views import defaults


@pytest.fixture
def production(settings):
    # With DEBUG on, Django shows its technical pages instead of ours.
    settings.DEBUG = False
    return settings


def test_an_unknown_address_shows_the_spanish_404(client, production, db):
    response = client.get("/no-existe/")

    assert response.status_code == 404
    text = response.content.decode()
    assert "Página no encontrada" in text
    assert 'href="/"' in text
    assert "Not Found" not in text


def test_a_refused_page_shows_the_spanish_403(client, production, django_user_model):
    nobody = django_user_model.objects.create_user("nadie", password="x")
    client.force_login(nobody)

    response = client.get("/importaciones/nueva/")

    assert response.status_code == 403
    text = response.content.decode()
    assert "Acceso denegado" in text
    assert "pedíselo a tu supervisor" in text
    assert "403 Forbidden" not in text


def test_the_500_page_renders_without_the_database(production):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    # No `db` fixture: any query here fails the test.
    response = defaults.server_error(request)

    assert response.status_code == 500
    text = response.content.decode()
    assert "Error del servidor" in text
    assert "/static/recupero/recupero.css" in text
    assert "/static/recupero/favicon.svg" in text
    assert 'href="/"' in text


def test_the_pages_name_the_favicon(client, db):
    response = client.get("/ingresar/")

    assert '<link rel="icon" href="/static/recupero/favicon.svg"' in (
        response.content.decode()
    )


def test_a_body_too_large_shows_the_spanish_400(client, production, settings, db):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100

    response = client.post("/ingresar/", {"username": "x" * 200, "password": "y"})

    assert response.status_code == 400
    text = response.content.decode()
    assert "No se pudo leer el pedido" in text
    assert "Bad Request" not in text


def test_an_expired_form_shows_the_spanish_403(production, db):
    response = Client(enforce_csrf_checks=True).post(
        "/ingresar/", {"username": "x", "password": "y"}
    )

    assert response.status_code == 403
    text = response.content.decode()
    assert "El formulario venció" in text
    assert "CSRF verification failed" not in text
