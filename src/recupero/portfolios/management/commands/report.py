"""``recupero report stages``: accounts and balance per stage."""

import io
import json
from decimal import Decimal
from typing import Any, TypedDict

from django.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    OutputWrapper,
)
from rich.console import Console, RenderableType
from rich.table import Table

from recupero.formatting import format_count, format_date, format_money
from recupero.portfolios.models import Creditor
from recupero.portfolios.queries import StageSummary, stage_summary

CENT = Decimal("0.01")


class StageRow(TypedDict):
    stage: str
    accounts: int
    balance: str


class StageReport(TypedDict):
    as_of: str | None
    stages: list[StageRow]


def stage_report(summary: StageSummary) -> StageReport:
    """Return the summary as JSON: ISO date, balances as two-decimal strings."""
    return {
        "as_of": summary.as_of.isoformat() if summary.as_of else None,
        "stages": [
            {
                "stage": total.stage,
                "accounts": total.accounts,
                "balance": str(total.balance.quantize(CENT)),
            }
            for total in summary.stages
        ],
    }


def stage_table(summary: StageSummary) -> Table:
    """Return the summary as a table for the terminal, amounts as $ 1.234,56."""
    as_of = format_date(summary.as_of) if summary.as_of else "sin ciclo corrido"
    table = Table(title=f"Cuentas por tramo al {as_of}", title_justify="left")
    table.add_column("Tramo")
    table.add_column("Cuentas", justify="right")
    table.add_column("Saldo", justify="right")
    for total in summary.stages:
        table.add_row(
            total.name, format_count(total.accounts), format_money(total.balance)
        )
    table.add_section()
    table.add_row(
        "Total", format_count(summary.accounts), format_money(summary.balance)
    )
    return table


class Command(BaseCommand):
    help = "Imprime un informe; `stages`: cuentas y saldo por tramo."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("report", choices=["stages"], help="Qué informe.")
        parser.add_argument(
            "--format",
            choices=["json", "table"],
            default="table",
            help="json para programas; una tabla (por omisión) para personas.",
        )
        parser.add_argument(
            "--creditor", help="Código de un acreedor (por omisión: todos)."
        )

    def handle(self, *args: object, **options: Any) -> None:
        creditor = None
        if options["creditor"]:
            creditor = Creditor.objects.filter(code=options["creditor"]).first()
            if creditor is None:
                raise CommandError(
                    f"No hay un acreedor con código {options['creditor']!r}"
                )

        summary = stage_summary(creditor=creditor)

        if options["format"] == "json":
            self.stdout.write(json.dumps(stage_report(summary), ensure_ascii=False))
            return
        write_rich(self.stdout, stage_table(summary))


def write_rich(stdout: OutputWrapper, *renderables: RenderableType) -> None:
    """Print rich renderables on a command's output.

    Rich writes in pieces and ``OutputWrapper`` would end each piece with a
    line break, so the text is rendered first; colours only on a terminal.
    """
    buffer = io.StringIO()
    console = Console(
        file=buffer, force_terminal=stdout.isatty(), width=100, highlight=False
    )
    for renderable in renderables:
        console.print(renderable)
    stdout.write(buffer.getvalue(), ending="")
