"""The statement of account (estado de cuenta) as a PDF."""

import datetime

from fpdf import FPDF

from recupero.formatting import format_date, format_money
from recupero.payments.ledger import Statement
from recupero.payments.models import LedgerEntry
from recupero.payments.pdf import latin1

# Column widths in millimetres on an A4 page with 15 mm margins (180 mm).
COLUMNS = (
    ("Fecha valor", 22, "L"),
    ("Concepto", 44, "L"),
    ("Origen", 32, "L"),
    ("Débito", 26, "R"),
    ("Crédito", 26, "R"),
    ("Saldo", 30, "R"),
)
# The source file's name, shortened to what its column holds.
ORIGIN_CHARACTERS = 20
ROW_MM = 6


def statement_pdf(found: Statement, *, issued_on: datetime.date) -> bytes:
    """Return the statement as PDF bytes, in Spanish, with its totals."""
    account = found.account
    pdf = FPDF(format="A4")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(latin1(f"Estado de cuenta {account.number}"))
    pdf.add_page()

    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, "Estado de cuenta", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    facts = (
        ("Cliente", account.creditor.name),
        ("Deudor", account.debtor.name),
        ("Cuenta", account.number),
        ("Emitido el", format_date(issued_on)),
    )
    for label, value in facts:
        pdf.cell(30, 6, f"{label}:")
        pdf.cell(0, 6, latin1(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    _row(pdf, [title for title, _width, _align in COLUMNS], bold=True)
    for line in found.lines:
        entry = line.entry
        _row(
            pdf,
            [
                format_date(entry.value_date),
                f"{entry.get_kind_display()} · {entry.get_component_display()}",
                _origin(entry),
                format_money(line.debit) if line.debit else "",
                format_money(line.credit) if line.credit else "",
                format_money(line.balance),
            ],
        )
    _row(
        pdf,
        [
            "Totales",
            "",
            "",
            format_money(found.debits),
            format_money(found.credits),
            format_money(found.balance),
        ],
        bold=True,
    )
    return bytes(pdf.output())


def _origin(entry: LedgerEntry) -> str:
    if entry.import_job is None:
        return ""
    name = entry.import_job.file_name
    if len(name) <= ORIGIN_CHARACTERS:
        return name
    return name[: ORIGIN_CHARACTERS - 1] + "…"


def _row(pdf: FPDF, cells: list[str], *, bold: bool = False) -> None:
    pdf.set_font("Helvetica", "B" if bold else "", 9)
    for text, (_title, width, align) in zip(cells, COLUMNS, strict=True):
        pdf.cell(width, ROW_MM, latin1(text), border="B" if bold else 0, align=align)
    pdf.ln(ROW_MM)
