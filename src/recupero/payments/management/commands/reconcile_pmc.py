import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from recupero.formatting import format_counted, format_date, format_money
from recupero.payments.models import Rendition
from recupero.payments.networks.layouts import RecordError
from recupero.payments.networks.reconciling import (
    DUPLICATE,
    MATCHED,
    UNMATCHED,
    ReconciliationError,
    reconcile_rendition,
    report_lines,
)
from recupero.portfolios.models import Creditor

# Why a line was not matched, as the back office reads it.
REASONS = {
    "unknown_reference": "referencia no publicada",
    "unknown_bill": "factura no publicada para esa referencia",
    "zero_amount": "importe cero",
}


class Command(BaseCommand):
    help = (
        "Concilia una rendición de Pago Mis Cuentas (archivo COB): imputa los "
        "pagos de facturas publicadas y lista los que no tienen deuda "
        "publicada y los ya aplicados."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--creditor", required=True, help="Código del acreedor.")
        parser.add_argument("file", help="Archivo COB recibido de Pago Mis Cuentas.")

    def handle(self, *args: object, **options: str) -> None:
        creditor = Creditor.objects.filter(code=options["creditor"]).first()
        if creditor is None:
            raise CommandError(
                f"--creditor: no hay un acreedor con código «{options['creditor']}»"
            )
        path = Path(options["file"])
        try:
            rendition = reconcile_rendition(creditor, path)
        except (RecordError, ReconciliationError) as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(f"no se puede leer {path}: {error.strerror}") from None
        except ValidationError as error:
            # Posting refused a payment (nothing was posted): not expected
            # for bills we published, but said in Spanish, not as a trace.
            messages = " ".join(error.messages)
            raise CommandError(f"archivo {path.name}: {messages}") from None
        self._write_report(creditor, rendition)

    def _write_report(self, creditor: Creditor, rendition: Rendition) -> None:
        unmatched = report_lines(rendition, UNMATCHED)
        duplicates = report_lines(rendition, DUPLICATE)
        differs = [
            line for line in report_lines(rendition, MATCHED) if line["amount_differs"]
        ]
        write = self.stdout.write
        write(f"Rendición {rendition.file_name} de {creditor.name}:")
        write(
            f"  Aplicados: {_payments(rendition.matched)} por "
            f"{format_money(rendition.matched_amount)}"
        )
        write(
            f"  Sin deuda publicada: {_payments(len(unmatched))} por "
            f"{format_money(_sum(unmatched))}"
        )
        write(
            f"  Duplicados: {_payments(len(duplicates))} por "
            f"{format_money(_sum(duplicates))}"
        )
        if unmatched:
            write("Sin deuda publicada (no se aplicaron):")
            for line in unmatched:
                write(f"  {_describe(line)}: {REASONS.get(line['reason'], '')}")
        if duplicates:
            write("Duplicados (ya aplicados, no se aplicaron de nuevo):")
            for line in duplicates:
                again = (
                    f"repite la línea {line['duplicate_of_line']}"
                    if line["duplicate_of_line"]
                    else f"ya aplicado como pago {line['payment']}"
                )
                write(f"  {_describe(line)}: {again}")
        if differs:
            write("Aplicados con un importe distinto de los publicados:")
            for line in differs:
                write(f"  {_describe(line)}")


def _payments(count: int) -> str:
    return format_counted(count, "pago", "pagos")


def _sum(lines: list[dict[str, Any]]) -> Decimal:
    return sum((Decimal(line["amount"]) for line in lines), Decimal("0.00"))


def _describe(line: dict[str, Any]) -> str:
    paid = format_date(datetime.date.fromisoformat(line["paid_on"]))
    return (
        f"línea {line['line']}, referencia {line['reference']}, factura "
        f"{line['bill']}, {format_money(Decimal(line['amount']))} del {paid}"
    )
