import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from recupero.formatting import format_date, format_money
from recupero.payments.management.commands.slip import parse_date
from recupero.payments.quoting import (
    BASIS_NAMES,
    DEFAULT_IVA,
    SYSTEM_NAMES,
    Fees,
    PlanQuote,
    QuoteError,
    format_percent,
    quote_plan,
)

# The option each QuoteError field comes from, to name it in the error.
OPTIONS = {
    "principal": "--principal",
    "tna": "--tna",
    "installments": "--installments",
    "system": "--system",
    "first_due": "--first-due",
    "start": "--start",
    "iva": "--iva",
    "down_payment": "--down-payment",
    "discount": "--discount",
    "basis": "--basis",
    "origination_fee": "--origination-fee",
    "installment_fee": "--installment-fee",
}

# 1234,56 · 1234.56 · 1.234.567,89 · 1,234,567.89 · -5 (refused later, with
# a reason): digits in groups of three when a grouping mark is used.
NUMBER = re.compile(r"-?\d+([.,]\d+)*")


def parse_number(option: str, text: str) -> Decimal:
    """Return the number in ``text``, with a decimal comma or point.

    With both marks the last one is the decimal mark; a single mark is a
    decimal mark (``1.5`` is one and a half); a mark repeated is grouping.
    """
    compact = text.strip().replace(" ", "")
    if not NUMBER.fullmatch(compact):
        raise _not_a_number(option, text)
    marks = [char for char in compact if char in ".,"]
    if len(set(marks)) > 1:
        decimal_mark = marks[-1]
        if marks.count(decimal_mark) > 1:
            raise _not_a_number(option, text)
    elif len(marks) == 1:
        decimal_mark = marks[0]
    else:
        decimal_mark = None
    whole, _mark, fraction = (
        compact.rpartition(decimal_mark) if decimal_mark else (compact, "", "")
    )
    groups = re.split(r"[.,]", whole.lstrip("-"))
    if len(groups) > 1 and (len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:])):
        raise _not_a_number(option, text)
    sign = "-" if compact.startswith("-") else ""
    try:
        return Decimal(
            f"{sign}{''.join(groups)}" + (f".{fraction}" if fraction else "")
        )
    except InvalidOperation:
        raise _not_a_number(option, text) from None


def _not_a_number(option: str, text: str) -> CommandError:
    return CommandError(
        f"{option}: «{text}» no es un número (por ejemplo 1234,56, 1.234,56 o 1234.56)."
    )


def parse_amount(option: str, text: str) -> Decimal:
    amount = parse_number(option, text.removeprefix("$").strip())
    if amount != amount.quantize(Decimal("0.01")):
        raise CommandError(f"{option}: «{text}» tiene más de dos decimales.")
    return amount.quantize(Decimal("0.01"))


def parse_percentage(option: str, text: str) -> Decimal:
    return parse_number(option, text.removesuffix("%").strip())


def parse_count(option: str, text: str) -> int:
    if not text.strip().isdigit():
        raise CommandError(f"{option}: «{text}» no es un número entero de cuotas.")
    return int(text)


