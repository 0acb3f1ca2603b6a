from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from recupero.formatting import format_counted, format_money
from recupero.payments.management.commands.slip import parse_date
from recupero.payments.models import Payment, PaymentSource
from recupero.payments.posting import reverse_payment
from recupero.portfolios.cycle import business_date
from recupero.portfolios.models import Creditor


class Command(BaseCommand):
    help = (
        "Revierte un pago (cheque rechazado, contracargo): asienta los "
        "movimientos contrarios en la cuenta corriente y reabre lo que el "
        "pago había cancelado."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--creditor", required=True, help="Código del acreedor.")
        parser.add_argument(
            "--source",
            required=True,
            choices=PaymentSource.values,
            help="De dónde vino el pago.",
        )
        parser.add_argument(
            "--reference", required=True, help="Referencia externa del pago."
        )
        parser.add_argument("--reason", required=True, help="Motivo de la reversión.")
        parser.add_argument(
            "--on", help="Fecha de la reversión, dd/mm/aaaa (por omisión: hoy)."
        )

    def handle(self, *args: object, **options: str) -> None:
        creditor = Creditor.objects.filter(code=options["creditor"]).first()
        if creditor is None:
            raise CommandError(f"No hay un acreedor con código {options['creditor']!r}")
        payment = Payment.objects.filter(
            creditor=creditor,
            source=options["source"],
            reference=options["reference"],
        ).first()
        if payment is None:
            raise CommandError(
                f"--reference: el acreedor {creditor.code} no tiene un pago "
                f"{options['reference']!r} de origen {options['source']}"
            )
        on = (
            parse_date("--on", options["on"])
            if options["on"]
            else business_date(creditor, timezone.now())
        )

        try:
            with transaction.atomic():
                entries = reverse_payment(payment, on=on, reason=options["reason"])
        except ValidationError as refused:
            raise CommandError(" ".join(refused.messages)) from None

        account = payment.account
        account.refresh_from_db()
        moved = format_counted(
            len(entries), "movimiento contrario", "movimientos contrarios"
        )
        self.stdout.write(
            f"Pago {payment.reference} revertido al {on:%d/%m/%Y}: {moved}. "
            f"Saldo de la cuenta {account.number}: {format_money(account.balance)}."
        )
