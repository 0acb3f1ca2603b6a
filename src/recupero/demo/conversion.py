"""Write the UCI data set the way an Argentine creditor sends a portfolio.

One account per row: ``;``-separated, Windows-1252, amounts as
``1.234,56``, dates as dd/mm/aaaa and Spanish headers. The amounts and the
days past due come from the data; the debtors are synthetic (see
``recupero.demo.synthetic``). The same source always gives the same bytes,
so importing the converted file twice is recognised as the same file.
"""

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

# The UCI statements are monthly; the newest (BILL_AMT1) is September 2005
# and the demo reads it as the balance at the month's end.
STATEMENT_DATE = datetime.date(2005, 9, 30)


@dataclass(frozen=True)
class HistoryColumn:
    header: str
    source: str
    as_of: datetime.date


HISTORY_COLUMNS = (
    HistoryColumn("saldo_08_2005", "BILL_AMT2", datetime.date(2005, 8, 31)),
    HistoryColumn("saldo_07_2005", "BILL_AMT3", datetime.date(2005, 7, 31)),
    HistoryColumn("saldo_06_2005", "BILL_AMT4", datetime.date(2005, 6, 30)),
    HistoryColumn("saldo_05_2005", "BILL_AMT5", datetime.date(2005, 5, 31)),
    HistoryColumn("saldo_04_2005", "BILL_AMT6", datetime.date(2005, 4, 30)),
)

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
    *(column.header for column in HISTORY_COLUMNS),
)

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


def days_past_due(pay_0: str) -> int:
    """Return the days past due at the statement date.

    ``PAY_0`` counts whole months of delay (1 to 8); -2, -1 and 0 mean no
    balance, paid in full and minimum paid, none of them late.
    """
    months = int(pay_0)
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
        format_amount(row["BILL_AMT1"]),
        str(days_past_due(row["PAY_0"])),
        STATEMENT_DATE.strftime("%d/%m/%Y"),
        *(format_amount(row[column.source]) for column in HISTORY_COLUMNS),
    ]
