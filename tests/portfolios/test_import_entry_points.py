"""The ways in: the command line and the background task."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from recupero.portfolios.importing import start_import
from recupero.portfolios.models import Account, ImportJob, ImportStatus
from recupero.portfolios.tasks import run_import_job

pytestmark = pytest.mark.django_db

DATA = "cuenta;saldo\n1001;1.234,56\n1002;25.00\n1003;980,00\n1004;12.500\n"


@pytest.fixture
def profile(make_profile):
    return make_profile("cartera", account_number="cuenta", balance="saldo")


@pytest.fixture
def csv_path(tmp_path):
    path = tmp_path / "cartera.csv"
    path.write_text(DATA, encoding="utf-8")
    return path


def run_command(*args, **options):
    out = StringIO()
    call_command("import", *args, stdout=out, **options)
    return out.getvalue()


def test_command_import_prints_counts_and_first_issues(profile, csv_path):
    out = run_command(str(csv_path), creditor="acme", profile="cartera")

    assert "Cuentas nuevas:" in out
    lines = [line.split() for line in out.splitlines()]
    assert ["Cuentas", "nuevas:", "3"] in lines
    assert ["Rechazadas:", "1"] in lines
    assert (
        "  línea 3, columna «saldo» (rechazo): «25.00» no es un importe válido "
        "(se espera 1.234,56)"
    ) in out.splitlines()
    assert Account.objects.get(number="1004").capital == Decimal("12500.00")


def test_command_import_into_named_portfolio(profile, csv_path):
    run_command(str(csv_path), creditor="acme", profile="cartera", portfolio="marzo")

    assert set(Account.objects.values_list("portfolio__code", flat=True)) == {"marzo"}


def test_command_import_same_file_again_says_duplicate(profile, csv_path):
    run_command(str(csv_path), creditor="acme", profile="cartera")

    out = run_command(str(csv_path), creditor="acme", profile="cartera")

    assert "ya se importó" in out
    forced = run_command(str(csv_path), creditor="acme", profile="cartera", force=True)
    assert ["Sin", "cambios:", "3"] in [line.split() for line in forced.splitlines()]


def test_command_import_unreadable_file_exits_with_error(profile, tmp_path):
    path = tmp_path / "roto.csv"
    path.write_text("numero;importe\n1;2\n")

    with pytest.raises(CommandError, match="faltan las columnas «cuenta», «saldo»"):
        run_command(str(path), creditor="acme", profile="cartera")
    assert not Account.objects.exists()


def test_command_import_unknown_profile_is_refused(profile, csv_path):
    refusal = "no tiene un perfil 'otro'; sus perfiles: 'cartera'"
    with pytest.raises(CommandError, match=refusal):
        run_command(str(csv_path), creditor="acme", profile="otro")


def test_start_import_schedules_task_after_commit(
    profile, creditor, csv_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_import(creditor=creditor, profile=profile, source=csv_path)
        assert job.status == ImportStatus.PENDING

    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert (job.rows_created, job.rows_rejected) == (3, 1)
    assert job.file.read() == DATA.encode()


def test_run_import_job_twice_runs_once(profile, creditor, csv_path):
    job = start_import(
        creditor=creditor, profile=profile, source=csv_path, run_now=True
    )

    assert run_import_job(job.pk) == ImportStatus.DONE
    assert ImportJob.objects.get(pk=job.pk).rows_created == 3
    assert run_import_job(10**9) == "missing"
