"""Payment files in: each chunk of a file becomes one batch of payments.

A payment profile (``ImportKind.PAYMENTS``) maps the account number, the
amount, the value date and the payment's reference, and optionally the
method; its fixed ``payment_source`` (``creditor_file`` by default, or
``bank_file``) is where the references are unique. The import machinery
reads, checks and reports the lines as for any file; this loader finds
the accounts and hands the good lines to ``post_payments``.

The same file loaded again is read again, line by line: every payment
is found by its reference, reported as a warning and not applied, so the
second load says exactly what it did not do (case C05).
"""

from typing import Any

from django.utils import timezone

from recupero.payments.models import Payment, PaymentSource
from recupero.payments.posting import Duplicate, PaymentRow, post_payments
from recupero.portfolios.importing.loading import (
    ChunkCounts,
    select_in,
    write_issues,
)
from recupero.portfolios.importing.mapping import (
    AccountRow,
    ImportContext,
    RowIssue,
    RowMapper,
)
from recupero.portfolios.models import (
    Account,
    ImportJob,
    IssueSeverity,
)


def payment_source(profile: Any) -> str:
    """Return the source a payment profile names (creditor file by default)."""
    entry = (profile.columns or {}).get("payment_source") or {}
    return str(entry.get("value") or PaymentSource.CREDITOR_FILE)


class PaymentChunkLoader:
    """Post the payments of one job, chunk after chunk, inside the caller's
    transaction; return what each line came to.

    Counts: ``created`` is payments applied, ``unchanged`` lines that were
    duplicates (already applied), ``rejected`` lines with an error.
    """

    def __init__(self, job: ImportJob, mapper: RowMapper, context: ImportContext):
        self.job = job
        self.mapper = mapper
        self.context = context
        self.source = payment_source(job.profile)

    def load(self, rows: list[AccountRow]) -> ChunkCounts:
        accepted = [row for row in rows if not row.is_rejected]
        accounts = self._account_ids(accepted)
        for row in accepted:
            if row.number not in accounts:
                self._issue(
                    row,
                    "account_number",
                    IssueSeverity.ERROR,
                    "account_unknown",
                    f"la cuenta {row.number} no existe: un pago sólo se imputa a "
                    "una cuenta ya cargada",
                    row.number,
                )
        accepted = [row for row in accepted if not row.is_rejected]

        result = post_payments(
            self.job.creditor,
            [
                PaymentRow(
                    accounts[row.number],
                    row.values["reference"],
                    row.values["method"],
                    row.values["amount"],
                    row.values["value_date"],
                )
                for row in accepted
            ],
            source=self.source,
            import_job=self.job,
            at=timezone.now(),
        )
        self._report_duplicates(accepted, result.duplicates)
        write_issues(self.job.pk, rows)

        counts = ChunkCounts(read=len(rows), created=len(result.payment_ids))
        counts.unchanged = len(result.duplicates)
        counts.rejected = sum(row.is_rejected for row in rows)
        counts.with_warnings = sum(
            row.has_warnings for row in rows if not row.is_rejected
        )
        return counts

    def _account_ids(self, rows: list[AccountRow]) -> dict[str, int]:
        return dict(
            select_in(
                Account,
                ("number", "id"),
                "number",
                {row.number for row in rows},
                creditor=self.context.creditor_id,
            )
        )

    def _report_duplicates(
        self, rows: list[AccountRow], duplicates: list[Duplicate]
    ) -> None:
        """Say, for each line not applied, where its payment already is."""
        earlier = dict(
            Payment.objects.filter(
                pk__in=[d.payment_id for d in duplicates if d.payment_id]
            ).values_list("pk", "import_job_id")
        )
        for duplicate in duplicates:
            row = rows[duplicate.index]
            reference = duplicate.row.reference
            if duplicate.first_index is not None:
                where = f"la línea {rows[duplicate.first_index].line} de este archivo"
            elif earlier.get(duplicate.payment_id) == self.job.pk:
                where = "una línea anterior de este archivo"
            else:
                where = f"el pago n.º {duplicate.payment_id}"
            self._issue(
                row,
                "reference",
                IssueSeverity.WARNING,
                "payment_duplicate",
                f"el pago con referencia {reference} ya se importó ({where}): "
                "no se imputó otra vez",
                reference,
            )

    def _issue(
        self,
        row: AccountRow,
        name: str,
        severity: str,
        code: str,
        message: str,
        value: str,
    ) -> None:
        row.issues.append(
            RowIssue(
                row.line,
                severity,
                code,
                message,
                column=self.mapper.column_of(name),
                field=name,
                value=value,
                account_number=row.number,
            )
        )
