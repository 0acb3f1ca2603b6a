"""The task path on a real Celery worker: an import or a mass result
queued by the web goes through the broker, a separate worker process runs
it, and the database shows the result.

Runs only when ``CELERY_BROKER_URL`` names a broker and the database is one
that another process can open (PostgreSQL): CI's worker run.
"""

import datetime
import os
import subprocess
import sys
import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection

from recupero.access.actions import ensure_default_profiles, set_membership
from recupero.access.models import ProfileKind
from recupero.collections.actions import ensure_default_result_codes
from recupero.collections.mass_jobs import start_mass_result_job
from recupero.collections.models import Activity, MassJobStatus
from recupero.parties.models import Debtor
from recupero.portfolios.importing import start_import
from recupero.portfolios.models import (
    Account,
    ImportJob,
    ImportProfile,
    ImportStatus,
    Portfolio,
)

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(
        not settings.CELERY_BROKER_URL, reason="needs CELERY_BROKER_URL (a broker)"
    ),
]

WAIT_SECONDS = 90

FILE = (
    "cuenta;documento;nombre;saldo;vencimiento\n"
    "W-1;20-12345678-6;PÉREZ, JUAN;1.234,56;15/05/2025\n"
    "W-2;27-23456789-0;GÓMEZ, ANA;10,00;01/06/2025\n"
    "W-3;;SIN SALDO;abc;01/06/2025\n"
)


@pytest.fixture
def worker(transactional_db):
    """Start ``celery worker`` on the test database; stop it afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("the worker needs a database another process can open")
    from recupero.celery import app

    app.control.purge()
    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
        f"/{database['NAME']}"
    )
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "recupero.settings_test",
    }
    command = [sys.executable, "-m", "celery", "-A", "recupero", "worker"]
    command += ["--pool", "solo", "--loglevel", "INFO", "--without-heartbeat"]
    process = subprocess.Popen(  # noqa: S603
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def test_import_queued_runs_on_the_worker(worker, creditor, tmp_path):
    profile = ImportProfile.objects.create(
        creditor=creditor,
        name="cartera",
        columns={
            "account_number": "cuenta",
            "tax_id": "documento",
            "debtor_name": "nombre",
            "capital": "saldo",
            "due_date": "vencimiento",
        },
        decimal_separator=",",
    )
    path = tmp_path / "cartera.csv"
    path.write_bytes(FILE.encode("cp1252"))

    job = start_import(creditor=creditor, profile=profile, source=path)

    assert job.status == ImportStatus.PENDING
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status not in {ImportStatus.PENDING, ImportStatus.RUNNING}:
            break
        if worker.poll() is not None:
            pytest.fail(f"the worker stopped:\n{worker.stdout.read().decode()}")
        time.sleep(0.5)
    else:
        worker.terminate()
        pytest.fail(f"not done in {WAIT_SECONDS} s:\n{worker.stdout.read().decode()}")
    assert job.status == ImportStatus.DONE, job.message
    assert (job.rows_created, job.rows_rejected) == (2, 1)
    balances = dict(Account.objects.values_list("number", "capital"))
    assert balances == {"W-1": Decimal("1234.56"), "W-2": Decimal("10.00")}
    assert ImportJob.objects.count() == 1
    worker.terminate()
    log = worker.communicate(timeout=20)[0].decode()
    assert "run_import_job[" in log, log
    assert "succeeded" in log, log


def test_mass_result_queued_runs_on_the_worker(worker, creditor):
    ensure_default_profiles()
    ensure_default_result_codes()
    user = get_user_model().objects.create_user("bo", password="x")
    set_membership(user, profile=ProfileKind.BACK_OFFICE)
    user.user_permissions.add(Permission.objects.get(codename="register_mass_result"))
    portfolio = Portfolio.objects.create(
        creditor=creditor, code="w", name="W", placed_on=datetime.date(2025, 1, 1)
    )
    for number in ("W-1", "W-2", "W-3"):
        debtor = Debtor.objects.create(identity_key=f"ext:{number}", name=number)
        Account.objects.create(
            creditor=creditor, portfolio=portfolio, debtor=debtor, number=number
        )

    job = start_mass_result_job(
        user, "ENV", channel="letter", expected=3, portfolio=portfolio
    )

    assert job.status == MassJobStatus.PENDING
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status not in {MassJobStatus.PENDING, MassJobStatus.RUNNING}:
            break
        if worker.poll() is not None:
            pytest.fail(f"the worker stopped:\n{worker.stdout.read().decode()}")
        time.sleep(0.5)
    else:
        worker.terminate()
        pytest.fail(f"not done in {WAIT_SECONDS} s:\n{worker.stdout.read().decode()}")
    assert job.status == MassJobStatus.DONE, job.error
    assert job.recorded == 3
    worked = Activity.objects.filter(result_code__code="ENV", user=user)
    assert sorted(worked.values_list("accounts__number", flat=True)) == [
        "W-1",
        "W-2",
        "W-3",
    ]
    worker.terminate()
    log = worker.communicate(timeout=20)[0].decode()
    assert "run_mass_result_job[" in log, log
    assert "succeeded" in log, log
