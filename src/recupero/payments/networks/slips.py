"""The Pago Fácil / Rapipago slip: its 42-digit code and its PDF.

The code (argentina.md §1.2, two independent implementations agree)::

    pos  len  field
    1    4    company code issued by the collector
    5    8    amount at the first due date, cents (max 999.999,99)
    13   5    first due date, AADDD (two-digit year, day of the year)
    18   14   client number, zero-padded
    32   1    currency, 0 = pesos
    33   6    surcharge at the second due date, cents (max 9.999,99)
    39   2    days from the first to the second due date (00-99)
    41   1    DV1 over positions 1-40
    42   1    DV2 over positions 1-41

Check digits follow the "secuencia 1-3-5-7-9" of §1.3: weights 1, then
3-5-7-9 repeating; half the weighted sum, modulo 10. This is not AFIP's
RG 1702 "módulo 10" of electronic invoices, and not the period-9 variant
of one public implementation that restarts at 1 on the tenth digit.
"""

import datetime
import itertools
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from fpdf import FPDF

from recupero.formatting import format_date, format_money
from recupero.payments.networks.layouts import (
    JULIAN,
    Layout,
    RecordError,
    amount,
    constant,
    date,
    number,
)
from recupero.payments.pdf import latin1

CODE_LENGTH = 42

_SLIP_FIELDS = (
    number("company", 1, 4, "código de empresa"),
    amount("amount", 5, 8, "importe al 1er vencimiento"),
    date("due_date", 13, 5, JULIAN, "fecha del 1er vencimiento"),
    number("client", 18, 14, "número de cliente"),
    constant("currency", 32, "0", "moneda"),
    amount("surcharge", 33, 6, "recargo al 2do vencimiento"),
    number("days_to_second_due", 39, 2, "días hasta el 2do vencimiento"),
)
SLIP_BASE = Layout("cupón Pago Fácil / Rapipago sin verificadores", 40, _SLIP_FIELDS)
SLIP_CODE = Layout(
    "cupón Pago Fácil / Rapipago",
    CODE_LENGTH,
    (*_SLIP_FIELDS, number("dv1", 41, 1, "DV1"), number("dv2", 42, 1, "DV2")),
)


@dataclass(frozen=True)
class Slip:
    """What a slip asks the payer for: one amount, and a later one."""

    company: int
    amount: Decimal
    due_date: datetime.date
    client: int
    surcharge: Decimal = Decimal("0.00")
    days_to_second_due: int = 0

    @property
    def second_due_date(self) -> datetime.date | None:
        if not self.days_to_second_due:
            return None
        return self.due_date + datetime.timedelta(days=self.days_to_second_due)

    @property
    def second_amount(self) -> Decimal | None:
        if not self.days_to_second_due:
            return None
        return self.amount + self.surcharge


def check_digit(digits: str) -> int:
    """Return the 1-3-5-7-9 check digit of a string of digits."""
    weights = itertools.chain([1], itertools.cycle([3, 5, 7, 9]))
    total = sum(
        int(digit) * weight for digit, weight in zip(digits, weights, strict=False)
    )
    return total // 2 % 10


def add_check_digits(base: str) -> str:
    """Return ``base`` followed by DV1 and DV2 (DV2 also weighs DV1)."""
    with_dv1 = base + str(check_digit(base))
    return with_dv1 + str(check_digit(with_dv1))


def build_slip_code(slip: Slip) -> str:
    """Return the 42-digit code of ``slip``; ``RecordError`` if it cannot be.

    The error's ``field`` is the ``Slip`` attribute at fault: an amount over
    $ 999.999,99 or a surcharge over $ 9.999,99 is refused, never cut to
    fit (a naive formatter writes 43 digits, which a generator then draws).
    """
    if slip.amount <= 0:
        raise RecordError(
            "amount_not_positive",
            "el importe debe ser mayor que cero",
            field="amount",
            label="importe al 1er vencimiento",
        )
    if slip.surcharge and not slip.days_to_second_due:
        raise RecordError(
            "surcharge_without_days",
            "un recargo necesita días hasta el 2do vencimiento",
            field="days_to_second_due",
            label="días hasta el 2do vencimiento",
        )
    base = SLIP_BASE.write(
        {
            "company": slip.company,
            "amount": slip.amount,
            "due_date": slip.due_date,
            "client": slip.client,
            "surcharge": slip.surcharge,
            "days_to_second_due": slip.days_to_second_due,
        }
    )
    return add_check_digits(base)


