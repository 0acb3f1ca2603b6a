"""Repeated failed log-ins lock the user name out from that address.

Settings: 5 failures lock for 15 minutes, counted per user name and
address; a successful log-in forgets earlier failures.
"""

import datetime

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY

from tests.access.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

START = datetime.datetime(2025, 6, 2, 10, 0, tzinfo=datetime.UTC)


def log_in(client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        "/ingresar/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def fail(client, times: int, username: str = "laura", address: str = "10.0.0.1"):
    return [log_in(client, username, "mala", address).status_code for _ in range(times)]


@pytest.fixture
def laura(db):
    return make_user("laura")


def test_four_failures_still_let_the_right_password_in(client, laura):
    assert fail(client, 4) == [200, 200, 200, 200]

    response = log_in(client, "laura", PASSWORD)

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(laura.pk)


def test_fifth_failure_locks_even_the_right_password_out(client, laura):
    with time_machine.travel(START, tick=False):
        statuses = fail(client, 5)
        response = log_in(client, "laura", PASSWORD)

    assert statuses == [200, 200, 200, 200, 429]
    assert response.status_code == 429
    assert SESSION_KEY not in client.session
    page = response.content.decode()
    assert "Acceso bloqueado" in page
    assert "Tras 5 intentos fallidos" in page
    assert "Volvé a intentar en 15 minutos" in page


def test_lock_is_for_that_user_name_from_that_address_only(client, laura):
    make_user("pablo")
    fail(client, 5)

    other_user = log_in(client, "pablo", PASSWORD)
    client.logout()
    other_address = log_in(client, "laura", PASSWORD, address="10.0.0.2")

    assert other_user.status_code == 302
    assert other_address.status_code == 302


def test_lock_is_lifted_after_fifteen_minutes(client, laura):
    with time_machine.travel(START, tick=False):
        fail(client, 5)
    with time_machine.travel(START + datetime.timedelta(minutes=14), tick=False):
        still_locked = log_in(client, "laura", PASSWORD)
    with time_machine.travel(START + datetime.timedelta(minutes=16), tick=False):
        unlocked = log_in(client, "laura", PASSWORD)

    assert still_locked.status_code == 429
    assert unlocked.status_code == 302
