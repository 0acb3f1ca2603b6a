"""Tokens: issued once, stored as a hash, revoked for good; the session too."""

import datetime
import hashlib

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection
from django.utils import timezone

from recupero.access.actions import set_membership
from recupero.access.models import ProfileKind
from recupero.api.actions import issue_token, revoke_token
from recupero.api.management.commands.token import Command as TokenCommand
from recupero.api.models import ApiToken
from tests.api.conftest import bearer


def assert_unauthenticated(response) -> None:
    assert response.status_code == 401, response.content
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Bearer"


def test_only_the_hash_and_a_prefix_are_stored(back_office):
    token, key = issue_token(user=back_office, name="ERP")

    assert key.startswith("rcp_")
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:12]
    assert key not in str(ApiToken.objects.values().get())


def test_a_used_token_notes_when(office, back_office):
    office.get("/api/v1/accounts")

    assert ApiToken.objects.get().last_used_at == timezone.now()


def test_a_busy_database_does_not_fail_the_call_for_the_stamp(office, back_office):
    def locked(execute, sql, params, many, context):
        if sql.startswith("UPDATE") and ApiToken._meta.db_table in sql:
            raise OperationalError("database is locked")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(locked):
        response = office.get("/api/v1/accounts")

    assert response.status_code == 200, response.content
    assert ApiToken.objects.get().last_used_at is None


def test_a_revoked_token_is_refused(back_office):
    token, key = issue_token(user=back_office, name="ERP")
    assert bearer(key).get("/api/v1/accounts").status_code == 200

    assert revoke_token(token) is True
    assert revoke_token(token) is False

    assert_unauthenticated(bearer(key).get("/api/v1/accounts"))


def test_unknown_missing_and_expired_tokens_are_refused(client, back_office):
    soon = timezone.now() + datetime.timedelta(hours=1)
    _token, key = issue_token(user=back_office, name="corto", expires_at=soon)

    assert_unauthenticated(bearer("rcp_no-such-key").get("/api/v1/accounts"))
    assert_unauthenticated(client.get("/api/v1/accounts"))
    with time_machine.travel(soon, tick=False):
        assert_unauthenticated(bearer(key).get("/api/v1/accounts"))


def test_a_creditor_token_stops_when_its_user_leaves_the_creditor(
    creditor, acme_integration, django_user_model
):
    assert acme_integration.get("/api/v1/accounts").status_code == 200

    service = django_user_model.objects.get(username="api-acme")
    set_membership(service, profile=ProfileKind.BACK_OFFICE)

    assert_unauthenticated(acme_integration.get("/api/v1/accounts"))


def test_a_creditor_token_needs_a_user_of_that_creditor(creditor, back_office):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        issue_token(user=back_office, name="ERP", creditor=creditor)

    assert refused.value.code == "token_creditor_mismatch"


def test_the_session_reads_and_writes_with_csrf(api_book, back_office):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(back_office)
    card = api_book.book.card_juan.pk
    body = {"result_code": "NA", "channel": "outbound_call"}

    assert browser.get(f"/api/v1/accounts/{card}").status_code == 200
    refused = browser.post(
        f"/api/v1/accounts/{card}/activities", body, content_type="application/json"
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    browser.get("/ingresar/")
    token = browser.cookies["csrftoken"].value
    accepted = browser.post(
        f"/api/v1/accounts/{card}/activities",
        body,
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert accepted.status_code == 201, accepted.content


def test_the_command_creates_lists_and_revokes_in_spanish(creditor, capsys):
    call_command("token", "create", "--creditor", "acme", "--name", "ERP")
    said, key, warning = capsys.readouterr().out.splitlines()
    token = ApiToken.objects.get()
    assert said == f"Token {token.pk} de api-acme:"
    assert warning == "Guardalo ahora: no se almacena y no se puede volver a mostrar."
    assert token.creditor == creditor
    assert token.user.username == "api-acme"
    assert bearer(key).get("/api/v1/accounts").status_code == 200

    call_command("token", "list")
    listed = capsys.readouterr().out
    assert listed.split("\t")[:5] == [
        str(token.pk),
        token.prefix,
        "ERP",
        "api-acme",
        "acme",
    ]
    assert listed.rstrip("\n").split("\t")[5:] == [
        "usado el 01/07/2025 12:00",
        "sin vencimiento",
        "activo",
    ]
    assert key not in listed

    call_command("token", "revoke", token.prefix)
    assert capsys.readouterr().out == f"Token {token.pk} revocado.\n"
    call_command("token", "revoke", str(token.pk))
    assert capsys.readouterr().out == f"El token {token.pk} ya estaba revocado.\n"
    assert_unauthenticated(bearer(key).get("/api/v1/accounts"))


def test_the_command_refuses_in_spanish(creditor):
    with pytest.raises(CommandError) as no_creditor:
        call_command("token", "create", "--creditor", "nada", "--name", "ERP")
    with pytest.raises(CommandError) as no_owner:
        call_command("token", "create", "--name", "ERP")
    with pytest.raises(CommandError) as no_token:
        call_command("token", "revoke", "rcp_nada")

    assert str(no_creditor.value) == "No existe el cliente con código nada."
    assert str(no_owner.value) == "Indicá --user, --creditor o ambos."
    assert str(no_token.value) == "No hay un único token que coincida con rcp_nada."
    assert not ApiToken.objects.exists()


def test_the_command_help_is_in_spanish():
    command = TokenCommand()
    parser = command.create_parser("recupero", "token")

    text = parser.format_help()

    assert "Crea, lista o revoca tokens de la API." in text
    assert "Emite un token; muestra su clave una sola vez." in text


def test_the_admin_revokes_selected_tokens(admin_client, back_office):
    token, key = issue_token(user=back_office, name="ERP")

    admin_client.post(
        "/admin/api/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )

    token.refresh_from_db()
    assert token.revoked_at == timezone.now()