def check_code_shape(code: str) -> None:
    """Raise unless ``code`` is exactly 42 digits.

    Barcode generators pad an odd-length string with a leading zero, which
    would turn a 41-digit mistake into a payable, wrong slip.
    """
    if not code.isascii() or not code.isdigit():
        raise RecordError("not_digits", f"«{code}» no es un código de solo dígitos")
    if len(code) != CODE_LENGTH:
        raise RecordError(
            "wrong_length",
            f"el código tiene {len(code)} dígitos; el cupón lleva {CODE_LENGTH}",
        )


def read_slip_code(code: str) -> Slip:
    """Return the slip of a 42-digit code whose check digits are right."""
    check_code_shape(code)
    values = SLIP_CODE.read(code)
    expected = add_check_digits(code[:40])
    for position, name in ((40, "dv1"), (41, "dv2")):
        if code[position] != expected[position]:
            raise RecordError(
                "wrong_check_digit",
                f"dice {code[position]}, debería ser {expected[position]}",
                field=name,
                label=name.upper(),
            )
    return Slip(
        company=values["company"],
        amount=values["amount"],
        due_date=values["due_date"],
        client=values["client"],
        surcharge=values["surcharge"],
        days_to_second_due=values["days_to_second_due"],
    )


# The PDF. The barcode's narrow bar is 0.3 mm with wide bars three times
# that (fpdf2 draws 3:1), inside the 2-3 ratio ITF readers accept; 42
# digits make a symbol of about 116 mm, which fits an A4 page with wide
# quiet zones. Collectors may ask for other sizes in their contracts.
NARROW_BAR_MM = 0.3
BAR_HEIGHT_MM = 15.0


def slip_pdf(path: Path | str, slip: Slip, *, creditor: str, debtor: str) -> Path:
    """Write the slip as a one-page PDF at ``path`` and return the path."""
    code = build_slip_code(slip)
    check_code_shape(code)
    pdf = FPDF(format="A4")
    pdf.set_title("Cupón de pago")
    pdf.set_creator("Recupero")
    pdf.set_auto_page_break(auto=False)
    pdf.add_page()

    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, "Cupón de pago", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 6, "Pagadero en Pago Fácil y Rapipago", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    _write_parties(pdf, slip, creditor=creditor, debtor=debtor)
    pdf.ln(4)
    _write_dues(pdf, slip)
    pdf.ln(8)
    _draw_barcode(pdf, code)

    path = Path(path)
    pdf.output(str(path))
    return path


def _write_parties(pdf: FPDF, slip: Slip, *, creditor: str, debtor: str) -> None:
    rows = (
        ("Acreedor", creditor),
        ("Código de empresa", f"{slip.company:04d}"),
        ("Deudor", debtor),
        ("Número de cliente", str(slip.client)),
    )
    for label, value in rows:
        if not value:
            continue
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(45, 6, f"{label}:")
        pdf.set_font("Helvetica", "", 10)
        pdf.cell(0, 6, latin1(value), new_x="LMARGIN", new_y="NEXT")


def _write_dues(pdf: FPDF, slip: Slip) -> None:
    dues = [("1er vencimiento", slip.due_date, slip.amount)]
    if slip.second_due_date and slip.second_amount is not None:
        dues.append(("2do vencimiento", slip.second_due_date, slip.second_amount))
    pdf.set_font("Helvetica", "B", 10)
    for title in ("Vencimiento", "Fecha", "Importe a pagar"):
        pdf.cell(50, 7, title, border="B")
    pdf.ln()
    pdf.set_font("Helvetica", "", 11)
    for title, due_on, to_pay in dues:
        pdf.cell(50, 7, title)
        pdf.cell(50, 7, format_date(due_on))
        pdf.cell(50, 7, format_money(to_pay), new_x="LMARGIN", new_y="NEXT")


def _draw_barcode(pdf: FPDF, code: str) -> None:
    # Each digit is 2 wide + 3 narrow elements (9 narrow widths); the start
    # guard takes 4 and the stop guard 6.
    width = (len(code) * 9 + 10) * NARROW_BAR_MM
    x = (pdf.w - width) / 2
    y = pdf.get_y()
    pdf.set_fill_color(0)
    pdf.interleaved2of5(code, x=x, y=y, w=NARROW_BAR_MM * 3, h=BAR_HEIGHT_MM)
    pdf.set_xy(x, y + BAR_HEIGHT_MM + 1)
    pdf.set_font("Courier", "", 9)
    pdf.cell(width, 5, code, align="C")
