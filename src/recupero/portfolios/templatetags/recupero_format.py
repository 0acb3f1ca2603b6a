"""Money, dates and counts in templates, as people in Argentina read them.

Django's own localisation would follow the active language; these amounts
and dates keep one form whatever the interface language, because they are
copied into letters, files and phone calls that are always Argentine.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone

from recupero.formatting import format_count, format_date, format_money
from recupero.parties.phones import format_phone

register = template.Library()


@register.filter
def money(amount: object) -> str:
    """Return ``$ 1.234.567,89``; empty for no amount."""
    if amount is None or amount == "":
        return ""
    try:
        return format_money(Decimal(str(amount)))
    except InvalidOperation:
        return str(amount)


@register.filter
def count(number: object) -> str:
    """Return ``30.000``; empty for no number."""
    if number is None or number == "":
        return ""
    try:
        return format_count(int(str(number)))
    except ValueError:
        return str(number)


@register.filter
def ddmmyyyy(value: object) -> str:
    """Return a date (or a date-time, in the current time zone) as dd/mm/aaaa."""
    if isinstance(value, datetime.datetime):
        return format_date(_local(value).date())
    if isinstance(value, datetime.date):
        return format_date(value)
    return ""


@register.filter
def ddmmyyyy_hhmm(value: object) -> str:
    """Return a date-time in the current time zone as dd/mm/aaaa hh:mm."""
    if not isinstance(value, datetime.datetime):
        return ddmmyyyy(value)
    value = _local(value)
    return f"{format_date(value.date())} {value:%H:%M}"


@register.filter
def phone(value: object) -> str:
    """Return an E.164 phone as ``011 15-2345-6789``; other values as given."""
    if value is None:
        return ""
    return format_phone(str(value))


def _local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value