class Command(BaseCommand):
    help = (
        "Cotiza un plan de pagos: cuotas por sistema francés, alemán, americano "
        "o sin interés, con vencimientos en días hábiles, TNA, TEM, TEA y CFT "
        "con y sin IVA."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        # Values are read as text and checked in handle(), so that every
        # error, a missing option too, comes out in Spanish naming the option.
        options = [
            ("--principal", "Deuda a cotizar, p. ej. 10000 o 10.000,00 (obligatorio)."),
            ("--tna", "TNA en %%, p. ej. 60 (obligatoria salvo --system none)."),
            ("--installments", "Cantidad de cuotas (obligatorio)."),
            ("--system", "Sistema: french, german, american o none (obligatorio)."),
            (
                "--first-due",
                "Primer vencimiento, dd/mm/aaaa o aaaa-mm-dd (obligatorio).",
            ),
            (
                "--start",
                "Fecha del acuerdo (por omisión: un mes antes del primer vencimiento).",
            ),
            ("--iva", f"IVA sobre el interés en %% (por omisión {DEFAULT_IVA})."),
            ("--down-payment", "Anticipo, pagado en la fecha del acuerdo."),
            ("--discount", "Quita en %% sobre la deuda."),
            (
                "--basis",
                "Base de días: 30 (TNA / 12, por omisión) o 365 (TNA × días / 365).",
            ),
            ("--origination-fee", "Gasto de otorgamiento, pagado con el anticipo."),
            ("--installment-fee", "Gasto fijo sumado a cada cuota."),
            ("--format", "json o table (por omisión table)."),
        ]
        for option, help_text in options:
            parser.add_argument(option, help=help_text)

    def handle(self, *args: object, **options: Any) -> None:
        output = options["format"] or "table"
        if output not in ("json", "table"):
            raise CommandError(f"--format: «{output}» no es json ni table.")
        try:
            quote = quote_plan(**self._terms(options))
        except QuoteError as error:
            option = OPTIONS.get(error.field, error.field)
            raise CommandError(f"{option}: {error.reason}") from None

        if output == "json":
            self.stdout.write(json.dumps(as_json(quote), indent=2, ensure_ascii=False))
        else:
            self.stdout.write(as_table(quote))

    def _terms(self, options: dict[str, Any]) -> dict[str, Any]:
        """Return the keyword arguments of ``quote_plan`` from the options."""
        for name in ("principal", "installments", "system", "first_due"):
            if options[name] is None:
                raise CommandError(f"{OPTIONS[name]}: falta, es obligatorio.")
        system = options["system"]
        if options["tna"] is None and system != "none":
            raise CommandError("--tna: falta, es obligatoria salvo con --system none.")

        def value(name: str, parse: Any, default: Any = None) -> Any:
            text = options[name]
            return default if text is None else parse(OPTIONS[name], text)

        return {
            "principal": value("principal", parse_amount),
            "tna": value("tna", parse_percentage, Decimal("0")),
            "installments": value("installments", parse_count),
            "system": system,
            "first_due": value("first_due", parse_date),
            "start": value("start", parse_date),
            "iva_rate": value("iva", parse_percentage, DEFAULT_IVA),
            "down_payment": value("down_payment", parse_amount, Decimal("0.00")),
            "discount_rate": value("discount", parse_percentage, Decimal("0")),
            "basis": options["basis"] or "30",
            "fees": Fees(
                origination=value("origination_fee", parse_amount, Decimal("0.00")),
                per_installment=value("installment_fee", parse_amount, Decimal("0.00")),
            ),
        }


def as_json(quote: PlanQuote) -> dict[str, Any]:
    """Return the quote with amounts and rates as decimal strings, ISO dates."""

    def text(value: Decimal | None) -> str | None:
        return None if value is None else str(value)

    return {
        "system": quote.system.value,
        "basis": quote.basis.value,
        "start": quote.start.isoformat(),
        "principal": text(quote.principal),
        "discount_rate": text(quote.discount_rate),
        "discount": text(quote.discount),
        "down_payment": text(quote.down_payment),
        "origination_fee": text(quote.origination_fee),
        "financed": text(quote.financed),
        "tna": text(quote.tna),
        "tem": text(quote.tem),
        "tea": text(quote.tea),
        "iva_rate": text(quote.iva_rate),
        "cft": text(quote.cft),
        "cft_without_iva": text(quote.cft_without_iva),
        "installments": [
            {
                "number": line.number,
                "due_date": line.due_date.isoformat(),
                "scheduled_date": line.scheduled_date.isoformat(),
                "days": line.days,
                "capital": text(line.capital),
                "interest": text(line.interest),
                "iva": text(line.iva),
                "fee": text(line.fee),
                "total": text(line.total),
                "remaining": text(line.remaining),
            }
            for line in quote.installments
        ],
        "totals": {
            "capital": text(quote.total_capital),
            "interest": text(quote.total_interest),
            "iva": text(quote.total_iva),
            "fees": text(quote.total_fees),
            "to_pay": text(quote.total_to_pay),
        },
    }


def as_table(quote: PlanQuote) -> str:
    """Return the quote for people: Spanish headers, $ 1.234,56, dd/mm/aaaa."""
    count = len(quote.installments)
    summary = [
        f"Plan de {count} cuota{'s' if count > 1 else ''}, sistema "
        f"{SYSTEM_NAMES[quote.system]}, acordado el {format_date(quote.start)}",
        f"Deuda: {format_money(quote.principal)}",
    ]
    if quote.discount:
        summary.append(
            f"Quita ({format_percent(quote.discount_rate)}): "
            f"{format_money(quote.discount)}"
        )
    if quote.down_payment:
        summary.append(f"Anticipo: {format_money(quote.down_payment)}")
    if quote.origination_fee:
        summary.append(f"Gasto de otorgamiento: {format_money(quote.origination_fee)}")
    summary += [
        f"Financiado: {format_money(quote.financed)}",
        f"TNA {format_percent(quote.tna)} ({BASIS_NAMES[quote.basis]}) · "
        f"TEM {format_percent(quote.tem)} · TEA {format_percent(quote.tea)}",
        f"CFT con IVA {_rate(quote.cft)} · CFT sin IVA {_rate(quote.cft_without_iva)}"
        f" (IVA {format_percent(quote.iva_rate)} sobre el interés)",
        "",
    ]
    return "\n".join(summary + _schedule(quote))


def _rate(value: Decimal | None) -> str:
    return "—" if value is None else format_percent(value)


def _schedule(quote: PlanQuote) -> list[str]:
    with_fees = any(line.fee for line in quote.installments)
    header = ["Cuota", "Vencimiento", "Capital", "Interés", "IVA"]
    header += ["Gastos"] if with_fees else []
    header += ["Total cuota", "Saldo de capital"]
    rows = []
    for line in quote.installments:
        amounts = [line.capital, line.interest, line.iva]
        amounts += [line.fee] if with_fees else []
        amounts += [line.total, line.remaining]
        rows.append(
            [str(line.number), format_date(line.due_date)]
            + [format_money(amount) for amount in amounts]
        )
    totals = [quote.total_capital, quote.total_interest, quote.total_iva]
    totals += [sum((line.fee for line in quote.installments), Decimal())] * with_fees
    totals.append(sum((line.total for line in quote.installments), Decimal()))
    rows.append(["Total", ""] + [format_money(amount) for amount in totals] + [""])

    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return [
        "  ".join(
            cell.ljust(width) if index == 1 else cell.rjust(width)
            for index, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in [header, *rows]
    ]
