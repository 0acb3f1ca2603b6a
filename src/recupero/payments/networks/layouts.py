"""Fixed-width records described as data, written and read by one engine.

Collectors (Pago Fácil, Rapipago, Banelco, Red Link) hand out their record
layouts ("diseño de registro") under contract, and what we have are
reconstructions (see ``docs/networks.md``). So each format is a ``Layout``:
a list of fields with the 1-based positions of the collector's documents,
easy to compare with an official sheet and to correct in one place. The
same definition drives ``Layout.write`` and ``Layout.read``, so a record
written here reads back to the same values.

Both directions are strict. Writing a value that does not fit its field is
refused (a truncated amount or client number would be paid against the
wrong debt, and a widened field shifts every later one). Reading a record
of the wrong length or with a value that has no meaning in its field
raises ``RecordError`` naming the file, the line, the field and the reason,
in Spanish, for the back office to pass on to the collector.
"""

import datetime
import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from recupero.formatting import format_money

_DIGITS = re.compile(r"[0-9]+", re.ASCII)
# One byte per character: a space-padded field of a fixed-width file
# counts bytes, and an "ñ" in UTF-8 would push every later field.
_PRINTABLE_ASCII = re.compile(r"[ -~]*", re.ASCII)

# The Julian date of the 42-digit slip: two-digit year and day of the year.
JULIAN = "%y%j"


class Kind(enum.StrEnum):
    NUMBER = "number"  # digits, zero-padded on the left
    TEXT = "text"  # printable ASCII, left-aligned, space-padded
    AMOUNT = "amount"  # digits of the amount in cents (or N decimals)
    DATE = "date"  # digits of a date in a strftime format
    FILLER = "filler"  # written with one character, not read
    CONSTANT = "constant"  # fixed text (record type, network code)


class RecordError(ValueError):
    """A record that cannot be read or a value that cannot be written.

    ``code`` is stable for programs; ``str()`` is the Spanish message with
    the file, line and field when known, e.g. ``archivo COB0470.010325,
    línea 3, campo «importe»: «00000A50050» no es un importe``.
    """

    def __init__(
        self,
        code: str,
        reason: str,
        *,
        field: str | None = None,
        label: str | None = None,
        line: int | None = None,
        file_name: str | None = None,
    ) -> None:
        self.code = code
        self.reason = reason
        self.field = field
        self.label = label
        self.line = line
        self.file_name = file_name
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = []
        if self.file_name:
            where.append(f"archivo {self.file_name}")
        if self.line is not None:
            where.append(f"línea {self.line}")
        if self.label:
            where.append(f"campo «{self.label}»")
        return f"{', '.join(where)}: {self.reason}" if where else self.reason

    def located(
        self, *, line: int | None = None, file_name: str | None = None
    ) -> "RecordError":
        """Return the same error placed at a line of a file."""
        return RecordError(
            self.code,
            self.reason,
            field=self.field,
            label=self.label,
            line=self.line if line is None else line,
            file_name=self.file_name if file_name is None else file_name,
        )


@dataclass(frozen=True)
class Field:
    """One field of a record; ``start`` is 1-based, as in layout sheets."""

    name: str
    start: int
    length: int
    kind: Kind
    label: str = ""  # Spanish name for messages
    decimals: int = 0  # AMOUNT
    date_format: str = ""  # DATE, strftime codes
    fill: str = " "  # FILLER
    value: str = ""  # CONSTANT
    # A DATE or AMOUNT that may be absent (PMC's 2nd and 3rd due dates):
    # ``None`` is written as zeros and zeros read as ``None``.
    optional: bool = False

    @property
    def end(self) -> int:
        """Return the last position, 1-based and inclusive."""
        return self.start + self.length - 1

    @property
    def title(self) -> str:
        return self.label or self.name

    @property
    def largest_amount(self) -> Decimal:
        return Decimal(10**self.length - 1).scaleb(-self.decimals)


def number(name: str, start: int, length: int, label: str = "") -> Field:
    return Field(name, start, length, Kind.NUMBER, label)


