"""Writing one chunk of mapped rows: a few set-based statements per table.

For a chunk the loader asks the database a fixed number of questions
(which numbers this job already met, which accounts and debtors exist,
which contact points those debtors have) and then writes each table with
a few multi-row statements (``COPY`` on PostgreSQL). No statement is
issued per row and no model instance is built: at millions of rows
Django's per-object work (``__init__``, ``pre_save``, field adaptation)
costs more than the database itself.

Statements are built from the models' ``_meta`` so that column names stay
in step with the models; ``INSERT ... ON CONFLICT`` is understood by both
SQLite (3.24+) and PostgreSQL.
"""

import sqlite3
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.text import slugify

from recupero.collections.transitions import reopen_settled
from recupero.parties.models import (
    ContactPoint,
    Debtor,
    RelatedPerson,
    Relation,
    Source,
)
from recupero.payments.ledger import ENTRY_FIELDS, balance_entries
from recupero.payments.models import LedgerEntry
from recupero.portfolios.actions import get_or_create_portfolio
from recupero.portfolios.importing.mapping import (
    AMOUNT_FIELDS,
    CONTROL_CHARACTERS,
    ZERO,
    AccountRow,
    DebtorData,
    ImportContext,
    RowIssue,
    RowMapper,
)
from recupero.portfolios.models import (
    Account,
    BalanceSnapshot,
    ImportIssue,
    ImportJob,
    ImportKind,
    ImportSeenKey,
    IssueSeverity,
)

Snapshot = tuple[int, AccountRow]

# Beyond this many values an IN list is split (SQLite allows 32,766).
IN_LIST_LIMIT = 10_000
# Rows per INSERT statement, at most; fewer when they would pass the
# database's limit of parameters per statement.
ROWS_PER_INSERT = 5000
DEBTOR_FIELDS = (
    "kind",
    "name",
    "cuit",
    "dni",
    "tax_id_as_written",
    "identity_status",
    "identity_issue",
)
CONTACT_FIELDS = (
    "debtor",
    "related_person",
    "kind",
    "raw",
    "value",
    "phone_type",
    "details",
    "source",
    "status",
    "issue",
    "created_at",
    "updated_at",
)
ISSUE_FIELDS = (
    "job",
    "line",
    "column",
    "field",
    "value",
    "severity",
    "code",
    "message",
    "account_number",
)
# The amounts whose sum is an account's balance.
STATED_AMOUNTS = ("capital", "interest", "fees")
SNAPSHOT_FIELDS = (
    "account",
    "as_of",
    "capital",
    "interest",
    "fees",
    "balance",
    "import_job",
)


@dataclass
class ChunkCounts:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    with_warnings: int = 0


def _column(model: type[Model], name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def insert_rows(
    model: type[Model],
    fields: Sequence[str],
    rows: list[Sequence[object]],
    *,
    conflict: Sequence[str] = (),
    update: Sequence[str] = (),
) -> None:
    """Insert ``rows`` (values in the order of ``fields``) in few statements.

    Rows go many to a statement (``VALUES (...), (...)``): a statement per
    row costs a round-trip each on PostgreSQL and a parse each on SQLite.
    With ``conflict`` a row whose unique key exists is skipped, or, with
    ``update``, has those fields overwritten; ``update`` needs the keys to
    be distinct within ``rows``, since PostgreSQL refuses to change one row
    twice in a statement.
    """
    if not rows:
        return
    columns = ", ".join(_column(model, name) for name in fields)
    suffix = ""
    if conflict:
        keys = ", ".join(_column(model, name) for name in conflict)
        if update:
            changes = ", ".join(
                f"{_column(model, name)} = EXCLUDED.{_column(model, name)}"
                for name in update
            )
            suffix = f" ON CONFLICT ({keys}) DO UPDATE SET {changes}"
        else:
            suffix = f" ON CONFLICT ({keys}) DO NOTHING"
    if connection.vendor == "postgresql":
        _insert_copied(model, columns, rows, suffix)
    else:
        _insert_values(model, columns, rows, suffix)


def _insert_copied(
    model: type[Model], columns: str, rows: list[Sequence[object]], suffix: str
) -> None:
    """Insert rows through ``COPY`` into a temporary twin of the table.

    ``COPY`` cannot skip or update on conflict, so the rows land in a
    session table with the same columns and go on with one ``INSERT ...
    SELECT``; the twin goes when the transaction ends. The driver writes
    ``COPY`` data in C, where a statement with thousands of parameters is
    split and quoted in Python.
    """
    digest = zlib.crc32(f"{model._meta.db_table}({columns})".encode())
    staging = connection.ops.quote_name(f"recupero_staging_{digest:08x}")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} "  # noqa: S608
            f"ON COMMIT DROP AS SELECT {columns} FROM {_table(model)} WITH NO DATA"
        )
        with cursor.copy(f"COPY {staging} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {_table(model)} ({columns}) "  # noqa: S608
            f"SELECT {columns} FROM {staging}{suffix}"
        )
        cursor.execute(f"TRUNCATE {staging}")


