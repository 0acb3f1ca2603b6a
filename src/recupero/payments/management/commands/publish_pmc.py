from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from recupero.formatting import format_counted, format_money
from recupero.payments.management.commands.slip import (
    parse_amount,
    parse_date,
    parse_number,
)
from recupero.payments.networks.layouts import RecordError
from recupero.payments.networks.publishing import (
    SKIP_REASONS,
    PublicationError,
    publish_debts,
)
from recupero.portfolios.models import Account, Creditor, Portfolio


class Command(BaseCommand):
    help = (
        "Publica en Pago Mis Cuentas las deudas de un acreedor: escribe el "
        "archivo FAC con las cuentas en pesos de saldo positivo y registra "
        "cada factura publicada, para conciliar después la rendición."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--creditor", required=True, help="Código del acreedor.")
        parser.add_argument(
            "--company",
            required=True,
            help="Código de empresa que asignó Banelco (4 dígitos).",
        )
        parser.add_argument(
            "--first-due",
            required=True,
            help="Fecha del 1er vencimiento, dd/mm/aaaa o aaaa-mm-dd.",
        )
        parser.add_argument(
            "--second-due", help="Fecha del 2do vencimiento (por omisión: sin 2do)."
        )
        parser.add_argument(
            "--surcharge",
            default="0",
            help="Recargo al 2do vencimiento, p. ej. 150,00 (por omisión: 0).",
        )
        parser.add_argument(
            "--portfolio",
            help="Código de una cartera del acreedor (por omisión: todas).",
        )
        parser.add_argument(
            "--output",
            default=".",
            help="Carpeta del archivo FAC (por omisión: la actual).",
        )

    def handle(self, *args: object, **options: str) -> None:
        creditor = Creditor.objects.filter(code=options["creditor"]).first()
        if creditor is None:
            raise CommandError(
                f"--creditor: no hay un acreedor con código «{options['creditor']}»"
            )
        accounts = Account.objects.filter(creditor=creditor)
        if options["portfolio"]:
            portfolio = Portfolio.objects.filter(
                creditor=creditor, code=options["portfolio"]
            ).first()
            if portfolio is None:
                raise CommandError(
                    f"--portfolio: {creditor.code} no tiene una cartera con código "
                    f"«{options['portfolio']}»"
                )
            accounts = accounts.filter(portfolio=portfolio)
        second_due = options["second_due"]

        try:
            publication = publish_debts(
                creditor,
                accounts,
                company_code=parse_number("--company", options["company"]),
                first_due=parse_date("--first-due", options["first_due"]),
                second_due=parse_date("--second-due", second_due)
                if second_due
                else None,
                surcharge=parse_amount("--surcharge", options["surcharge"]),
                file_dir=Path(options["output"]),
            )
        except (PublicationError, RecordError) as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(
                f"--output: no se puede escribir en {options['output']}: "
                f"{error.strerror}"
            ) from None

        self.stdout.write(
            f"Publicadas {format_counted(publication.published, 'deuda', 'deudas')} "
            f"por {format_money(publication.total)} en {publication.file_name} "
            f"(factura {publication.bill})."
        )
        self.stdout.write(f"Archivo en {publication.path.resolve()}")
        for reason, count in sorted(publication.skipped.items()):
            examples = ", ".join(publication.skipped_examples.get(reason, []))
            self.stdout.write(
                f"Sin publicar, {SKIP_REASONS[reason]}: "
                f"{format_counted(count, 'cuenta', 'cuentas')} (p. ej. {examples})"
            )
