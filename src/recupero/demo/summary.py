"""What the demo tells a new user once its portfolio is loaded."""

from dataclasses import dataclass

from django.db.models import Count

from recupero.portfolios.models import ImportIssue, ImportJob, IssueSeverity

EXAMPLES_PER_KIND = 3

# How the import's warning codes read to a person; an unknown code is shown
# as it is.
WARNING_LABELS = {
    "tax_id_invalid": "CUIT/CUIL inválido",
    "phone_invalid": "teléfono inutilizable",
    "phone_to_review": "teléfono dudoso",
    "email_invalid": "e-mail inválido",
    "email_to_review": "e-mail dudoso",
    "name_missing": "falta el nombre",
}


@dataclass(frozen=True)
class IssueExample:
    line: int
    column: str
    value: str
    reason: str


@dataclass(frozen=True)
class WarningKind:
    code: str
    label: str
    count: int
    examples: list[IssueExample]


def list_warning_kinds(
    job: ImportJob, examples: int = EXAMPLES_PER_KIND
) -> list[WarningKind]:
    """Return the job's warnings by code, most frequent first, with examples."""
    warnings = ImportIssue.objects.filter(job=job, severity=IssueSeverity.WARNING)
    counts = warnings.values("code").annotate(count=Count("id"))
    kinds = [
        WarningKind(
            code=row["code"],
            label=WARNING_LABELS.get(row["code"], row["code"]),
            count=row["count"],
            examples=[
                IssueExample(issue.line, issue.column, issue.value, issue.message)
                for issue in warnings.filter(code=row["code"]).order_by("line", "id")[
                    :examples
                ]
            ],
        )
        for row in counts
    ]
    return sorted(kinds, key=lambda kind: (-kind.count, kind.code))
