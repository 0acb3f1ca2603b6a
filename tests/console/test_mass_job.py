"""A mass result above the in-request floor: queued as a job, run by a task."""

import logging
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from recupero.access.models import ProfileKind
from recupero.collections import mass_jobs
from recupero.collections.models import (
    Activity,
    MassJobStatus,
    MassResultJob,
    ResultCode,
)
from recupero.collections.tasks import run_mass_result_job
from recupero.console import views
from recupero.portfolios.models import Account

from .conftest import NOW, make_user


@pytest.fixture(autouse=True)
def at_ten_march(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(autouse=True)
def small_floor(monkeypatch):
    # The floor's five cards accounts are above this: every post is a job.
    monkeypatch.setattr(views, "MASS_IN_REQUEST", 2)


def make_back_office(username: str):
    user = make_user(username, ProfileKind.BACK_OFFICE)
    user.user_permissions.add(Permission.objects.get(codename="register_mass_result"))
    return user


@pytest.fixture
def back_office(client, floor):
    user = make_back_office("bo")
    client.force_login(user)
    return user


def mass_url(floor) -> str:
    return f"{reverse('console:mass_result')}?portfolio={floor.cards.pk}"


def post_letters(client, floor, expected: int = 5):
    return client.post(
        mass_url(floor),
        {
            "code": "ENV",
            "channel": "letter",
            "note": "Carta 1",
            "expected": expected,
            "token": uuid.uuid4(),
        },
    )


def test_the_page_says_a_large_search_runs_in_the_background(
    client, back_office, floor
):
    html = client.get(mass_url(floor)).content.decode()

    assert "se registran en segundo plano" in html


def test_a_large_search_runs_as_a_job_on_every_account(
    client, back_office, floor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_letters(client, floor)

    job = MassResultJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("console:mass_job", args=[job.pk])
    assert (job.status, job.expected, job.recorded) == (MassJobStatus.DONE, 5, 5)
    assert (job.created_by, job.result_code.code, job.note) == (
        back_office,
        "ENV",
        "Carta 1",
    )
    assert job.started_at == job.finished_at == NOW
    by_hand = Account.objects.filter(portfolio=floor.cards).count()
    worked = Activity.objects.filter(result_code__code="ENV", user=back_office)
    assert worked.count() == by_hand == 5
    assert sorted(worked.values_list("accounts__number", flat=True)) == [
        "T-1",
        "T-2",
        "T-3",
        "T-4",
        "T-5",
    ]


def test_the_status_page_of_a_finished_job_reads_in_spanish(
    client, back_office, floor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_letters(client, floor)

    page = client.get(response.url)

    html = page.content.decode()
    assert page.status_code == 200
    assert "Terminado" in html
    assert "ENV" in html
    assert "Carta" in html
    assert "10/03/2025 11:00" in html
    assert 'id="mass-job-recorded">5<' in html
    assert "hx-trigger" not in html


def test_a_pending_job_shows_its_count_and_keeps_reloading(client, back_office):
    job = MassResultJob.objects.create(
        created_by=back_office,
        result_code=ResultCode.objects.get(code="ENV"),
        channel="letter",
        expected=1234,
    )

    html = client.get(reverse("console:mass_job", args=[job.pk])).content.decode()

    assert "Pendiente" in html
    assert 'id="mass-job-expected">1.234<' in html
    assert 'hx-trigger="every 2s"' in html
    assert "se actualiza sola" in html


def test_a_search_that_changed_fails_the_job_and_records_nothing(
    client, back_office, floor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        post_letters(client, floor)
    # Another account lands in the portfolio before the worker runs.
    Account.objects.create(
        creditor=floor.cards.creditor,
        portfolio=floor.cards,
        debtor=floor.accounts["T-1"].debtor,
        number="T-6",
    )
    for callback in queued:
        callback()

    job = MassResultJob.objects.get()
    assert job.status == MassJobStatus.FAILED
    assert job.error == (
        "La búsqueda ahora encuentra 6 cuentas y se confirmaron 5: no se registró "
        "nada. Revisá la búsqueda y confirmá de nuevo."
    )
    assert not Activity.objects.exists()
    html = client.get(reverse("console:mass_job", args=[job.pk])).content.decode()
    assert "Falló" in html
    assert "La búsqueda ahora encuentra 6 cuentas" in html


def test_a_job_runs_once(
    client, back_office, floor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_letters(client, floor)
    job = MassResultJob.objects.get()

    assert run_mass_result_job(job.pk) == MassJobStatus.DONE
    assert Activity.objects.count() == 5


def test_an_unexpected_error_fails_the_job_and_is_logged_by_id(
    client, back_office, floor, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError("disco lleno")

    monkeypatch.setattr(mass_jobs, "register_mass_result", broken)
    with caplog.at_level(logging.INFO, logger="recupero.collections.mass_jobs"):
        with django_capture_on_commit_callbacks(execute=True):
            post_letters(client, floor)

    job = MassResultJob.objects.get()
    assert job.status == MassJobStatus.FAILED
    assert "RuntimeError: disco lleno" in job.error
    assert f"mass result job {job.pk}: failed with RuntimeError" in caplog.messages
    assert not Activity.objects.exists()


def test_a_code_the_action_refuses_queues_no_job(client, back_office, floor):
    # No answer (NA) is a call's result: refused on letters before queuing.
    response = client.post(
        mass_url(floor),
        {"code": "NA", "channel": "letter", "expected": 5, "token": uuid.uuid4()},
    )

    assert response.status_code == 400
    assert "El código NA no se usa en este canal." in response.content.decode()
    assert not MassResultJob.objects.exists()


def test_only_its_creator_and_a_superuser_see_a_job(
    client, back_office, floor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        url = post_letters(client, floor).url
    superuser = get_user_model().objects.create_superuser("root", password="x")

    client.force_login(floor.ana)
    assert client.get(url).status_code == 404
    client.force_login(make_back_office("bo2"))
    assert client.get(url).status_code == 404
    client.force_login(superuser)
    assert client.get(url).status_code == 200


def test_up_to_the_floor_the_result_is_recorded_in_the_request(
    client, back_office, floor, monkeypatch
):
    monkeypatch.setattr(views, "MASS_IN_REQUEST", 5)

    response = post_letters(client, floor)

    assert response.status_code == 302
    assert response.url.startswith(reverse("portfolios:accounts"))
    assert Activity.objects.count() == 5
    job = MassResultJob.objects.get()
    assert (job.status, job.expected, job.recorded) == (MassJobStatus.DONE, 5, 5)


@pytest.mark.parametrize("in_request", [5, 2])
def test_the_same_form_posted_twice_records_once(
    client,
    back_office,
    floor,
    monkeypatch,
    django_capture_on_commit_callbacks,
    in_request,
):
    # In the request (floor 5) and as a job (floor 2) alike.
    monkeypatch.setattr(views, "MASS_IN_REQUEST", in_request)
    form = {"code": "ENV", "channel": "letter", "expected": 5, "token": uuid.uuid4()}
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(mass_url(floor), form)

    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(mass_url(floor), form)

    assert first.status_code == 302
    assert second.status_code == 400
    assert (
        "Este formulario ya se envió: el resultado en masa se registró una vez "
        "y no se registra de nuevo." in second.content.decode()
    )
    assert Activity.objects.count() == 5
    assert MassResultJob.objects.count() == 1


def test_the_page_carries_a_new_token_each_time(client, back_office, floor):
    first = client.get(mass_url(floor)).context["form"]["token"].value()
    second = client.get(mass_url(floor)).context["form"]["token"].value()

    assert first != second
    assert 'name="token"' in client.get(mass_url(floor)).content.decode()


def test_a_post_without_its_token_records_nothing(client, back_office, floor):
    response = client.post(
        mass_url(floor), {"code": "ENV", "channel": "letter", "expected": 5}
    )

    assert response.status_code == 400
    assert "Se perdió el token del formulario" in response.content.decode()
    assert not Activity.objects.exists()
