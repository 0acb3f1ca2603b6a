"""Pago Mis Cuentas (Banelco): the debt publication and collections files.

A creditor publishes its debts to PMC in a FAC file (280-byte records)
and learns what was paid from the COB file PMC leaves every business day
(100-byte records). Both are header, details, trailer; record type in the
first byte (0, 5, 9) and the Banelco code ``400`` after it.

Banelco gives the official layout only to contracted companies. These
definitions are reconstructed from public code (argentina.md §2.1 and
§2.2, confidence **Medium** overall) and each field whose position or
content is weaker says so next to it. When the bank's "diseño de
registro" says otherwise, correct the field here: writer and reader both
follow the definition.
"""

import datetime
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from recupero.formatting import format_money
from recupero.payments.networks.layouts import (
    Field,
    Layout,
    RecordError,
    amount,
    constant,
    date,
    filler,
    number,
    text,
)

BANELCO = "400"
AAAAMMDD = "%Y%m%d"
# Unverified: no source says how PMC's lines end. CRLF is what the
# Argentine bank-network generators we know write; the reader takes both.
LINE_END = "\r\n"


def _head(kind: str, record_kind: str) -> tuple[Field, ...]:
    return (
        constant("record_type", 1, record_kind, "tipo de registro"),
        constant("network", 2, BANELCO, "código Banelco"),
        number("company", 5, 4, "código de empresa"),
        date("date", 9, 8, AAAAMMDD, f"fecha de {kind}"),
    )


# -- FAC: debt publication, 280 bytes ----------------------------------------

FAC_HEADER = Layout(
    "cabecera FAC", 280, (*_head("generación", "0"), filler(17, 264, "0"))
)
FAC_DETAIL = Layout(
    "detalle FAC",
    280,
    (
        constant("record_type", 1, "5", "tipo de registro"),
        text("reference", 2, 19, "número de referencia"),
        text("bill", 21, 20, "id de factura"),
        constant("currency", 41, "0", "moneda"),
        date("first_due", 42, 8, AAAAMMDD, "1er vencimiento"),
        amount("first_amount", 50, 11, "importe al 1er vencimiento"),
        # Absent 2nd and 3rd due dates as zeros: what the generator writes
        # for an empty value; not confirmed by an official sheet.
        date("second_due", 61, 8, AAAAMMDD, "2do vencimiento", optional=True),
        amount("second_amount", 69, 11, "importe al 2do vencimiento", optional=True),
        date("third_due", 80, 8, AAAAMMDD, "3er vencimiento", optional=True),
        amount("third_amount", 88, 11, "importe al 3er vencimiento", optional=True),
        filler(99, 19, "0"),
        text("previous_reference", 118, 19, "número de referencia anterior"),
        text("ticket_message", 137, 40, "mensaje de ticket"),
        # Low: the screen message's width is inferred from the gap between
        # its neighbours, not read in any source.
        text("screen_message", 177, 15, "mensaje de pantalla"),
        # Low: optional; whether an empty one is spaces or zeros is unknown.
        text("barcode", 192, 60, "código de barras"),
        filler(252, 29, "0"),
    ),
)
FAC_TRAILER = Layout(
    "pie FAC",
    280,
    (
        *_head("generación", "9"),
        number("count", 17, 7, "cantidad de registros"),
        filler(24, 7, "0"),
        # Low: the only public generator has a bug here; 9+2 digits at
        # 31-41 is by analogy with the COB trailer, and whether the total
        # adds the first due amounts only (as here) is not documented.
        amount("total", 31, 11, "importe total"),
        filler(42, 239, "0"),
    ),
)

# -- COB: collections (rendition), 100 bytes ---------------------------------

