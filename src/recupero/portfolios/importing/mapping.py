"""From a row of cells to the account, debtor and contacts it describes.

A profile's ``columns`` maps each Recupero field to a file column or to a
fixed value::

    {
      "account_number": {"column": "Nro Cuenta"},
      "balance": {"column": "Saldo"},
      "due_date": {"column": "Vto"},
      "debtor_name": {"column": "Titular", "transform": "title"},
      "tax_id": {"column": "CUIT", "transform": "digits"},
      "phone": {"column": "Tel", "required": false},
      "currency": {"value": "ARS"},
      "extra.segmento": {"column": "Segmento"}
    }

A bare string stands for ``{"column": <string>}``. A mapped column must be
in the file unless ``"required": false``. ``transform`` is one name of
``TRANSFORMS`` or a list of them, applied in order to the text of the cell.

A row that cannot make an account is rejected with every reason found
(``RowIssue`` errors); a defect in who the debtor is or how to reach them
is a warning: the account loads and the doubtful datum is kept, marked.
"""

import datetime
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from recupero.formatting import format_money
from recupero.parties.emails import normalise_email
from recupero.parties.identity import check_tax_id
from recupero.parties.models import (
    ContactKind,
    ContactStatus,
    DebtorKind,
    IdentityStatus,
)
from recupero.parties.phones import normalise_phone
from recupero.payments.models import MAX_PAYMENT
from recupero.portfolios.cycle import days_past_due
from recupero.portfolios.importing.reading import (
    FileLayout,
    UnreadableFile,
    normalise_header,
)
from recupero.portfolios.importing.values import (
    DATE_FORMATS,
    ValueProblem,
    cell_text,
    parse_amount,
    parse_date,
    parse_whole_number,
    parse_yes_no,
)
from recupero.portfolios.models import ImportKind, ImportProfile, IssueSeverity

ISSUE_VALUE_LENGTH = 200
# As long as Payment.reference.
REFERENCE_LENGTH = 80
# Bytes no text holds (NUL, which PostgreSQL refuses in text, among them):
# a cell carrying one is reported, and never stored as it came.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
REPEATED = -2
ZERO = Decimal("0.00")


