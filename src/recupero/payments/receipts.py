"""Receipts: numbered per branch with no gaps, and their PDF.

A receipt number is the branch's point of sale and a consecutive number
(``0001-00000042``). The number is taken from the branch row under a lock,
in the transaction that records the payment: two cashiers posting at the
same instant wait for each other and get consecutive numbers, and a
payment rolled back takes its number with it, so no number is skipped.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from fpdf import FPDF

from recupero.formatting import format_date, format_money
from recupero.payments.models import (
    Branch,
    Component,
    EntryKind,
    LedgerEntry,
    Payment,
    Receipt,
)
from recupero.payments.pdf import latin1

ZERO = Decimal("0.00")


def receipt_code(receipt: Receipt) -> str:
    """Return the receipt's printed number, ``0001-00000042``."""
    return f"{receipt.branch.point_of_sale:04d}-{receipt.number:08d}"


def issue_receipt(payment: Payment, branch: Branch) -> Receipt:
    """Number the payment's receipt at ``branch`` and return it.

    Call it inside the transaction that records the payment: the branch
    row stays locked until that transaction ends, which is what keeps two
    receipts from sharing a number and a rolled-back payment from leaving
    a gap.
    """
    with transaction.atomic():
        locked = Branch.objects.select_for_update().get(pk=branch.pk)
        locked.last_receipt_number += 1
        locked.save(update_fields=["last_receipt_number"])
        return Receipt.objects.create(
            branch=locked, number=locked.last_receipt_number, payment=payment
        )


# -- what the payment paid ----------------------------------------------------


@dataclass(frozen=True)
class PaidPart:
    component: str
    label: str
    amount: Decimal


def paid_parts(payment: Payment) -> list[PaidPart]:
    """Return what the payment paid of each component, from its ledger entries.

    Credits are negative in the ledger; a receipt shows them as positive
    amounts, in the order of the components. The credit left over (saldo
    a favor) is posted as capital but paid no debt: it is left out here
    and shown apart, from ``Payment.credit``.
    """
    sums = dict(
        LedgerEntry.objects.filter(payment=payment, kind=EntryKind.PAYMENT)
        .order_by()
        .values("component")
        .annotate(total=Sum("amount"))
        .values_list("component", "total")
    )
    paid = {component: -total for component, total in sums.items()}
    capital = Component.CAPITAL.value
    paid[capital] = paid.get(capital, ZERO) - payment.credit
    return [
        PaidPart(component.value, str(component.label), paid[component.value])
        for component in Component
        if paid.get(component.value)
    ]


# -- the amount in words ------------------------------------------------------

UNITS = (
    "cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece "
    "catorce quince dieciséis diecisiete dieciocho diecinueve veinte veintiuno "
    "veintidós veintitrés veinticuatro veinticinco veintiséis veintisiete "
    "veintiocho veintinueve"
).split()
TENS = "_ _ _ treinta cuarenta cincuenta sesenta setenta ochenta noventa".split()
HUNDREDS = (
    "_ ciento doscientos trescientos cuatrocientos quinientos seiscientos "
    "setecientos ochocientos novecientos"
).split()


def _below_thousand(number: int) -> str:
    if number == 100:
        return "cien"
    hundreds, rest = divmod(number, 100)
    words = [HUNDREDS[hundreds]] if hundreds else []
    if rest >= 30:
        tens, units = divmod(rest, 10)
        words.append(TENS[tens] + (f" y {UNITS[units]}" if units else ""))
    elif rest:
        words.append(UNITS[rest])
    return " ".join(words)


def _shortened(words: str) -> str:
    # "uno" loses its last letter before "mil" and "millón": "veintiún mil".
    if words.endswith("veintiuno"):
        return words[: -len("veintiuno")] + "veintiún"
    if words.endswith("uno"):
        return words[: -len("uno")] + "un"
    return words


def number_in_words(number: int) -> str:
    """Return a whole number below a billion (10⁹) in Spanish words."""
    if number == 0:
        return UNITS[0]
    millions, rest = divmod(number, 1_000_000)
    thousands, units = divmod(rest, 1000)
    words = []
    if millions == 1:
        words.append("un millón")
    elif millions:
        words.append(f"{_shortened(_below_thousand(millions))} millones")
    if thousands == 1:
        words.append("mil")
    elif thousands:
        words.append(f"{_shortened(_below_thousand(thousands))} mil")
    if units:
        words.append(_below_thousand(units))
    return " ".join(words)


def amount_in_words(amount: Decimal) -> str:
    """Return ``pesos mil doscientos treinta y cuatro con 56/100``.

    Empty for amounts of a billion or more, which no till takes; the
    receipt then shows the figure only.
    """
    pesos = int(amount)
    if pesos >= 1_000_000_000:
        return ""
    cents = int((amount - pesos) * 100)
    return f"pesos {number_in_words(pesos)} con {cents:02d}/100"


# -- the PDF ------------------------------------------------------------------

LABEL_MM = 45
ROW_MM = 7


def receipt_pdf(receipt: Receipt) -> bytes:
    """Return the receipt as an A4 PDF in Spanish (the printed receipt)."""
    payment = receipt.payment
    account = payment.account
    pdf = FPDF(format="A4")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_title(latin1(f"Recibo {receipt_code(receipt)}"))
    pdf.add_page()

    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, latin1(f"Recibo N° {receipt_code(receipt)}"), new_x="LMARGIN")
    pdf.ln(12)
    pdf.set_font("Helvetica", "", 10)
    facts = (
        ("Sucursal", receipt.branch.name),
        ("Fecha", format_date(payment.value_date)),
        ("Cliente", account.creditor.name),
        ("Deudor", account.debtor.name),
        ("Cuenta", account.number),
        ("Medio de pago", str(payment.get_method_display())),
        ("Cajero", _person(payment.taken_by)),
    )
    for label, value in facts:
        _fact(pdf, label, value)
    pdf.ln(3)

    pdf.set_font("Helvetica", "B", 12)
    _fact(pdf, "Importe", format_money(payment.amount), bold=True)
    words = amount_in_words(payment.amount)
    if words:
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(0, 6, latin1(f"Son {words}."), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    _applied(pdf, payment)
    return bytes(pdf.output())


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _fact(pdf: FPDF, label: str, value: str, *, bold: bool = False) -> None:
    pdf.set_font("Helvetica", "B" if bold else "", 12 if bold else 10)
    pdf.cell(LABEL_MM, ROW_MM, latin1(f"{label}:"))
    pdf.cell(0, ROW_MM, latin1(value), new_x="LMARGIN", new_y="NEXT")


def _applied(pdf: FPDF, payment: Payment) -> None:
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, ROW_MM, "Aplicado a", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    for part in paid_parts(payment):
        pdf.cell(LABEL_MM + 30, ROW_MM - 1, latin1(part.label))
        pdf.cell(40, ROW_MM - 1, format_money(part.amount), align="R")
        pdf.ln(ROW_MM - 1)
    if payment.credit:
        pdf.cell(LABEL_MM + 30, ROW_MM - 1, "Saldo a favor")
        pdf.cell(40, ROW_MM - 1, format_money(payment.credit), align="R")
        pdf.ln(ROW_MM - 1)
