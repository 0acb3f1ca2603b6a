"""The same file uploaded several times at the same instant, on PostgreSQL.

SQLite runs one write transaction at a time, so the race needs
PostgreSQL; each thread has its own connection, closed at its end.
"""

import threading

import pytest
from django.db import connection

from recupero.portfolios.importing import start_import
from recupero.portfolios.models import ImportJob, ImportStatus

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises writers; the race needs PostgreSQL",
    ),
]


def at_once(call, times: int) -> list[object]:
    """Run ``call`` in ``times`` threads released together; return each
    outcome (what it returned or raised)."""
    start = threading.Barrier(times)
    outcomes: list[object] = [None] * times

    def run(index):
        from django.db import connection as own

        start.wait()
        try:
            outcomes[index] = call()
        except Exception as error:  # noqa: BLE001 - the outcome under test
            outcomes[index] = error
        finally:
            own.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_the_same_file_uploaded_three_times_at_once_is_queued_once(
    make_profile, tmp_path, monkeypatch
):
    # The jobs wait for their tasks: the race is in deciding, not running.
    monkeypatch.setattr("recupero.portfolios.tasks.run_import_job.delay", print)
    profile = make_profile(account_number="cuenta", balance="saldo")
    path = tmp_path / "cartera.csv"
    path.write_text("cuenta;saldo\n1001;100,00\n")

    outcomes = at_once(
        lambda: start_import(creditor=profile.creditor, profile=profile, source=path),
        3,
    )

    statuses = sorted(ImportJob.objects.values_list("status", flat=True))
    assert statuses == [ImportStatus.DUPLICATE] * 2 + [ImportStatus.PENDING]
    assert all(isinstance(each, ImportJob) for each in outcomes)
