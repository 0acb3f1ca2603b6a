"""Open the ledger of every account loaded before there was one.

Each non-zero amount of an account becomes an opening entry dated at the
account's balance date, so the ledger sums to the account from the start.
One INSERT … SELECT per component: a book may hold millions of accounts.
"""

from django.db import migrations

COMPONENTS = ("capital", "interest", "fees")


def open_ledgers(apps, schema_editor):
    insert_opening_entries(schema_editor.connection)


def insert_opening_entries(connection):
    if connection.vendor == "postgresql":
        day, now = "created_at::date", "now()"
    else:
        day, now = "date(created_at)", "CURRENT_TIMESTAMP"
    with connection.cursor() as cursor:
        for component in COMPONENTS:
            cursor.execute(
                "INSERT INTO payments_ledgerentry "
                "(account_id, value_date, posted_at, kind, component, amount) "
                f"SELECT id, COALESCE(balance_as_of, {day}), {now}, 'opening', "
                f"%s, {component} FROM portfolios_account WHERE {component} <> 0",
                [component],
            )


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0001_initial"),
        ("portfolios", "0004_account_stage_position"),
    ]

    operations = [migrations.RunPython(open_ledgers, migrations.RunPython.noop)]