def text(name: str, start: int, length: int, label: str = "") -> Field:
    return Field(name, start, length, Kind.TEXT, label)


def amount(
    name: str,
    start: int,
    length: int,
    label: str = "",
    *,
    decimals: int = 2,
    optional: bool = False,
) -> Field:
    return Field(
        name, start, length, Kind.AMOUNT, label, decimals=decimals, optional=optional
    )


def date(
    name: str,
    start: int,
    length: int,
    date_format: str,
    label: str = "",
    *,
    optional: bool = False,
) -> Field:
    return Field(
        name,
        start,
        length,
        Kind.DATE,
        label,
        date_format=date_format,
        optional=optional,
    )


def filler(start: int, length: int, fill: str = "0") -> Field:
    return Field(f"filler_{start}", start, length, Kind.FILLER, fill=fill)


def constant(name: str, start: int, value: str, label: str = "") -> Field:
    return Field(name, start, len(value), Kind.CONSTANT, label, value=value)


class Layout:
    """A fixed-width record format: fields that cover it end to end."""

    def __init__(self, name: str, length: int, fields: Iterable[Field]) -> None:
        self.name = name
        self.length = length
        self.fields = tuple(fields)
        self._check_coverage()
        self.by_name = {field.name: field for field in self.fields}
        self._value_names = frozenset(self.value_names)

    def _check_coverage(self) -> None:
        # A gap or an overlap is a typo in a definition; fail at import time
        # rather than writing a file the collector rejects days later.
        position = 1
        for field in self.fields:
            if field.start != position or field.length < 1:
                raise ValueError(
                    f"{self.name}: el campo {field.name} empieza en "
                    f"{field.start}, se esperaba {position}"
                )
            position = field.end + 1
        if position != self.length + 1:
            raise ValueError(
                f"{self.name}: los campos miden {position - 1}, "
                f"el registro {self.length}"
            )

    @property
    def value_names(self) -> list[str]:
        """Return the names of the fields that carry a value."""
        return [f.name for f in self.fields if f.kind not in _VALUELESS]

    def write(self, values: Mapping[str, object]) -> str:
        """Return the record for ``values``; a missing or unfit value raises."""
        unknown = set(values) - self._value_names
        if unknown:
            raise RecordError(
                "unknown_field", f"{self.name}: campos desconocidos {sorted(unknown)}"
            )
        parts = [_write_field(field, values) for field in self.fields]
        return "".join(parts)

    def read(
        self, record: str, *, line: int | None = None, file_name: str | None = None
    ) -> dict[str, Any]:
        """Return the values of ``record`` by field name.

        ``record`` is one line without its line ending. ``line`` and
        ``file_name`` only place the error, if any.
        """
        if len(record) != self.length:
            raise RecordError(
                "wrong_length",
                f"el registro mide {len(record)} caracteres; "
                f"{self.name} mide {self.length}",
                line=line,
                file_name=file_name,
            )
        values: dict[str, Any] = {}
        for field in self.fields:
            raw = record[field.start - 1 : field.end]
            try:
                value = _read_field(field, raw)
            except RecordError as error:
                raise error.located(line=line, file_name=file_name) from None
            if field.kind not in _VALUELESS:
                values[field.name] = value
        return values


_VALUELESS = frozenset({Kind.FILLER, Kind.CONSTANT})


def _refuse(field: Field, code: str, reason: str) -> RecordError:
    return RecordError(code, reason, field=field.name, label=field.title)


def _write_field(field: Field, values: Mapping[str, object]) -> str:
    if field.kind is Kind.FILLER:
        return field.fill * field.length
    if field.kind is Kind.CONSTANT:
        return field.value
    if field.name not in values:
        raise _refuse(field, "missing", "falta el valor")
    value = values[field.name]
    if field.kind is Kind.NUMBER:
        return _write_number(field, value)
    if field.kind is Kind.TEXT:
        return _write_text(field, value)
    if field.kind is Kind.AMOUNT:
        return _write_amount(field, value)
    return _write_date(field, value)