COB_HEADER = Layout(
    "cabecera COB", 100, (*_head("generación", "0"), filler(17, 84, "0"))
)
COB_DETAIL = Layout(
    "detalle COB",
    100,
    (
        constant("record_type", 1, "5", "tipo de registro"),
        text("reference", 2, 19, "número de referencia"),
        text("bill", 21, 20, "id de factura"),
        # A payment without a published bill may carry no due date.
        date("due_date", 41, 8, AAAAMMDD, "vencimiento", optional=True),
        filler(49, 1, " "),  # unused by the one documented parser
        date("paid_on", 50, 8, AAAAMMDD, "fecha de pago"),
        amount("amount", 58, 11, "importe"),
        # Low: said to be 1 = pago sin factura, 2 = con factura, but the
        # parser that says so reads another byte. Kept raw.
        text("payment_kind", 69, 1, "tipo de pago"),
        date("credited_on", 70, 8, AAAAMMDD, "fecha de acreditación"),
        # PC = PagoMisCuentas web, HB = home banking, S1 = cajero.
        text("channel", 78, 2, "canal"),
        text("control", 80, 4, "número de control"),
        filler(84, 17, " "),
    ),
)
COB_TRAILER = Layout(
    "pie COB",
    100,
    (
        *_head("generación", "9"),
        number("count", 17, 7, "cantidad de registros"),
        filler(24, 7, "0"),
        amount("total", 31, 11, "importe total"),
        filler(42, 59, "0"),
    ),
)


@dataclass(frozen=True)
class Due:
    on: datetime.date
    amount: Decimal


@dataclass(frozen=True)
class PublishedDebt:
    """One bill offered to payers: what they type, and up to 3 due dates."""

    reference: str
    bill: str
    dues: tuple[Due, ...]
    # PMC reads a different previous reference as "this payer's id
    # changed"; empty means the same as ``reference``.
    previous_reference: str = ""
    ticket_message: str = ""
    screen_message: str = ""
    barcode: str = ""


@dataclass(frozen=True)
class PublicationFile:
    company: int
    generated_on: datetime.date
    debts: list[PublishedDebt]


@dataclass(frozen=True)
class NetworkPayment:
    """One payment as the COB file reports it, with its line for messages."""

    reference: str
    bill: str
    due_date: datetime.date | None
    paid_on: datetime.date
    amount: Decimal
    payment_kind: str
    credited_on: datetime.date
    channel: str
    control: str
    line: int


@dataclass(frozen=True)
class CollectionsFile:
    file_name: str
    company: int
    generated_on: datetime.date
    payments: list[NetworkPayment]

    @property
    def total(self) -> Decimal:
        return sum((p.amount for p in self.payments), Decimal("0.00"))


def fac_file_name(company: int, generated_on: datetime.date) -> str:
    """Return ``FAC`` + company + ``.`` + DDMMAA, e.g. ``FAC0470.010325``."""
    return f"FAC{company:04d}.{generated_on:%d%m%y}"


def write_fac(
    company: int, generated_on: datetime.date, debts: Iterable[PublishedDebt]
) -> str:
    """Return the FAC file publishing ``debts``, trailer count and total.

    A debt that does not fit raises ``RecordError`` naming the file, the
    line it would have taken and the field; nothing is half written.
    """
    file_name = fac_file_name(company, generated_on)
    head = {"company": company, "date": generated_on}
    lines = [FAC_HEADER.write(head)]
    total = Decimal("0.00")
    for line, debt in enumerate(debts, start=2):
        try:
            lines.append(FAC_DETAIL.write(_fac_values(debt)))
        except RecordError as error:
            raise error.located(line=line, file_name=file_name) from None
        total += debt.dues[0].amount
    count = len(lines) - 1
    lines.append(FAC_TRAILER.write({**head, "count": count, "total": total}))
    return "".join(line + LINE_END for line in lines)


def _fac_values(debt: PublishedDebt) -> dict[str, object]:
    dues = debt.dues
    if not 1 <= len(dues) <= 3:
        raise RecordError(
            "wrong_dues", f"una deuda lleva de 1 a 3 vencimientos, no {len(dues)}"
        )
    if any(later.on <= earlier.on for earlier, later in itertools.pairwise(dues)):
        raise RecordError(
            "dues_out_of_order", "los vencimientos deben ir de menor a mayor fecha"
        )
    padded: list[Due | None] = [*dues, None, None][:3]
    values: dict[str, object] = {
        "reference": debt.reference,
        "bill": debt.bill,
        "previous_reference": debt.previous_reference or debt.reference,
        "ticket_message": debt.ticket_message,
        "screen_message": debt.screen_message,
        "barcode": debt.barcode,
    }
    for name, due in zip(("first", "second", "third"), padded, strict=True):
        values[f"{name}_due"] = due.on if due else None
        values[f"{name}_amount"] = due.amount if due else None
    return values


