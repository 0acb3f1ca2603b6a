from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from recupero.formatting import format_money
from recupero.payments.adjustments import credit_off
from recupero.payments.management.commands.slip import parse_amount, parse_date
from recupero.payments.models import EntryKind
from recupero.portfolios.cycle import business_date
from recupero.portfolios.models import Account, Creditor


class Command(BaseCommand):
    help = (
        "Castiga la deuda de una cuenta (o le aplica una quita con --discount): "
        "asienta créditos en su cuenta corriente, concepto por concepto."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--creditor", required=True, help="Código del acreedor.")
        parser.add_argument("--account", required=True, help="Número de cuenta.")
        parser.add_argument(
            "--amount", help="Importe, 1.500,50 (por omisión: todo lo que debe)."
        )
        parser.add_argument("--reason", required=True, help="Motivo.")
        parser.add_argument("--on", help="Fecha, dd/mm/aaaa (por omisión: hoy).")
        parser.add_argument(
            "--discount",
            action="store_true",
            help="Una quita acordada con el deudor, no un castigo.",
        )

    def handle(self, *args: object, **options: object) -> None:
        creditor = Creditor.objects.filter(code=options["creditor"]).first()
        if creditor is None:
            raise CommandError(f"No hay un acreedor con código {options['creditor']!r}")
        account = Account.objects.filter(
            creditor=creditor, number=options["account"]
        ).first()
        if account is None:
            raise CommandError(
                f"--account: el acreedor {creditor.code} no tiene la cuenta "
                f"{options['account']!r}"
            )
        amount = (
            parse_amount("--amount", str(options["amount"]))
            if options["amount"]
            else None
        )
        on = (
            parse_date("--on", str(options["on"]))
            if options["on"]
            else business_date(creditor, timezone.now())
        )
        kind = EntryKind.DISCOUNT if options["discount"] else EntryKind.WRITE_OFF

        try:
            entries = credit_off(
                account, kind=kind, on=on, reason=str(options["reason"]), amount=amount
            )
        except ValidationError as refused:
            raise CommandError(" ".join(refused.messages)) from None

        account.refresh_from_db()
        taken = -sum(entry.amount for entry in entries)
        what = "Quita" if kind == EntryKind.DISCOUNT else "Castigo"
        self.stdout.write(
            f"{what} de {format_money(taken)} en la cuenta {account.number} al "
            f"{on:%d/%m/%Y}. Saldo: {format_money(account.balance)}."
        )
