"""Write the UCI data set the way an Argentine creditor sends its files.

The portfolio file (``convert_uci``) is the April 2005 statement, one
account per row; ``convert_months`` writes, for each month to September,
its payments file and (from May) its statement of the loaded accounts.
All of them are ``;``-separated, Windows-1252, amounts as
``1.234,56``, dates as dd/mm/aaaa and Spanish headers. The amounts and the
days past due come from the data; the debtors are synthetic (see
``recupero.demo.synthetic``). The same source always gives the same bytes,
so importing a converted file twice is recognised as the same file.
"""

import contextlib
import csv
import datetime
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from recupero.demo.synthetic import DebtorMaker, Defect

SHIPPED_SOURCE = (
    Path(__file__).resolve().parent.parent / "demo_data" / "UCI_Credit_Card.csv"
)
ENCODING = "cp1252"
DELIMITER = ";"
PRODUCT = "Tarjeta de crédito"

# The UCI data covers April to September 2005: for each month a statement
# (BILL_AMT6 is April .. BILL_AMT1 September), the delay status at it
# (PAY_6 .. PAY_0) and the month's payment (PAY_AMT6 .. PAY_AMT1). The
# demo replays them in order: the April statement opens the accounts, then
# each month's payments and, from May, its statement.


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    bill: str
    status: str
    payment: str

    @property
    def key(self) -> str:
        """``2005-04``: the month in file names and payment references."""
        return f"{self.year}-{self.month:02d}"

    @property
    def label(self) -> str:
        """``04/2005``: the month as the demo prints it."""
        return f"{self.month:02d}/{self.year}"

    @property
    def statement_date(self) -> datetime.date:
        """The month's last day: the date of its statement."""
        following = datetime.date(self.year + self.month // 12, self.month % 12 + 1, 1)
        return following - datetime.timedelta(days=1)

    @property
    def payment_date(self) -> datetime.date:
        """The 15th; the first month's payments come with its statement.

        The accounts open at the April statement (30/04): a payment dated
        before it would precede the account's opening entry, so April's
        payments are dated 30/04 too, posted after the opening.
        """
        if self == MONTHS[0]:
            return self.statement_date
        return datetime.date(self.year, self.month, 15)


MONTHS = (
    Month(2005, 4, "BILL_AMT6", "PAY_6", "PAY_AMT6"),
    Month(2005, 5, "BILL_AMT5", "PAY_5", "PAY_AMT5"),
    Month(2005, 6, "BILL_AMT4", "PAY_4", "PAY_AMT4"),
    Month(2005, 7, "BILL_AMT3", "PAY_3", "PAY_AMT3"),
    Month(2005, 8, "BILL_AMT2", "PAY_2", "PAY_AMT2"),
    Month(2005, 9, "BILL_AMT1", "PAY_0", "PAY_AMT1"),
)
OPENING = MONTHS[0]
# The portfolio file is April's statement; the last statement, September's,
# is the date the demo ages the book at.
OPENING_DATE = OPENING.statement_date
STATEMENT_DATE = MONTHS[-1].statement_date

HEADERS = (
    "nro_cuenta",
    "titular",
    "cuit_cuil",
    "telefono",
    "celular",
    "email",
    "domicilio",
    "localidad",
    "provincia",
    "cod_postal",
    "producto",
    "limite_credito",
    "saldo",
    "dias_atraso",
    "fecha_saldo",
)
# A month's statement of the accounts already loaded, and its payments.
STATEMENT_HEADERS = ("nro_cuenta", "saldo", "dias_atraso", "fecha_saldo")
PAYMENT_HEADERS = ("nro_cuenta", "importe", "fecha_pago", "referencia")

CENT = Decimal("0.01")
# Python writes 1,234.56; Argentina writes 1.234,56.
AR_SEPARATORS = str.maketrans({",": ".", ".": ","})

Progress = Callable[[int], None]
PROGRESS_EVERY = 1000


@dataclass
class ConversionResult:
    path: Path
    rows: int = 0
    defects: Counter[Defect] = field(default_factory=Counter)


def format_amount(raw: str) -> str:
    """Return an amount of the UCI file (``3913``, ``5e+05``) as ``3.913,00``."""
    amount = Decimal(raw).quantize(CENT)
    return f"{amount:,.2f}".translate(AR_SEPARATORS)


def days_past_due(status: str) -> int:
    """Return the days past due at a statement date.

    The delay status (``PAY_0`` .. ``PAY_6``) counts whole months of delay
    (1 to 8); -2, -1 and 0 mean no balance, paid in full and minimum paid,
    none of them late.
    """
    months = int(status)
    return 30 * months if months >= 1 else 0


def convert_uci(
    target: Path,
    *,
    source: Path = SHIPPED_SOURCE,
    limit: int | None = None,
    progress: Progress | None = None,
) -> ConversionResult:
    """Write the creditor file for the UCI rows of ``source`` to ``target``.

    The file appears whole or not at all: it is written next to the target
    and renamed over it at the end.
    """
    result = ConversionResult(path=target)
    maker = DebtorMaker()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    with (
        source.open(encoding="utf-8", newline="") as source_file,
        partial.open("w", encoding=ENCODING, newline="") as target_file,
    ):
        writer = csv.writer(target_file, delimiter=DELIMITER, lineterminator="\r\n")
        writer.writerow(HEADERS)
        for row in csv.DictReader(source_file):
            if limit is not None and result.rows >= limit:
                break
            writer.writerow(_creditor_row(row, maker, result))
            result.rows += 1
            if progress and result.rows % PROGRESS_EVERY == 0:
                progress(result.rows)
    os.replace(partial, target)
    if progress:
        progress(result.rows)
    return result


def _creditor_row(
    row: dict[str, str], maker: DebtorMaker, result: ConversionResult
) -> list[str]:
    debtor = maker.make(
        int(row["ID"]), is_female=row["SEX"] == "2", age=int(row["AGE"])
    )
    result.defects.update(debtor.defects)
    return [
        row["ID"],
        debtor.name,
        debtor.tax_id,
        debtor.phone,
        debtor.mobile,
        debtor.email,
        debtor.street,
        debtor.city,
        debtor.province,
        debtor.postal_code,
        PRODUCT,
        format_amount(row["LIMIT_BAL"]),
        format_amount(row[OPENING.bill]),
        str(days_past_due(row[OPENING.status])),
        format_day(OPENING.statement_date),
    ]


def format_day(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


@dataclass
class MonthFile:
    """One month's file of the replay: its payments or its statement."""

    month: Month
    kind: str  # "payments" or "statement"
    path: Path
    rows: int = 0


def monthly_files(directory: Path) -> list[MonthFile]:
    """Return the replay's files in the order they load.

    Each month's payments, then from May its statement: a statement
    reflects the payments of its month.
    """
    files = []
    for month in MONTHS:
        files.append(MonthFile(month, "payments", directory / f"pagos_{month.key}.csv"))
        if month != OPENING:
            files.append(
                MonthFile(month, "statement", directory / f"saldos_{month.key}.csv")
            )
    return files


def convert_months(
    directory: Path,
    *,
    source: Path = SHIPPED_SOURCE,
    limit: int | None = None,
    progress: Progress | None = None,
) -> list[MonthFile]:
    """Write each month's payments and statement file into ``directory``.

    A payments file has one line per account that paid that month (its
    ``PAY_AMT`` above zero), referenced ``<account>-<yyyy-mm>``; a
    statement file has every account's balance (``BILL_AMT``), days past
    due (from the month's ``PAY_`` status) and the month's last day. Each
    file appears whole or not at all.
    """
    files = monthly_files(directory)
    directory.mkdir(parents=True, exist_ok=True)
    partials = [each.path.with_name(f".{each.path.name}.partial") for each in files]
    rows = 0
    with contextlib.ExitStack() as stack:
        source_file = stack.enter_context(source.open(encoding="utf-8", newline=""))
        writers = []
        for each, partial in zip(files, partials, strict=True):
            stream = stack.enter_context(
                partial.open("w", encoding=ENCODING, newline="")
            )
            writer = csv.writer(stream, delimiter=DELIMITER, lineterminator="\r\n")
            writer.writerow(
                PAYMENT_HEADERS if each.kind == "payments" else STATEMENT_HEADERS
            )
            writers.append(writer)
        for row in csv.DictReader(source_file):
            if limit is not None and rows >= limit:
                break
            for each, writer in zip(files, writers, strict=True):
                line = _month_line(row, each)
                if line:
                    writer.writerow(line)
                    each.rows += 1
            rows += 1
            if progress and rows % PROGRESS_EVERY == 0:
                progress(rows)
    for each, partial in zip(files, partials, strict=True):
        os.replace(partial, each.path)
    if progress:
        progress(rows)
    return files


def _month_line(row: dict[str, str], each: MonthFile) -> list[str] | None:
    month = each.month
    if each.kind == "payments":
        if Decimal(row[month.payment]) <= 0:
            return None
        return [
            row["ID"],
            format_amount(row[month.payment]),
            format_day(month.payment_date),
            f"{row['ID']}-{month.key}",
        ]
    return [
        row["ID"],
        format_amount(row[month.bill]),
        str(days_past_due(row[month.status])),
        format_day(month.statement_date),
    ]