def read_fac(content: str | bytes, file_name: str) -> PublicationFile:
    """Return the debts of a FAC file, its trailer checked against them."""
    header, details, trailer = _split(content, file_name, FAC_HEADER, FAC_TRAILER)
    debts = [
        _published_debt(FAC_DETAIL.read(record, line=line, file_name=file_name))
        for line, record in details
    ]
    _check_trailer(
        trailer, header, file_name, len(debts), sum(d.dues[0].amount for d in debts)
    )
    return PublicationFile(
        header[1]["company"],
        header[1]["date"],
        debts,
    )


def _published_debt(values: dict[str, Any]) -> PublishedDebt:
    dues = tuple(
        Due(values[f"{name}_due"], values[f"{name}_amount"])
        for name in ("first", "second", "third")
        if values[f"{name}_due"] is not None
    )
    previous = values["previous_reference"]
    return PublishedDebt(
        reference=values["reference"],
        bill=values["bill"],
        dues=dues,
        previous_reference="" if previous == values["reference"] else previous,
        ticket_message=values["ticket_message"],
        screen_message=values["screen_message"],
        barcode=values["barcode"],
    )


def read_cob(content: str | bytes, file_name: str) -> CollectionsFile:
    """Return the payments of a COB file, its trailer checked against them.

    Any unreadable line, or a trailer whose count or total differs from
    the details, raises ``RecordError`` naming the file and the line: a
    rendition that does not add up is not applied in part.
    """
    header, details, trailer = _split(content, file_name, COB_HEADER, COB_TRAILER)
    payments = [
        _payment(COB_DETAIL.read(record, line=line, file_name=file_name), line)
        for line, record in details
    ]
    _check_trailer(
        trailer, header, file_name, len(payments), sum(p.amount for p in payments)
    )
    return CollectionsFile(
        file_name,
        header[1]["company"],
        header[1]["date"],
        payments,
    )


def _payment(values: dict[str, Any], line: int) -> NetworkPayment:
    return NetworkPayment(line=line, **values)


Numbered = tuple[int, dict[str, Any]]


def _split(
    content: str | bytes, file_name: str, header: Layout, trailer: Layout
) -> tuple[Numbered, list[tuple[int, str]], Numbered]:
    """Return the read header, the detail lines and the read trailer."""
    if isinstance(content, bytes):
        # One byte, one character: positions stay those of the layout.
        content = content.decode("latin-1")
    records = content.split("\n")
    if records and records[-1] == "":
        records.pop()
    records = [record.removesuffix("\r") for record in records]
    if len(records) < 2:
        raise RecordError(
            "missing_trailer",
            "el archivo necesita al menos cabecera y pie",
            file_name=file_name,
        )
    last = len(records)
    details = []
    for line, record in enumerate(records[1:-1], start=2):
        if record[:1] != "5":
            raise RecordError(
                "unexpected_record",
                f"se esperaba un detalle (tipo 5), dice «{record[:1]}»",
                label="tipo de registro",
                line=line,
                file_name=file_name,
            )
        details.append((line, record))
    return (
        (1, header.read(records[0], line=1, file_name=file_name)),
        details,
        (last, trailer.read(records[-1], line=last, file_name=file_name)),
    )


def _check_trailer(
    trailer: Numbered, header: Numbered, file_name: str, count: int, total: Decimal
) -> None:
    line, declared = trailer
    problems = (
        ("company", header[1]["company"], "código de empresa", "la cabecera dice"),
        ("count", count, "cantidad de registros", "los detalles son"),
        ("total", total, "importe total", "los detalles suman"),
    )
    for name, actual, label, description in problems:
        if declared[name] != actual:
            shown = (
                (format_money(declared[name]), format_money(actual))
                if name == "total"
                else (declared[name], actual)
            )
            raise RecordError(
                "trailer_mismatch",
                f"el pie dice {shown[0]} y {description} {shown[1]}",
                field=name,
                label=label,
                line=line,
                file_name=file_name,
            )