def _write_number(field: Field, value: object) -> str:
    digits = str(value) if isinstance(value, int | str) else ""
    if isinstance(value, bool) or not _DIGITS.fullmatch(digits):
        raise _refuse(field, "not_a_number", f"«{value}» no es un número sin signo")
    if len(digits) > field.length:
        raise _refuse(
            field,
            "too_long",
            f"«{digits}» tiene {len(digits)} dígitos; el campo admite {field.length}",
        )
    return digits.zfill(field.length)


def _write_text(field: Field, value: object) -> str:
    if not isinstance(value, str) or not _PRINTABLE_ASCII.fullmatch(value):
        raise _refuse(
            field,
            "not_ascii",
            f"«{value}» tiene caracteres fuera del ASCII imprimible",
        )
    if len(value) > field.length:
        raise _refuse(
            field,
            "too_long",
            f"«{value}» tiene {len(value)} caracteres; el campo admite {field.length}",
        )
    return value.ljust(field.length)


def _write_amount(field: Field, value: object) -> str:
    if value is None and field.optional:
        return "0" * field.length
    # Money is Decimal or int everywhere; a float has already lost cents.
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise _refuse(field, "not_an_amount", f"«{value}» no es un importe")
    amount_ = Decimal(value)
    if not amount_.is_finite() or amount_ < 0:
        raise _refuse(field, "not_an_amount", f"«{value}» no es un importe válido")
    units = amount_.scaleb(field.decimals)
    if units != units.to_integral_value():
        raise _refuse(
            field,
            "too_precise",
            f"«{value}» tiene más de {field.decimals} decimales",
        )
    if amount_ > field.largest_amount:
        raise _refuse(
            field,
            "amount_too_large",
            f"{format_money(amount_)} no cabe en {field.length} dígitos "
            f"(máximo {format_money(field.largest_amount)})",
        )
    return str(int(units)).zfill(field.length)


def _write_date(field: Field, value: object) -> str:
    if value is None and field.optional:
        return "0" * field.length
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise _refuse(field, "not_a_date", f"«{value}» no es una fecha")
    written = value.strftime(field.date_format)
    # Two-digit years only reach 1969-2068; a date they cannot bring back
    # (or a format that does not fill the field) is refused, not shifted.
    if len(written) != field.length or _parse_date(field, written) != value:
        raise _refuse(
            field,
            "date_out_of_range",
            f"la fecha {value:%d/%m/%Y} no se puede escribir en este campo",
        )
    return written


def _read_field(field: Field, raw: str) -> object:
    if field.kind is Kind.FILLER:
        # Collectors are not consistent about filler (zeros or spaces), and
        # nothing depends on it: it is not checked.
        return None
    if field.kind is Kind.CONSTANT:
        if raw != field.value:
            raise _refuse(
                field, "unexpected_value", f"dice «{raw}», se esperaba «{field.value}»"
            )
        return raw
    if field.kind is Kind.TEXT:
        return raw.rstrip(" ")
    if not _DIGITS.fullmatch(raw):
        what = {Kind.NUMBER: "un número", Kind.AMOUNT: "un importe"}
        raise _refuse(
            field, "not_digits", f"«{raw}» no es {what.get(field.kind, 'una fecha')}"
        )
    if field.kind is Kind.NUMBER:
        return int(raw)
    if field.optional and set(raw) == {"0"}:
        return None
    if field.kind is Kind.AMOUNT:
        cents = Decimal(1).scaleb(-field.decimals)
        return Decimal(int(raw)).scaleb(-field.decimals).quantize(cents)
    value = _parse_date(field, raw)
    if value is None:
        raise _refuse(field, "not_a_date", f"«{raw}» no es una fecha válida")
    return value


def _parse_date(field: Field, raw: str) -> datetime.date | None:
    try:
        value = datetime.datetime.strptime(raw, field.date_format).date()  # noqa: DTZ007
    except ValueError:
        return None
    # strptime accepts unpadded numbers ("2025031" as 2025-03-01); only the
    # exact written form is a date.
    return value if value.strftime(field.date_format) == raw else None
