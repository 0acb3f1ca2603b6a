"""Numbers and dates as people in Argentina read them."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal

CENT = Decimal("0.01")


def format_money(amount: Decimal | None, locale: str = "es_AR") -> str:
    """Return ``$ 1.234.567,89``; a negative amount as ``-$ 1.234,56``."""
    if amount is None:
        return ""
    amount = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    digits = format_decimal(abs(amount), format="#,##0.00", locale=locale)
    sign = "-" if amount < 0 else ""
    return f"{sign}$ {digits}"


def format_count(number: int | None, locale: str = "es_AR") -> str:
    if number is None:
        return ""
    return format_decimal(number, format="#,##0", locale=locale)


def format_counted(number: int, one: str, many: str) -> str:
    """Return ``1 cuenta`` or ``2.598 cuentas``: the count and its noun."""
    return f"{format_count(number)} {one if number == 1 else many}"


def format_date(value: datetime.date | None) -> str:
    """Return the date as dd/mm/aaaa."""
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y")
