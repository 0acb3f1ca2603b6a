"""After a large load on PostgreSQL the planner's statistics are read again."""

import pytest
from django.db import connection

from recupero.portfolios.importing import jobs

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="ANALYZE is PostgreSQL's"
)


def last_analyzed(table: str):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT last_analyze FROM pg_stat_user_tables WHERE relname = %s", [table]
        )
        return cursor.fetchone()[0]


def test_a_large_import_analyzes_what_it_wrote(make_profile, import_file, monkeypatch):
    monkeypatch.setattr(jobs, "ANALYZE_AFTER_ROWS", 2)
    profile = make_profile(account_number="cuenta", balance="saldo")

    job = import_file(profile, "cuenta;saldo\n1;1,00\n2;2,00\n")

    assert job.status == "done"
    assert last_analyzed("portfolios_account") is not None
    assert last_analyzed("payments_ledgerentry") is not None
