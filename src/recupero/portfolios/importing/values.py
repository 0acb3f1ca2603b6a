"""Amounts, dates and other cell values as creditor files write them.

Every reader here is strict: a value is read only when it has exactly one
meaning in the declared form, and anything else raises ``ValueProblem``
with a Spanish reason. Lenient number parsing is how ``25.00`` becomes
2500 and ``12.06.1994`` becomes 12061994 (case C01); guessing the order of
day and month is how 05/10 becomes the 10th of May (case C03).
"""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

CENT = Decimal("0.01")

# es-AR: "." groups thousands (always in threes), "," starts the cents.
_AMOUNT_ES = re.compile(
    r"(?P<sign>-)?\s*(?:\$\s*)?(?P<units>[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)"
    r"(?:,(?P<cents>[0-9]{1,2}))?",
    re.ASCII,
)
_AMOUNT_US = re.compile(
    r"(?P<sign>-)?\s*(?:\$\s*)?(?P<units>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)"
    r"(?:\.(?P<cents>[0-9]{1,2}))?",
    re.ASCII,
)
_INTEGER = re.compile(r"-?[0-9]+", re.ASCII)
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[ T][0-9:.]+)?", re.ASCII)
_EXCEL_SERIAL = re.compile(r"[0-9]{1,6}", re.ASCII)

DAY_FIRST_FORMATS = {"dd/mm/aaaa": "/", "dd-mm-aaaa": "-", "dd.mm.aaaa": "."}
DATE_FORMATS = (*DAY_FIRST_FORMATS, "iso", "excel")

# Excel's 1900 date system counts from 1899-12-30 for every serial after
# its phantom 29/02/1900. A bare number is taken as a serial only inside
# these years, so that "2024" or "20240910" are never read as dates.
EXCEL_EPOCH = datetime.date(1899, 12, 30)
EXCEL_SERIAL_FIRST = datetime.date(1950, 1, 1)
EXCEL_SERIAL_LAST = datetime.date(2099, 12, 31)

TRUE_WORDS = frozenset({"1", "s", "si", "sí", "x", "true", "verdadero", "yes", "y"})
FALSE_WORDS = frozenset({"", "0", "n", "no", "false", "falso"})


class ValueProblem(ValueError):
    """A cell that cannot be read; ``code`` is stable, ``message`` Spanish."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def cell_text(value: object) -> str:
    """Return a cell as stripped text; spreadsheet numbers lose their ``.0``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


AMOUNT_LIMIT = Decimal(10) ** 16


def parse_amount(value: object, decimal_separator: str = ",") -> Decimal:
    """Return an amount in cents, read strictly in the declared form.

    With ``","`` (es-AR): ``1.234,56``, ``980,00``, ``12.500`` (twelve
    thousand five hundred), ``-1.234,56``, ``1234``. With ``"."`` the US
    form: ``1,234.56``. Spreadsheet numbers are taken exactly as written.
    """
    if isinstance(value, bool):
        raise ValueProblem("amount_invalid", "un valor lógico no es un importe")
    if isinstance(value, int | float):
        return _to_cents(Decimal(str(value)))
    if isinstance(value, Decimal):
        return _to_cents(value)
    return _parse_amount_text(str(value).strip(), decimal_separator)


@lru_cache(maxsize=4096)
def _parse_amount_text(text: str, decimal_separator: str) -> Decimal:
    pattern = _AMOUNT_US if decimal_separator == "." else _AMOUNT_ES
    found = pattern.fullmatch(text)
    if found is None:
        example = "1,234.56" if decimal_separator == "." else "1.234,56"
        raise ValueProblem(
            "amount_invalid", f"«{text}» no es un importe válido (se espera {example})"
        )
    group = "," if decimal_separator == "." else "."
    units = found["units"].replace(group, "")
    sign = found["sign"] or ""
    return _within_range(Decimal(f"{sign}{units}.{found['cents'] or '0'}"), text)


def _to_cents(amount: Decimal) -> Decimal:
    if not amount.is_finite():
        raise ValueProblem("amount_invalid", f"«{amount}» no es un importe válido")
    return _within_range(amount, str(amount))


def _within_range(amount: Decimal, text: str) -> Decimal:
    # Amounts are stored with 16 whole digits; a longer one is a defect of the
    # file, and would not even round within Decimal's default precision.
    if abs(amount) >= AMOUNT_LIMIT:
        raise ValueProblem(
            "amount_too_large",
            f"«{text[:40]}» excede el importe máximo (16 dígitos enteros)",
        )
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_date(value: object, date_format: str = "dd/mm/aaaa") -> datetime.date:
    """Return a date written day first, as ISO, or as an Excel serial.

    The day-first form is the declared one (``dd/mm/aaaa`` also reads
    ``d/m/aaaa``); ISO ``AAAA-MM-DD`` and Excel serials are unambiguous and
    always read. Month-first is never tried.
    """
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        raise ValueProblem("date_invalid", "un valor lógico no es una fecha")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return _from_excel_serial(value)
    return _parse_date_text(str(value).strip(), date_format)


@lru_cache(maxsize=8192)
def _parse_date_text(text: str, date_format: str) -> datetime.date:
    separator = DAY_FIRST_FORMATS.get(date_format, "/")
    parts = text.split(separator)
    if len(parts) == 3 and all(part.isascii() and part.isdigit() for part in parts):
        day, month, year = parts
        if len(day) <= 2 and len(month) <= 2 and len(year) == 4:
            return _make_date(text, int(year), int(month), int(day))
    iso = _ISO_DATE.fullmatch(text)
    if iso:
        return _make_date(text, int(iso[1]), int(iso[2]), int(iso[3]))
    if _EXCEL_SERIAL.fullmatch(text):
        return _from_excel_serial(int(text))
    shown = "dd/mm/aaaa" if date_format not in DAY_FIRST_FORMATS else date_format
    raise ValueProblem(
        "date_invalid",
        f"«{text}» no es una fecha {shown}, AAAA-MM-DD ni un número de serie de Excel",
    )


def _make_date(text: str, year: int, month: int, day: int) -> datetime.date:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ValueProblem(
            "date_invalid", f"«{text}» no es una fecha que exista"
        ) from None


def _from_excel_serial(serial: int) -> datetime.date:
    date = EXCEL_EPOCH + datetime.timedelta(days=serial)
    if not EXCEL_SERIAL_FIRST <= date <= EXCEL_SERIAL_LAST:
        raise ValueProblem(
            "date_invalid",
            f"«{serial}» no es un número de serie de Excel de una fecha entre "
            f"{EXCEL_SERIAL_FIRST.year} y {EXCEL_SERIAL_LAST.year}",
        )
    return date


# More days past due than any debt lives (a century): a larger figure is a
# slip in the file, and would overflow the date it stands for.
MAX_DAYS = 36_500


def parse_whole_number(value: object) -> int:
    """Return a whole number of days past due, from 0 to ``MAX_DAYS``."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = cell_text(value)
        if not _INTEGER.fullmatch(text):
            raise ValueProblem("number_invalid", f"«{text}» no es un número entero")
        number = int(text)
    if number < 0:
        raise ValueProblem("number_invalid", f"«{number}» no puede ser negativo")
    if number > MAX_DAYS:
        raise ValueProblem(
            "number_too_large",
            f"«{number}» días es más de un siglo (como máximo 36.500)",
        )
    return number


def parse_yes_no(value: object) -> bool:
    """Return a yes/no flag written as Sí/No, S/N, 1/0, X or empty."""
    if isinstance(value, bool):
        return value
    text = cell_text(value).casefold()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueProblem("flag_invalid", f"«{text}» no es Sí/No")