def _insert_values(
    model: type[Model], columns: str, rows: list[Sequence[object]], suffix: str
) -> None:
    """Insert rows many to a ``VALUES`` list, as many as SQLite allows."""
    width = len(rows[0])
    head = f"INSERT INTO {_table(model)} ({columns}) VALUES"
    marks = "(" + ", ".join(["%s"] * width) + ")"
    size = max(1, min(ROWS_PER_INSERT, _parameter_limit() // width))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            values = ", ".join([marks] * len(batch))
            cursor.execute(
                f"{head} {values}{suffix}", [value for row in batch for value in row]
            )


def _parameter_limit() -> int:
    """Return how many parameters one statement may carry.

    Django's figure for SQLite is the 999 of old builds; the library in
    use says its own (32,766 since SQLite 3.32). PostgreSQL's protocol
    counts parameters in 16 bits.
    """
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return connection.features.max_query_params or 65_535


def update_rows(
    model: type[Model], fields: Sequence[str], rows: list[Sequence[object]]
) -> None:
    """Update by primary key; each row is the values of ``fields`` then the pk."""
    if not rows:
        return
    changes = ", ".join(f"{_column(model, name)} = %s" for name in fields)
    sql = f"UPDATE {_table(model)} SET {changes} WHERE {_column(model, 'id')} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def select_in(
    model: type[Model],
    fields: Sequence[str],
    key: str,
    values: Iterable[object],
    **equal: object,
) -> list[tuple[Any, ...]]:
    """Return ``fields`` of the rows whose ``key`` is one of ``values``.

    Raw SQL on purpose: for thousands of values the ORM spends more time
    preparing each parameter of the IN list than the database answering.
    Values come back as the driver gives them, so this is meant for keys
    and text, not for decimals.
    """
    columns = ", ".join(_column(model, name) for name in fields)
    where = "".join(f"{_column(model, name)} = %s AND " for name in equal)
    found: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for batch in in_batches(values):
            marks = ", ".join(["%s"] * len(batch))
            cursor.execute(
                f"SELECT {columns} FROM {_table(model)} "  # noqa: S608
                f"WHERE {where}{_column(model, key)} IN ({marks})",
                [*equal.values(), *batch],
            )
            found += cursor.fetchall()
    return found


def in_batches(values: Iterable[Any]) -> Iterable[list[Any]]:
    batch: list[Any] = []
    for value in values:
        batch.append(value)
        if len(batch) == IN_LIST_LIMIT:
            yield batch
            batch = []
    if batch:
        yield batch


class ChunkLoader:
    """Write the rows of one job, chunk after chunk, inside the caller's
    transaction; return what each row came to."""

    def __init__(self, job: ImportJob, mapper: RowMapper, context: ImportContext):
        self.job = job
        self.mapper = mapper
        self.context = context
        self.is_portfolio = mapper.kind == ImportKind.PORTFOLIO
        self.mapped = mapper.mapped
        # Bound once: going through the connection proxy for every value
        # costs more than encoding it.
        adapt_json = connection.ops.adapt_json_value
        self.json = lambda value: adapt_json(value, None)
        self._portfolios: dict[str, int] = {}
        self._compared = self._compared_fields()
        self._new_defaults = {
            field.name: field.get_default()
            for field in Account._meta.concrete_fields
            if field.name not in {"id", "stage", "created_at", "updated_at"}
        }

    def _compared_fields(self) -> set[str]:
        """Return the account fields whose change makes a row "updated".

        Values the file does not state (the statement date when there is
        no column for it, days past due worked out from a due date) are
        written with a change but do not make one: re-reading the same
        content on another day leaves the account unchanged.
        """
        mapped = self.mapped
        compared = {"capital", "interest", "fees", "credit_limit", "product"}
        compared |= {"currency", "is_legal", "extra", "debtor"}
        if "balance_as_of" in mapped:
            compared |= {"balance_as_of", "due_date"}
        if "due_date" in mapped:
            compared.add("due_date")
        if "days_past_due" in mapped:
            compared.add("days_past_due")
        if "portfolio" in mapped or self.job.portfolio_id:
            compared.add("portfolio")
        return compared

    # -- the chunk ---------------------------------------------------------

    def load(self, rows: list[AccountRow]) -> ChunkCounts:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        accepted = [row for row in rows if not row.is_rejected]
        accepted = self._drop_repeats(accepted)
        existing = self._existing_accounts(accepted)
        if not self.is_portfolio:
            accepted = self._drop_unknown(accepted, existing)
        self._remember(accepted)

        debtors, existed, changed = self._write_debtors(accepted, now)
        created, updated, current, older = self._write_accounts(
            accepted, existing, debtors, changed, now
        )
        self._write_snapshots(accepted, existing, current, older)
        self._post_to_ledgers(existing, current, now)
        self._reopen_settled(existing, current)
        self._write_contacts(accepted, debtors, existed, now)
        self._write_issues(rows)
        return self._count(rows, created, updated)

    def _count(self, rows: list[AccountRow], created: set[str], updated: set[str]):
        counts = ChunkCounts(read=len(rows))
        for row in rows:
            if row.is_rejected:
                counts.rejected += 1
                continue
            if row.number in created:
                counts.created += 1
            elif row.number in updated:
                counts.updated += 1
            else:
                counts.unchanged += 1
            counts.with_warnings += row.has_warnings
        return counts

    def _reject(self, row: AccountRow, code: str, message: str) -> None:
        row.issues.append(
            RowIssue(
                row.line,
                IssueSeverity.ERROR,
                code,
                message,
                column=self.mapper.column_of("account_number"),
                field="account_number",
                value=row.number,
                account_number=row.number,
            )
        )

    def _drop_repeats(self, rows: list[AccountRow]) -> list[AccountRow]:
        """Reject a row whose account an earlier row of the file holds.

        Earlier chunks are known through ImportSeenKey, so that a repeat a
        million lines apart is found without keeping every number in memory.
        """
        first_line = dict(
            select_in(
                ImportSeenKey,
                ("number", "line"),
                "number",
                {row.number for row in rows},
                job=self.job.pk,
            )
        )
        kept = []
        for row in rows:
            line = first_line.get(row.number)
            if line is None:
                first_line[row.number] = row.line
                kept.append(row)
            else:
                self._reject(
                    row,
                    "account_repeated",
                    f"la cuenta {row.number} ya figura en la línea {line} del "
                    "archivo; se cargó esa",
                )
        return kept

    def _remember(self, rows: list[AccountRow]) -> None:
        insert_rows(
            ImportSeenKey,
            ("job", "number", "line"),
            [(self.job.pk, row.number, row.line) for row in rows],
        )

    def _existing_accounts(self, rows: list[AccountRow]) -> dict[str, dict[str, Any]]:
        """Return the chunk's accounts that exist, with what may change.

        Their ids are looked up raw; only when some exist (a file loaded
        again, a balance update) are their values read through the ORM,
        which turns the database's numbers into exact decimals.
        """
        ids = select_in(
            Account,
            ("id",),
            "number",
            (row.number for row in rows),
            creditor=self.context.creditor_id,
        )
        if not ids:
            return {}
        names = {"id", "number", "debtor_id", "portfolio_id", "balance_as_of"}
        names |= {"due_date", "days_past_due", *self._compared}
        names -= {"debtor", "portfolio"}
        found: dict[str, dict[str, Any]] = {}
        for batch in in_batches(pk for (pk,) in ids):
            query = Account.objects.filter(pk__in=batch).values(*sorted(names))
            found.update((account["number"], account) for account in query)
        return found

    def _drop_unknown(
        self, rows: list[AccountRow], existing: dict[str, dict[str, Any]]
    ) -> list[AccountRow]:
        kept = []
        for row in rows:
            if row.number in existing:
                kept.append(row)
            else:
                self._reject(
                    row,
                    "account_unknown",
                    f"la cuenta {row.number} no existe: un archivo de saldos sólo "
                    "actualiza cuentas ya cargadas",
                )
        return kept

    # -- debtors -----------------------------------------------------------

    def _write_debtors(
        self, rows: list[AccountRow], now: object
    ) -> tuple[dict[str, int], set[str], set[str]]:
        """Insert new debtors and update changed ones.

        Return the id of every debtor of the chunk, and the keys of those
        that existed before and of those among them that changed.
        """
        if not self.is_portfolio:
            return {}, set(), set()
        wanted: dict[str, DebtorData] = {}
        for row in rows:
            assert row.debtor is not None
            wanted.setdefault(row.debtor.identity_key, row.debtor)

        ids: dict[str, int] = {}
        changed: set[str] = set()
        fields = ("id", "identity_key", *DEBTOR_FIELDS)
        for found in select_in(Debtor, fields, "identity_key", wanted):
            values = dict(zip(fields, found, strict=True))
            key = values["identity_key"]
            ids[key] = values["id"]
            debtor = wanted[key]
            if not debtor.name:
                # A file without names never erases one already known.
                debtor.name = values["name"]
            if any(getattr(debtor, name) != values[name] for name in DEBTOR_FIELDS):
                changed.add(key)
        existed = set(ids)

        insert_rows(
            Debtor,
            ("identity_key", *DEBTOR_FIELDS, "source", "created_at", "updated_at"),
            [
                (
                    debtor.identity_key,
                    *(getattr(debtor, name) for name in DEBTOR_FIELDS),
                    Source.CREDITOR_FILE,
                    now,
                    now,
                )
                for key, debtor in wanted.items()
                if key in changed or key not in existed
            ],
            conflict=("identity_key",),
            update=(*DEBTOR_FIELDS, "updated_at"),
        )
        new_keys = (key for key in wanted if key not in existed)
        ids.update(select_in(Debtor, ("identity_key", "id"), "identity_key", new_keys))
        return ids, existed, changed

    # -- accounts ----------------------------------------------------------

    def _portfolio_id(self, code: str) -> int | None:
        """Return the portfolio a row names; None keeps an account's own."""
        if not code:
            return self.job.portfolio_id
        if code not in self._portfolios:
            portfolio = get_or_create_portfolio(
                creditor=self.job.creditor,
                code=slugify(code)[:60] or "cartera",
                name=code[:200],
                placed_on=self.context.as_of,
            )
            self._portfolios[code] = portfolio.pk
        return self._portfolios[code]

    def _default_portfolio_id(self) -> int:
        """Return the portfolio of new accounts that name none.

        The file itself is the placement: its name becomes the code.
        """
        stem = self.job.file_name.rsplit(".", 1)[0]
        portfolio = self._portfolio_id(stem or f"import-{self.job.pk}")
        assert portfolio is not None
        return portfolio

    def _write_accounts(
        self,
        rows: list[AccountRow],
        existing: dict[str, dict[str, Any]],
        debtors: dict[str, int],
        changed_debtors: set[str],
        now: object,
    ) -> tuple[set[str], set[str], list[Snapshot], list[Snapshot]]:
        """Insert new accounts and update changed ones.

        Return the numbers created and updated, and the balances to record
        as current and as older statements.
        """
        created: list[AccountRow] = []
        updates: dict[tuple[str, ...], list[tuple[dict[str, Any], int]]] = {}
        updated: set[str] = set()
        current: list[Snapshot] = []
        older: list[Snapshot] = []
        for row in rows:
            values = dict(row.values)
            if row.debtor is not None:
                values["debtor"] = debtors[row.debtor.identity_key]
            portfolio = self._portfolio_id(row.portfolio_code)
            if portfolio is not None:
                values["portfolio"] = portfolio
            old = existing.get(row.number)
            if old is None:
                values["extra"] = row.extra
                created.append(row)
                row.values = values
            elif (
                old["balance_as_of"] and values["balance_as_of"] < old["balance_as_of"]
            ):
                self._keep_as_history(row, old)
                older.append((old["id"], row))
            else:
                values["extra"] = {**(old["extra"] or {}), **row.extra}
                if self._differs(values, old):
                    fields = tuple(sorted(values))
                    updates.setdefault(fields, []).append((values, old["id"]))
                    updated.add(row.number)
                    current.append((old["id"], row))
                elif row.debtor and row.debtor.identity_key in changed_debtors:
                    updated.add(row.number)

        self._insert_accounts(created, now)
        for fields, batch in updates.items():
            self._update_accounts(fields, batch, now)
        ids = self._ids_of(row.number for row in created)
        current += [(ids[row.number], row) for row in created if row.number in ids]
        return {row.number for row in created}, updated, current, older

    def _ids_of(self, numbers: Iterable[str]) -> dict[str, int]:
        return dict(
            select_in(
                Account,
                ("number", "id"),
                "number",
                numbers,
                creditor=self.context.creditor_id,
            )
        )

    def _keep_as_history(self, row: AccountRow, old: dict[str, Any]) -> None:
        row.issues.append(
            RowIssue(
                row.line,
                IssueSeverity.WARNING,
                "older_statement",
                f"el saldo al {row.values['balance_as_of']:%d/%m/%Y} es anterior al "
                f"vigente ({old['balance_as_of']:%d/%m/%Y}): sólo se guardó en el "
                "historial",
                column=self.mapper.column_of("balance_as_of"),
                field="balance_as_of",
                account_number=row.number,
            )
        )

    def _differs(self, values: dict[str, Any], old: dict[str, Any]) -> bool:
        for name in self._compared:
            if name not in values:
                continue
            key = f"{name}_id" if name in {"debtor", "portfolio"} else name
            if values[name] != old[key]:
                return True
        return False

    def _insert_accounts(self, rows: list[AccountRow], now: object) -> None:
        if not rows:
            return
        defaults = dict(self._new_defaults, creditor=self.context.creditor_id)
        values = []
        for row in rows:
            each = {**defaults, **row.values, "number": row.number}
            if each["portfolio"] is None:
                each["portfolio"] = self._default_portfolio_id()
            each["extra"] = self.json(each["extra"])
            values.append((*(each[name] for name in defaults), now, now))
        insert_rows(
            Account,
            (*defaults, "created_at", "updated_at"),
            values,
            conflict=("creditor", "number"),
        )

    def _update_accounts(
        self,
        fields: tuple[str, ...],
        updates: list[tuple[dict[str, Any], int]],
        now: object,
    ) -> None:
        rows = []
        for values, account_id in updates:
            values["extra"] = self.json(values["extra"])
            rows.append((*(values[name] for name in fields), now, account_id))
        update_rows(Account, (*fields, "updated_at"), rows)

    # -- balance history -----------------------------------------------------

    def _write_snapshots(
        self,
        rows: list[AccountRow],
        existing: dict[str, dict[str, Any]],
        current: list[Snapshot],
        older: list[Snapshot],
    ) -> None:
        """Record balances at their statement dates.

        A second statement for the same date replaces that date's figure;
        other dates, and the profile's history columns, are only ever
        added, so the history grows and is never rewritten.
        """
        job = self.job.pk
        if not self.mapper.mapped.intersection(AMOUNT_FIELDS):
            current, older = [], []
        ids = {number: account["id"] for number, account in existing.items()}
        ids.update((row.number, account_id) for account_id, row in current)
        added = [(account_id, *self._amounts(row), job) for account_id, row in older]
        for row in rows:
            if row.number in ids:
                added += [
                    (ids[row.number], as_of, amount, ZERO, ZERO, amount, job)
                    for as_of, amount in row.history
                ]
        insert_rows(
            BalanceSnapshot,
            SNAPSHOT_FIELDS,
            [(account_id, *self._amounts(row), job) for account_id, row in current],
            conflict=("account", "as_of"),
            update=SNAPSHOT_FIELDS[2:],
        )
        insert_rows(
            BalanceSnapshot, SNAPSHOT_FIELDS, added, conflict=("account", "as_of")
        )

    def _post_to_ledgers(
        self, existing: dict[str, dict[str, Any]], current: list[Snapshot], now: object
    ) -> None:
        """Post what each current statement changes to the account's ledger.

        A new account opens its ledger with the amounts the file states; a
        known one gets the differences, so the account's amounts stay the
        sums of its ledger. Older statements only go to the history.
        """
        entries = []
        for account_id, row in current:
            old = existing.get(row.number)
            entries += balance_entries(
                account_id,
                row.values,
                old,
                value_date=row.values["balance_as_of"],
                posted_at=now,
                import_job_id=self.job.pk,
            )
        insert_rows(LedgerEntry, ENTRY_FIELDS, entries)

    def _reopen_settled(
        self, existing: dict[str, dict[str, Any]], current: list[Snapshot]
    ) -> None:
        """Reopen the settled accounts a statement charges again.

        A card paid off to zero is settled; the creditor's next statement
        may charge it again, and it should not stay out of every queue.
        Only accounts this chunk took from zero or less to more than zero
        are handed over, together; which of them are settled, and not of a
        deceased debtor, the collections side decides in a few statements.
        """
        raised = []
        for account_id, row in current:
            old = existing.get(row.number)
            if old is None:
                continue
            was = sum(old[name] for name in STATED_AMOUNTS)
            owed = sum(row.values.get(name, old[name]) for name in STATED_AMOUNTS)
            if was <= 0 < owed:
                raised.append(account_id)
        at = timezone.now()
        for batch in in_batches(raised):
            reopen_settled(
                Account.objects.filter(pk__in=batch), at=at, due_on=self.context.as_of
            )

    @staticmethod
    def _amounts(row: AccountRow) -> tuple[object, ...]:
        values = row.values
        amounts = (values["capital"], values["interest"], values["fees"])
        return (values["balance_as_of"], *amounts, sum(amounts))

    # -- contact points and guarantors -------------------------------------

    def _write_contacts(
        self,
        rows: list[AccountRow],
        debtors: dict[str, int],
        existed: set[str],
        now: object,
    ) -> None:
        if not self.is_portfolio:
            return
        known = self._known_contacts(
            {debtors[key] for key in existed}, [row for row in rows if row.contacts]
        )
        guarantors = self._write_guarantors(rows, debtors, now)
        values = []
        for row in rows:
            assert row.debtor is not None
            debtor = debtors[row.debtor.identity_key]
            for contact in row.contacts:
                key = (debtor, contact.kind, contact.value)
                if key in known:
                    continue
                known.add(key)
                related = None
                if contact.of_guarantor and row.guarantor:
                    related = guarantors.get((debtor, row.guarantor.name))
                values.append(
                    (
                        debtor,
                        related,
                        contact.kind,
                        contact.raw,
                        contact.value,
                        contact.phone_type,
                        self.json(contact.details),
                        Source.CREDITOR_FILE,
                        contact.status,
                        contact.issue,
                        now,
                        now,
                    )
                )
        insert_rows(
            ContactPoint, CONTACT_FIELDS, values, conflict=("debtor", "kind", "value")
        )

    @staticmethod
    def _known_contacts(
        old_debtors: set[int], rows: list[AccountRow]
    ) -> set[tuple[int, str, str]]:
        """Return the contact points the chunk's debtors already have.

        Only debtors that existed before the chunk can have any, so a first
        load of new debtors asks nothing.
        """
        if not rows:
            return set()
        fields = ("debtor", "kind", "value")
        return set(select_in(ContactPoint, fields, "debtor", old_debtors))

    def _write_guarantors(
        self, rows: list[AccountRow], debtors: dict[str, int], now: object
    ) -> dict[tuple[int, str], int]:
        wanted = {}
        for row in rows:
            if row.guarantor and row.debtor:
                debtor = debtors[row.debtor.identity_key]
                wanted[(debtor, row.guarantor.name)] = row.guarantor.cuit
        if not wanted:
            return {}
        insert_rows(
            RelatedPerson,
            ("debtor", "relation", "name", "cuit", "source", "created_at"),
            [
                (debtor, Relation.GUARANTOR, name, cuit, Source.CREDITOR_FILE, now)
                for (debtor, name), cuit in wanted.items()
            ],
            conflict=("debtor", "relation", "name"),
        )
        found = select_in(
            RelatedPerson,
            ("debtor", "name", "id"),
            "debtor",
            {debtor for debtor, _name in wanted},
            relation=Relation.GUARANTOR,
        )
        return {(debtor, name): pk for debtor, name, pk in found}

    # -- the report ----------------------------------------------------------

    def _write_issues(self, rows: list[AccountRow]) -> None:
        write_issues(self.job.pk, rows)


def write_issues(job_id: int, rows: list[AccountRow]) -> None:
    """Record the issues of ``rows`` for the job's report, in bulk.

    What a cell said may come back in the message: bytes no text column
    holds (NUL, which PostgreSQL refuses) are left out of every field.
    """

    def text(value: str, length: int) -> str:
        return CONTROL_CHARACTERS.sub("", value)[:length]

    insert_rows(
        ImportIssue,
        ISSUE_FIELDS,
        [
            (
                job_id,
                issue.line,
                text(issue.column, 100),
                text(issue.field, 60),
                text(issue.value, 200),
                issue.severity,
                issue.code[:40],
                text(issue.message, 300),
                text(issue.account_number, 60),
            )
            for row in rows
            for issue in row.issues
        ],
    )
