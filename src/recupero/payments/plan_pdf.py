"""The payment plan agreement (convenio de pago) as a PDF.

What it shows follows argentina.md §3.5: the parties, the debt included
and its breakdown, the discount, the down payment, the amortization
system, TNA, TEM, TEA, the CFT with and without IVA (in type five times
larger than the text, as the BCRA asks), the schedule and the
consequences of default.
"""

from decimal import Decimal

from fpdf import FPDF

from recupero.formatting import format_date, format_money
from recupero.payments.models import MoneySettings, PaymentPlan
from recupero.payments.pdf import latin1
from recupero.payments.plans import plan_start, quote_of_plan
from recupero.payments.quoting import (
    BASIS_NAMES,
    SYSTEM_NAMES,
    PlanQuote,
    format_percent,
)

# Column widths in millimetres on an A4 page with 15 mm margins (180 mm).
COLUMNS = (
    ("Cuota", 16, "C"),
    ("Vencimiento", 28, "C"),
    ("Capital", 34, "R"),
    ("Interés", 34, "R"),
    ("IVA", 32, "R"),
    ("Total", 36, "R"),
)
ROW_MM = 6
TEXT_PT = 9
# The BCRA asks for the CFT in type five times larger than the rest.
CFT_PT = TEXT_PT * 5


def plan_pdf(plan: PaymentPlan) -> bytes:
    """Return the plan's agreement as PDF bytes, in Spanish."""
    quote = quote_of_plan(plan)
    pdf = FPDF(format="A4")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(latin1(f"Convenio de pago {plan.pk}"))
    pdf.add_page()

    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(
        0, 8, latin1(f"Convenio de pago N.º {plan.pk}"), new_x="LMARGIN", new_y="NEXT"
    )
    _facts(pdf, _parties(plan))
    _accounts(pdf, plan)
    _facts(pdf, _terms(plan, quote))
    _cft(pdf, quote.cft, quote.cft_without_iva)
    _schedule(pdf, plan, quote)
    _default_clause(pdf, plan)
    return bytes(pdf.output())


def _parties(plan: PaymentPlan) -> list[tuple[str, str]]:
    debtor = plan.debtor
    identity = debtor.cuit_display or debtor.dni or ""
    return [
        ("Acreedor", plan.creditor.name),
        ("Deudor", f"{debtor.name} {identity}".strip()),
        ("Fecha de la propuesta", format_date(plan_start(plan))),
        ("Estado", plan.get_status_display()),
    ]


def _accounts(pdf: FPDF, plan: PaymentPlan) -> None:
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 7, "Deuda incluida", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", TEXT_PT)
    for account in plan.accounts.order_by("pk"):
        product = f" ({account.product})" if account.product else ""
        pdf.cell(
            0,
            ROW_MM,
            latin1(f"Cuenta {account.number}{product}"),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.ln(2)


def _terms(plan: PaymentPlan, quote: PlanQuote) -> list[tuple[str, str]]:
    basis = BASIS_NAMES[quote.basis]
    return [
        ("Deuda incluida", format_money(quote.principal)),
        (
            "Quita",
            f"{format_percent(quote.discount_rate)} ({format_money(quote.discount)})",
        ),
        ("Anticipo", format_money(quote.down_payment)),
        ("Monto financiado", format_money(quote.financed)),
        ("Sistema de amortización", SYSTEM_NAMES[quote.system]),
        ("Cuotas", str(len(quote.installments))),
        ("TNA", f"{format_percent(quote.tna)} ({basis})"),
        ("TEM", format_percent(quote.tem)),
        ("TEA", format_percent(quote.tea)),
        ("IVA sobre intereses", format_percent(quote.iva_rate)),
        ("Total a pagar", format_money(quote.total_to_pay)),
    ]


def _facts(pdf: FPDF, facts: list[tuple[str, str]]) -> None:
    pdf.set_font("Helvetica", "", 10)
    for label, value in facts:
        pdf.cell(55, 6, latin1(f"{label}:"))
        pdf.cell(0, 6, latin1(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _cft(pdf: FPDF, with_iva: Decimal | None, without_iva: Decimal | None) -> None:
    """Write both CFTs side by side, each figure under its label."""
    rates = (("CFT con IVA", with_iva), ("CFT sin IVA", without_iva))
    half = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    pdf.set_font("Helvetica", "B", 10)
    for label, _rate in rates:
        pdf.cell(half, 6, label)
    pdf.ln(6)
    pdf.set_font("Helvetica", "B", CFT_PT)
    for _label, rate in rates:
        pdf.cell(half, 18, format_percent(rate) if rate is not None else "no aplica")
    pdf.ln(20)


def _schedule(pdf: FPDF, plan: PaymentPlan, quote: PlanQuote) -> None:
    _row(pdf, [title for title, _width, _align in COLUMNS], bold=True)
    for line in plan.installments.order_by("number"):
        _row(
            pdf,
            [
                "Anticipo" if line.number == 0 else str(line.number),
                format_date(line.due_on),
                format_money(line.capital),
                format_money(line.interest),
                format_money(line.interest_vat),
                format_money(line.total),
            ],
        )
    _row(
        pdf,
        [
            "Totales",
            "",
            format_money(quote.down_payment + quote.total_capital),
            format_money(quote.total_interest),
            format_money(quote.total_iva),
            format_money(quote.total_to_pay),
        ],
        bold=True,
    )
    pdf.ln(4)


def _default_clause(pdf: FPDF, plan: PaymentPlan) -> None:
    settings = MoneySettings.objects.filter(creditor=plan.creditor).first()
    broken_after = settings.broken_after if settings else 3
    penalty = settings.penalty_tna if settings else Decimal(0)
    pdf.set_font("Helvetica", "", TEXT_PT)
    pdf.multi_cell(
        0,
        5,
        latin1(
            "Mora: cada cuota pagada después de su vencimiento devenga "
            f"intereses punitorios a una TNA de {format_percent(penalty)} "
            "sobre su capital, por día de atraso. Con "
            f"{broken_after} cuotas vencidas impagas el convenio cae: la "
            "quita queda sin efecto, no se deben los intereses de las cuotas "
            "no pagadas y se reclama la deuda original menos el capital "
            "pagado, más los punitorios devengados."
        ),
    )


def _row(pdf: FPDF, cells: list[str], *, bold: bool = False) -> None:
    pdf.set_font("Helvetica", "B" if bold else "", TEXT_PT)
    for text, (_title, width, align) in zip(cells, COLUMNS, strict=True):
        pdf.cell(width, ROW_MM, latin1(text), border="B" if bold else 0, align=align)
    pdf.ln(ROW_MM)