class ProfileError(Exception):  # noqa: N818 (a state of the profile)
    """The profile cannot be used; ``message`` says why, in Spanish."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _digits(text: str) -> str:
    return "".join(char for char in text if char.isdigit())


def _without_leading_zeros(text: str) -> str:
    return text.lstrip("0") or text[:1]


TRANSFORMS: dict[str, Callable[[str], str]] = {
    "strip": str.strip,
    "upper": str.upper,
    "lower": str.lower,
    "title": str.title,
    "digits": _digits,
    "squeeze": lambda text: " ".join(text.split()),
    "no_leading_zeros": _without_leading_zeros,
}


@dataclass(frozen=True)
class FieldSpec:
    kind: str = "text"
    max_length: int = 200
    account_field: bool = False


_TEXT = FieldSpec()
FIELDS: dict[str, FieldSpec] = {
    "account_number": FieldSpec(max_length=60, account_field=True),
    "portfolio": FieldSpec(max_length=60, account_field=True),
    "product": FieldSpec(max_length=80, account_field=True),
    "currency": FieldSpec(max_length=10, account_field=True),
    "capital": FieldSpec("amount", account_field=True),
    "interest": FieldSpec("amount", account_field=True),
    "fees": FieldSpec("amount", account_field=True),
    "balance": FieldSpec("amount", account_field=True),
    "credit_limit": FieldSpec("amount", account_field=True),
    "due_date": FieldSpec("date", account_field=True),
    "days_past_due": FieldSpec("number", account_field=True),
    "balance_as_of": FieldSpec("date", account_field=True),
    "is_legal": FieldSpec("flag", account_field=True),
    "debtor_name": _TEXT,
    "debtor_kind": _TEXT,
    "tax_id": FieldSpec(max_length=40),
    "customer_number": FieldSpec(max_length=60),
    "phone": _TEXT,
    "phone_2": _TEXT,
    "phone_3": _TEXT,
    "mobile": _TEXT,
    "email": _TEXT,
    "email_2": _TEXT,
    "street": _TEXT,
    "city": FieldSpec(max_length=100),
    "province": FieldSpec(max_length=100),
    "postal_code": FieldSpec(max_length=20),
    "guarantor_name": _TEXT,
    "guarantor_tax_id": FieldSpec(max_length=40),
    "guarantor_phone": _TEXT,
    # Payment files (ImportKind.PAYMENTS) only.
    "amount": FieldSpec("amount", account_field=True),
    "value_date": FieldSpec("date", account_field=True),
    "reference": FieldSpec(max_length=REFERENCE_LENGTH, account_field=True),
    "method": FieldSpec(max_length=40),
    "payment_source": FieldSpec(max_length=20),
}
PAYMENT_FIELDS = ("amount", "value_date", "reference", "method", "payment_source")
REQUIRED_PAYMENT_FIELDS = ("amount", "value_date")
# What a payment file may write in its method column, and what it means.
PAYMENT_METHODS = {
    "efectivo": "cash",
    "cash": "cash",
    "transferencia": "transfer",
    "transfer": "transfer",
    "tarjeta": "card",
    "card": "card",
    "cheque": "cheque",
    "debito": "debit",
    "débito": "debit",
    "debit": "debit",
    "debito automatico": "debit",
    "débito automático": "debit",
    "red": "network",
    "network": "network",
}
DEFAULT_PAYMENT_METHOD = "transfer"
PAYMENT_SOURCES = ("creditor_file", "bank_file")
EXTRA_PREFIX = "extra."
AMOUNT_FIELDS = ("balance", "capital", "interest", "fees")
PHONE_FIELDS = ("phone", "phone_2", "phone_3", "mobile")
EMAIL_FIELDS = ("email", "email_2")
ADDRESS_FIELDS = ("street", "city", "province", "postal_code")
CURRENCIES = {
    "$": "ARS",
    "PESOS": "ARS",
    "ARS": "ARS",
    "U$S": "USD",
    "US$": "USD",
    "USD": "USD",
    "DOLARES": "USD",
    "DÓLARES": "USD",
}
DEBTOR_KINDS = {
    "f": DebtorKind.PERSON,
    "pf": DebtorKind.PERSON,
    "fisica": DebtorKind.PERSON,
    "física": DebtorKind.PERSON,
    "persona": DebtorKind.PERSON,
    "person": DebtorKind.PERSON,
    "j": DebtorKind.COMPANY,
    "pj": DebtorKind.COMPANY,
    "juridica": DebtorKind.COMPANY,
    "jurídica": DebtorKind.COMPANY,
    "empresa": DebtorKind.COMPANY,
    "company": DebtorKind.COMPANY,
}


@dataclass(slots=True)
class RowIssue:
    line: int
    severity: str
    code: str
    message: str
    column: str = ""
    field: str = ""
    value: str = ""
    account_number: str = ""


@dataclass(slots=True)
class DebtorData:
    identity_key: str
    kind: str
    name: str
    cuit: str
    dni: str
    tax_id_as_written: str
    identity_status: str
    identity_issue: str


@dataclass(slots=True)
class ContactData:
    kind: str
    raw: str
    value: str
    status: str = ContactStatus.UNVERIFIED
    issue: str = ""
    phone_type: str = ""
    details: dict[str, str] = field(default_factory=dict)
    of_guarantor: bool = False


@dataclass(slots=True)
class GuarantorData:
    name: str
    cuit: str


@dataclass(slots=True)
class AccountRow:
    """One row of the file as the account it makes (or why it makes none)."""

    line: int
    number: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)
    portfolio_code: str = ""
    history: list[tuple[datetime.date, Decimal]] = field(default_factory=list)
    debtor: DebtorData | None = None
    contacts: list[ContactData] = field(default_factory=list)
    guarantor: GuarantorData | None = None
    issues: list[RowIssue] = field(default_factory=list)

    @property
    def is_rejected(self) -> bool:
        return any(issue.severity == IssueSeverity.ERROR for issue in self.issues)

    @property
    def has_warnings(self) -> bool:
        return any(issue.severity == IssueSeverity.WARNING for issue in self.issues)


@dataclass(frozen=True, slots=True)
class Source:
    """Where one field's value comes from: a column, or a fixed value."""

    field: str
    column: str = ""
    index: int = -1
    fixed: object = None
    transforms: tuple[Callable[[str], str], ...] = ()


@dataclass(frozen=True)
class ImportContext:
    """What the rows of one job share besides the profile."""

    creditor_id: int
    grace_days: int
    as_of: datetime.date
    default_area: str = ""


