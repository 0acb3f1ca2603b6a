import datetime
import re
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from recupero.payments.networks.layouts import RecordError
from recupero.payments.networks.slips import Slip, build_slip_code, slip_pdf

# Which option holds each field of the slip, to name it in an error.
OPTIONS = {
    "company": "--company",
    "amount": "--amount",
    "due_date": "--due",
    "client": "--client",
    "surcharge": "--surcharge",
    "days_to_second_due": "--days",
}

# es-AR first (1.500,50 or 1500,50); a decimal point is read only when it
# is followed by one or two digits (1500.50), so that 12.500 stays twelve
# thousand five hundred, as an Argentine reader means it.
_COMMA_AMOUNT = re.compile(r"([0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,([0-9]{1,2}))?")
_POINT_AMOUNT = re.compile(r"([0-9]+)\.([0-9]{1,2})")


def parse_amount(option: str, value: str) -> Decimal:
    written = value.strip().removeprefix("$").strip()
    found = _POINT_AMOUNT.fullmatch(written) or _COMMA_AMOUNT.fullmatch(written)
    if found is None:
        raise CommandError(
            f"{option}: «{value}» no es un importe (por ejemplo 1500,50 o 1.500,50)"
        )
    units = found[1].replace(".", "")
    return Decimal(f"{units}.{found[2] or '0'}").quantize(Decimal("0.01"))


def parse_date(option: str, value: str) -> datetime.date:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(value.strip(), pattern).date()  # noqa: DTZ007
        except ValueError:
            continue
    raise CommandError(f"{option}: «{value}» no es una fecha (dd/mm/aaaa o aaaa-mm-dd)")


def parse_number(option: str, value: str) -> int:
    if not value.strip().isascii() or not value.strip().isdigit():
        raise CommandError(f"{option}: «{value}» no es un número sin signo")
    return int(value)


class Command(BaseCommand):
    help = (
        "Arma el código de 42 dígitos de un cupón de Pago Fácil / Rapipago, "
        "lo muestra y escribe el cupón en PDF con su código de barras."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--company",
            required=True,
            help="Código de empresa que asignó el recaudador (4 dígitos).",
        )
        parser.add_argument(
            "--amount",
            required=True,
            help="Importe al 1er vencimiento, hasta 999.999,99 (1500,50 o 1500.50).",
        )
        parser.add_argument(
            "--due",
            required=True,
            help="Fecha del 1er vencimiento, dd/mm/aaaa o aaaa-mm-dd.",
        )
        parser.add_argument(
            "--client",
            required=True,
            help="Número de cliente o de comprobante (hasta 14 dígitos).",
        )
        parser.add_argument(
            "--surcharge",
            default="0",
            help="Recargo al 2do vencimiento, hasta 9.999,99 (por omisión: 0).",
        )
        parser.add_argument(
            "--days",
            default="0",
            help="Días del 1er al 2do vencimiento, 0 a 99 (por omisión: 0, sin 2do).",
        )
        parser.add_argument(
            "--creditor", default="", help="Nombre del acreedor impreso en el cupón."
        )
        parser.add_argument(
            "--debtor", default="", help="Nombre del deudor impreso en el cupón."
        )
        parser.add_argument(
            "--output",
            help="Archivo PDF (por omisión: cupon-<cliente>-<aaaammdd>.pdf aquí).",
        )

    def handle(self, *args: object, **options: str) -> None:
        slip = Slip(
            company=parse_number("--company", options["company"]),
            amount=parse_amount("--amount", options["amount"]),
            due_date=parse_date("--due", options["due"]),
            client=parse_number("--client", options["client"]),
            surcharge=parse_amount("--surcharge", options["surcharge"]),
            days_to_second_due=parse_number("--days", options["days"]),
        )
        try:
            code = build_slip_code(slip)
        except RecordError as error:
            option = OPTIONS.get(error.field or "", "")
            raise CommandError(f"{option}: {error.reason}") from None

        path = Path(
            options["output"] or f"cupon-{slip.client}-{slip.due_date:%Y%m%d}.pdf"
        )
        try:
            slip_pdf(path, slip, creditor=options["creditor"], debtor=options["debtor"])
        except OSError as error:
            raise CommandError(
                f"--output: no se puede escribir {path}: {error.strerror}"
            ) from None

        self.stdout.write(code)
        self.stdout.write(f"Cupón en {path.resolve()}")