class RowMapper:
    """Turn rows of one file into ``AccountRow`` through a profile."""

    def __init__(
        self, profile: ImportProfile, layout: FileLayout, context: ImportContext
    ) -> None:
        self.kind = profile.kind
        self.decimal_separator = profile.decimal_separator or ","
        self.date_format = profile.date_format or "dd/mm/aaaa"
        self.context = context
        self.headers = layout.headers
        spec = check_profile(profile)
        positions = _header_positions(layout.headers)
        self._missing: list[str] = []
        # Lines of a payment file without references, by account, date and
        # amount, for the whole file (the mapper lives as long as the job).
        self._occurrences: dict[tuple[str, datetime.date, Decimal], int] = {}
        sources = [self._source(name, entry, positions) for name, entry in spec.items()]
        self.sources = [source for source in sources if source is not None]
        self.mapped = {source.field for source in self.sources}
        self.history = [
            (
                Source(
                    "history",
                    column=entry["column"],
                    index=self._position(entry["column"], positions, required=True),
                ),
                datetime.date.fromisoformat(entry["as_of"]),
            )
            for entry in profile.history or []
        ]
        if self._missing:
            shown = ", ".join(f"«{header}»" for header in self.headers)
            missing = ", ".join(f"«{column}»" for column in self._missing)
            label = (
                "falta la columna" if len(self._missing) == 1 else "faltan las columnas"
            )
            raise UnreadableFile(f"{label} {missing} (el archivo tiene: {shown})")

    def _position(self, column: str, positions: dict[str, int], required: bool) -> int:
        position = positions.get(normalise_header(column))
        if position == REPEATED:
            raise UnreadableFile(f"la columna «{column}» aparece más de una vez")
        if position is None and required:
            self._missing.append(column)
        return -1 if position is None else position

    def _source(
        self, name: str, entry: dict[str, Any], positions: dict[str, int]
    ) -> Source | None:
        transforms = tuple(TRANSFORMS[each] for each in _transform_names(entry))
        if "value" in entry:
            fixed = entry["value"]
            for each in transforms:
                fixed = each(cell_text(fixed))
            try:
                self._read(name, fixed)
            except ValueProblem as problem:
                raise ProfileError(
                    f"valor fijo de «{name}»: {problem.message}"
                ) from None
            return Source(name, fixed=fixed)
        required = entry.get("required", True) is not False
        index = self._position(entry["column"], positions, required)
        if index < 0:
            return None
        return Source(name, column=entry["column"], index=index, transforms=transforms)

    # -- one row ---------------------------------------------------------

    def map_row(self, line: int, cells: list[object]) -> AccountRow:
        row = AccountRow(line=line)
        found: dict[str, Any] = {}
        for source in self.sources:
            raw = self._cell(source, cells)
            try:
                found[source.field] = self._read(source.field, raw)
            except ValueProblem as problem:
                if self._reject(row, source, raw, problem) == IssueSeverity.WARNING:
                    # Too long for its column: kept as far as it fits.
                    spec = FIELDS.get(source.field, _TEXT)
                    kept = CONTROL_CHARACTERS.sub("", cell_text(raw))
                    found[source.field] = kept[: spec.max_length]
        row.number = found.get("account_number") or ""
        if not row.number and "account_number" not in _fields_in(row.issues):
            row.issues.append(
                RowIssue(
                    line,
                    IssueSeverity.ERROR,
                    "account_number_missing",
                    "falta el número de cuenta",
                    column=self.column_of("account_number"),
                    field="account_number",
                )
            )
        if self.kind == ImportKind.PAYMENTS:
            self._assemble_payment(row, found)
            for issue in row.issues:
                issue.account_number = row.number
            return row
        self._read_history(row, cells)
        self._assemble_account(row, found)
        for issue in row.issues:
            issue.account_number = row.number
        if row.is_rejected or self.kind != ImportKind.PORTFOLIO:
            return row
        self._assemble_debtor(row, found)
        self._assemble_contacts(row, found)
        for issue in row.issues:
            issue.account_number = row.number
        return row

    def _cell(self, source: Source, cells: list[object]) -> object:
        if source.index < 0:
            return source.fixed
        raw = cells[source.index] if source.index < len(cells) else None
        if source.transforms:
            raw = cell_text(raw)
            for each in source.transforms:
                raw = each(raw)
        return raw

    def _read(self, name: str, raw: object) -> Any:
        spec = FIELDS.get(name, _TEXT)
        if spec.kind == "text":
            text = cell_text(raw)
            if CONTROL_CHARACTERS.search(text):
                raise ValueProblem(
                    "text_control_characters",
                    "tiene caracteres de control (como NUL), que no son texto",
                )
            if len(text) > spec.max_length:
                raise ValueProblem(
                    "text_too_long",
                    f"«{text[:40]}…» supera los {spec.max_length} caracteres",
                )
            return text
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        if spec.kind == "amount":
            return parse_amount(raw, self.decimal_separator)
        if spec.kind == "date":
            return parse_date(raw, self.date_format)
        if spec.kind == "number":
            return parse_whole_number(raw)
        return parse_yes_no(raw)

    def _reject(
        self, row: AccountRow, source: Source, raw: object, problem: ValueProblem
    ) -> str:
        """Record a cell that cannot be read; return the issue's severity.

        Only account data can stop a row; anything else (a name too long
        for its column) is loaded as far as it goes and flagged.
        """
        severity = IssueSeverity.ERROR
        if (
            source.field != "history"
            and not FIELDS.get(source.field, _TEXT).account_field
        ):
            severity = IssueSeverity.WARNING
        row.issues.append(
            RowIssue(
                row.line,
                severity,
                problem.code,
                problem.message,
                column=source.column,
                field=source.field,
                value=cell_text(raw)[:ISSUE_VALUE_LENGTH],
            )
        )
        return severity

    def column_of(self, name: str) -> str:
        for source in self.sources:
            if source.field == name:
                return source.column
        return ""

    def _error(
        self, row: AccountRow, name: str, code: str, message: str, value: str = ""
    ) -> None:
        row.issues.append(
            RowIssue(
                row.line,
                IssueSeverity.ERROR,
                code,
                message,
                column=self.column_of(name),
                field=name,
                value=value[:ISSUE_VALUE_LENGTH],
            )
        )

    def _warn(
        self, row: AccountRow, name: str, code: str, message: str, value: str = ""
    ) -> None:
        row.issues.append(
            RowIssue(
                row.line,
                IssueSeverity.WARNING,
                code,
                message[:300],
                column=self.column_of(name),
                field=name,
                value=value[:ISSUE_VALUE_LENGTH],
            )
        )

    def _read_history(self, row: AccountRow, cells: list[object]) -> None:
        for source, as_of in self.history:
            raw = self._cell(source, cells)
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            try:
                row.history.append((as_of, parse_amount(raw, self.decimal_separator)))
            except ValueProblem as problem:
                self._reject(row, source, raw, problem)

    # -- the account -----------------------------------------------------

    def _assemble_account(self, row: AccountRow, found: dict[str, Any]) -> None:
        values = row.values
        self._assemble_amounts(row, found)
        if "credit_limit" in self.mapped:
            values["credit_limit"] = found.get("credit_limit")
        if "product" in self.mapped:
            values["product"] = found.get("product") or ""
        if "currency" in self.mapped:
            self._assemble_currency(row, found.get("currency") or "")
        if "is_legal" in self.mapped:
            values["is_legal"] = bool(found.get("is_legal"))
        as_of = found.get("balance_as_of")
        # A date that was there but wrong has already been reported.
        unreadable = "balance_as_of" in _fields_in(row.issues)
        if "balance_as_of" in self.mapped and as_of is None and not unreadable:
            self._error(
                row, "balance_as_of", "date_missing", "falta la fecha del saldo"
            )
        values["balance_as_of"] = as_of or self.context.as_of
        self._assemble_due_date(row, found)
        row.portfolio_code = found.get("portfolio") or ""
        for name, value in found.items():
            if name.startswith(EXTRA_PREFIX) and value:
                row.extra[name[len(EXTRA_PREFIX) :]] = value

    def _assemble_amounts(self, row: AccountRow, found: dict[str, Any]) -> None:
        if not self.mapped.intersection(AMOUNT_FIELDS):
            return
        if _fields_in(row.issues).intersection(AMOUNT_FIELDS):
            return
        interest = found.get("interest") or ZERO
        fees = found.get("fees") or ZERO
        principal = "balance" if "balance" in self.mapped else "capital"
        if found.get(principal) is None:
            what = "el saldo" if principal == "balance" else "el capital"
            self._error(row, principal, "amount_missing", f"falta {what}")
            return
        if principal == "capital":
            capital = found["capital"]
        elif "capital" in self.mapped:
            capital = found.get("capital") or ZERO
            if capital + interest + fees != found["balance"]:
                self._error(
                    row,
                    "balance",
                    "balance_mismatch",
                    f"el saldo {found['balance']} no es capital + intereses + "
                    f"gastos ({capital + interest + fees})",
                )
                return
        else:
            # With the balance and some of its parts, capital is the rest.
            capital = found["balance"] - interest - fees
        row.values.update(capital=capital, interest=interest, fees=fees)

    def _assemble_currency(self, row: AccountRow, written: str) -> None:
        code = CURRENCIES.get(written.upper(), written.upper())
        if not code:
            code = "ARS"
        if len(code) != 3 or not code.isalpha():
            self._error(
                row,
                "currency",
                "currency_invalid",
                f"«{written}» no es una moneda (ARS, USD, …)",
            )
            return
        row.values["currency"] = code

    def _assemble_due_date(self, row: AccountRow, found: dict[str, Any]) -> None:
        if not self.mapped.intersection(("due_date", "days_past_due")):
            return
        as_of = row.values["balance_as_of"]
        due_date = found.get("due_date")
        late = found.get("days_past_due")
        grace = self.context.grace_days
        if due_date is None and late:
            # The date from which the cycle, run as of the statement date,
            # counts exactly the days the file states.
            due_date = as_of - datetime.timedelta(days=late + grace)
        if late is None:
            late = days_past_due(due_date, as_of, grace)
        row.values.update(due_date=due_date, days_past_due=late)

    # -- a payment ---------------------------------------------------------

    def _assemble_payment(self, row: AccountRow, found: dict[str, Any]) -> None:
        """Check a payment line: positive cents, a date not ahead, a reference.

        A cell that could not be read is already reported; only what was
        read and is still wrong is added here.
        """
        bad = _fields_in(row.issues)
        amount = found.get("amount")
        if amount is None and "amount" not in bad:
            self._error(row, "amount", "amount_missing", "falta el importe")
        elif amount is not None and amount <= 0:
            self._error(
                row,
                "amount",
                "amount_not_positive",
                f"el importe {amount} no es positivo: un pago suma, no resta",
                value=str(amount),
            )
        elif amount is not None and amount > MAX_PAYMENT:
            self._error(
                row,
                "amount",
                "amount_too_large",
                f"el importe {format_money(amount)} pasa del máximo de un pago "
                f"({format_money(MAX_PAYMENT)})",
                value=str(amount),
            )
        value_date = found.get("value_date")
        if value_date is None and "value_date" not in bad:
            self._error(row, "value_date", "date_missing", "falta la fecha del pago")
        elif value_date is not None and value_date > self.context.as_of:
            self._error(
                row,
                "value_date",
                "date_in_future",
                f"la fecha del pago {value_date:%d/%m/%Y} es posterior a hoy "
                f"({self.context.as_of:%d/%m/%Y})",
                value=f"{value_date:%d/%m/%Y}",
            )
        reference = found.get("reference") or ""
        if "reference" not in self.mapped:
            if not row.is_rejected:
                reference = self._fallback_reference(row.number, value_date, amount)
        elif not reference and "reference" not in bad:
            self._error(
                row, "reference", "reference_missing", "falta la referencia del pago"
            )
        written = found.get("method") or ""
        method = PAYMENT_METHODS.get(written.casefold(), DEFAULT_PAYMENT_METHOD)
        if written and written.casefold() not in PAYMENT_METHODS:
            self._warn(
                row,
                "method",
                "method_unknown",
                f"medio de pago «{written}» desconocido: se tomó transferencia",
                written,
            )
        row.values.update(
            amount=amount, value_date=value_date, reference=reference, method=method
        )

    def _fallback_reference(
        self, number: str, value_date: datetime.date, amount: Decimal
    ) -> str:
        """Return the key of a payment in a file without references.

        Account, date and amount, and how many times the file has met them
        so far: two real payments alike in one file are two keys, and the
        same file (or an overlapping one) read again meets the same keys in
        the same order (case C05).
        """
        seen = (number, value_date, amount)
        self._occurrences[seen] = self._occurrences.get(seen, 0) + 1
        key = f"{number}/{value_date:%Y%m%d}/{amount}/{self._occurrences[seen]}"
        if len(key) > REFERENCE_LENGTH:
            key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
        return key

    # -- the debtor and how to reach them ----------------------------------

    def _assemble_debtor(self, row: AccountRow, found: dict[str, Any]) -> None:
        written = found.get("tax_id") or ""
        check = check_tax_id(written)
        if written and check.status == IdentityStatus.INVALID:
            self._warn(row, "tax_id", "tax_id_invalid", check.issue, written)
        if check.cuit:
            key = f"cuit:{check.cuit}"
        elif check.dni:
            key = f"dni:{check.dni}"
        else:
            own = found.get("customer_number") or row.number
            key = f"ext:{self.context.creditor_id}:{own}"
        name = found.get("debtor_name") or ""
        if "debtor_name" in self.mapped and not name:
            self._warn(row, "debtor_name", "name_missing", "falta el nombre del deudor")
        row.debtor = DebtorData(
            identity_key=key,
            kind=self._debtor_kind(row, found, check.kind),
            name=name,
            cuit=check.cuit,
            dni=check.dni,
            tax_id_as_written=written,
            identity_status=check.status if written else IdentityStatus.MISSING,
            identity_issue=check.issue if written else "",
        )

    def _debtor_kind(self, row: AccountRow, found: dict[str, Any], checked: str) -> str:
        written = found.get("debtor_kind") or ""
        if written:
            kind = DEBTOR_KINDS.get(written.casefold())
            if kind:
                return kind
            self._warn(
                row,
                "debtor_kind",
                "debtor_kind_unknown",
                f"«{written}» no es persona física (F) ni jurídica (J)",
                written,
            )
        return checked or DebtorKind.PERSON

    def _assemble_contacts(self, row: AccountRow, found: dict[str, Any]) -> None:
        for name in PHONE_FIELDS:
            if found.get(name):
                self._add_phone(row, name, found[name], of_guarantor=False)
        for name in EMAIL_FIELDS:
            if found.get(name):
                self._add_email(row, name, found[name])
        parts = {name: found.get(name) or "" for name in ADDRESS_FIELDS}
        if any(parts.values()):
            written = ", ".join(part for part in parts.values() if part)
            row.contacts.append(
                ContactData(
                    kind=ContactKind.ADDRESS,
                    raw=written[:300],
                    value=" ".join(written.casefold().split())[:300],
                    details={name: part for name, part in parts.items() if part},
                )
            )
        self._assemble_guarantor(row, found)

    def _add_phone(
        self, row: AccountRow, name: str, written: str, *, of_guarantor: bool
    ) -> None:
        check = normalise_phone(written, self.context.default_area or None)
        if check.status != ContactStatus.UNVERIFIED:
            self._warn(row, name, f"phone_{check.status}", check.issue, written)
        details = {"column": self.column_of(name)}
        if check.national:
            details["national"] = check.national
        row.contacts.append(
            ContactData(
                kind=ContactKind.PHONE,
                raw=written[:300],
                value=(check.e164 or written)[:300],
                status=check.status,
                issue=check.issue[:200],
                phone_type=check.phone_type if check.e164 else "",
                details=details,
                of_guarantor=of_guarantor,
            )
        )

    def _add_email(self, row: AccountRow, name: str, written: str) -> None:
        check = normalise_email(written)
        if check.status != ContactStatus.UNVERIFIED:
            self._warn(row, name, f"email_{check.status}", check.issue, written)
        row.contacts.append(
            ContactData(
                kind=ContactKind.EMAIL,
                raw=written[:300],
                value=(check.value or written.casefold())[:300],
                status=check.status,
                issue=check.issue[:200],
                details={"column": self.column_of(name)},
            )
        )

    def _assemble_guarantor(self, row: AccountRow, found: dict[str, Any]) -> None:
        name = found.get("guarantor_name") or ""
        written = found.get("guarantor_tax_id") or ""
        phone = found.get("guarantor_phone") or ""
        if not name:
            if written or phone:
                self._warn(
                    row,
                    "guarantor_name",
                    "guarantor_name_missing",
                    "garante sin nombre: no se cargó",
                )
            return
        check = check_tax_id(written)
        if written and check.status == IdentityStatus.INVALID:
            self._warn(
                row,
                "guarantor_tax_id",
                "guarantor_tax_id_invalid",
                check.issue,
                written,
            )
        row.guarantor = GuarantorData(name=name, cuit=check.cuit)
        if phone:
            self._add_phone(row, "guarantor_phone", phone, of_guarantor=True)


def _fields_in(issues: Iterable[RowIssue]) -> set[str]:
    return {issue.field for issue in issues if issue.severity == IssueSeverity.ERROR}


def _header_positions(headers: list[str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    repeated: set[str] = set()
    for index, header in enumerate(headers):
        key = normalise_header(header)
        if key in positions:
            repeated.add(key)
        else:
            positions[key] = index
    for key in repeated:
        # A repeated header cannot be told apart; mapping it is an error.
        positions[key] = REPEATED
    return positions


def _transform_names(entry: dict[str, Any]) -> list[str]:
    names = entry.get("transform") or []
    return [names] if isinstance(names, str) else list(names)


def check_profile(profile: ImportProfile) -> dict[str, dict[str, Any]]:
    """Return the profile's columns in their long form, or raise ProfileError."""
    if not isinstance(profile.columns, dict):
        raise ProfileError("el mapeo de columnas debe ser un objeto JSON")
    spec: dict[str, dict[str, Any]] = {}
    for name, entry in profile.columns.items():
        entry = {"column": entry} if isinstance(entry, str) else entry
        if name not in FIELDS and not (
            name.startswith(EXTRA_PREFIX) and len(name) > len(EXTRA_PREFIX)
        ):
            raise ProfileError(f"campo desconocido en el perfil: «{name}»")
        if not isinstance(entry, dict) or not ("column" in entry or "value" in entry):
            raise ProfileError(f"«{name}»: se espera {{'column': …}} o {{'value': …}}")
        for each in _transform_names(entry):
            if each not in TRANSFORMS:
                known = ", ".join(TRANSFORMS)
                raise ProfileError(
                    f"«{name}»: transformación desconocida «{each}» (hay: {known})"
                )
        spec[name] = entry
    # JSON objects keep no order in PostgreSQL; the fields' own order makes
    # every report the same whatever the database.
    order = {name: position for position, name in enumerate(FIELDS)}
    spec = dict(
        sorted(spec.items(), key=lambda item: (order.get(item[0], 99), item[0]))
    )
    if "account_number" not in spec:
        raise ProfileError("el perfil no mapea el número de cuenta (account_number)")
    _check_payment_fields(profile.kind, spec)
    if profile.decimal_separator not in {",", "."}:
        raise ProfileError("el separador decimal debe ser «,» o «.»")
    if profile.date_format and profile.date_format not in DATE_FORMATS:
        raise ProfileError(
            f"formato de fecha desconocido «{profile.date_format}» "
            f"(hay: {', '.join(DATE_FORMATS)})"
        )
    _check_history(profile.history)
    return spec


def _check_history(history: object) -> None:
    if not history:
        return
    if not isinstance(history, list):
        raise ProfileError("el historial debe ser una lista")
    for entry in history:
        try:
            datetime.date.fromisoformat(entry["as_of"])
            str(entry["column"])
        except (KeyError, TypeError, ValueError):
            raise ProfileError(
                "cada columna de historial es {'column': …, 'as_of': 'AAAA-MM-DD'}"
            ) from None


def _check_payment_fields(kind: str, spec: dict[str, dict[str, Any]]) -> None:
    """A payment profile maps what a payment needs, and only a payment
    profile maps payment fields."""
    if kind != ImportKind.PAYMENTS:
        stray = [name for name in PAYMENT_FIELDS if name in spec]
        if stray:
            raise ProfileError(
                f"«{stray[0]}» es un campo de archivos de pagos: este perfil no es "
                "de pagos"
            )
        return
    missing = [name for name in REQUIRED_PAYMENT_FIELDS if name not in spec]
    if missing:
        raise ProfileError(
            "un perfil de pagos mapea número de cuenta, importe y fecha (y la "
            f"referencia si el archivo la trae); falta: {', '.join(missing)}"
        )
    source = spec.get("payment_source", {"value": "creditor_file"})
    if source.get("value") not in PAYMENT_SOURCES:
        raise ProfileError(
            "el origen de los pagos (payment_source) es un valor fijo: "
            f"{' o '.join(PAYMENT_SOURCES)}"
        )
