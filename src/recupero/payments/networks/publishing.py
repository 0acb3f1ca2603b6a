"""Publish a portfolio's debts to Pago Mis Cuentas: the FAC file and its rows.

A publication offers every account with something to pay as one bill:
the debtor's reference (the account number, what the debtor knows from
the creditor's statements), a bill id shared by the whole publication
(its date and a counter) and up to two due dates. Each bill is kept as a
``PublishedDebt`` so that the rendition's payments can be matched back to
their account (``reconciling.py``).

It is set-based: the accounts are streamed from the database, each line is
written to the file as it is read and the rows are inserted in chunks, so a
portfolio of a million accounts needs neither a million objects nor the
whole file in memory.
"""

import datetime
import logging
import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone

from recupero.access.audit import record_audit
from recupero.access.models import AuditAction
from recupero.formatting import format_money
from recupero.payments.models import PaymentSource, PublishedDebt
from recupero.payments.networks import pmc
from recupero.payments.networks.layouts import RecordError
from recupero.portfolios.importing.loading import insert_rows
from recupero.portfolios.models import AccountQuerySet, Creditor

logger = logging.getLogger(__name__)

NETWORK = PaymentSource.PAGO_MIS_CUENTAS
CHUNK = 2000
# The bills are inserted as plain rows, many to a statement (COPY on
# PostgreSQL): a model instance per bill costs more than writing its line.
ROW_FIELDS = (
    "creditor",
    "account",
    "network",
    "reference",
    "bill",
    "first_due",
    "first_amount",
    "second_due",
    "second_amount",
    "file_name",
    "published_at",
)
REFERENCE_LENGTH = pmc.FAC_DETAIL.by_name["reference"].length
LARGEST_AMOUNT = pmc.FAC_DETAIL.by_name["first_amount"].largest_amount
# Why an account with a balance was left out, in Spanish for the report.
SKIP_REASONS = {
    "long_number": f"número de cuenta de más de {REFERENCE_LENGTH} caracteres",
    "not_ascii": "número de cuenta con caracteres fuera del ASCII imprimible",
    "too_large": f"saldo mayor que {format_money(LARGEST_AMOUNT)}",
}
# How many account numbers of each reason the result keeps, to show them.
SKIPPED_EXAMPLES = 5


class PublicationError(ValueError):
    """A publication refused before anything was written; ``str()`` is Spanish."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


@dataclass
class Publication:
    """What a publication wrote: the file, its bill and what it left out."""

    creditor_id: int
    path: Path
    file_name: str
    bill: str
    published: int = 0
    total: Decimal = Decimal("0.00")
    skipped: Counter[str] = field(default_factory=Counter)
    # A few account numbers per reason in ``skipped``, never all of them.
    skipped_examples: dict[str, list[str]] = field(default_factory=dict)


def publish_debts(
    creditor: Creditor,
    accounts: AccountQuerySet,
    *,
    company_code: int,
    first_due: datetime.date,
    second_due: datetime.date | None = None,
    surcharge: Decimal = Decimal("0.00"),
    file_dir: Path,
    user: AbstractBaseUser | None = None,
    on: datetime.date | None = None,
) -> Publication:
    """Write the FAC file of ``accounts`` with a balance and record each bill.

    Only the creditor's accounts in pesos with a positive balance are
    published; the amount at the first due date is the balance, at the
    second the balance plus ``surcharge``. ``on`` is the file's date
    (today in the creditor's time zone by default). Raises
    ``PublicationError`` for dates or options that cannot be published and
    ``RecordError`` for a value that does not fit the layout; either
    way no file and no row stays behind.
    """
    on = on or timezone.localdate(timezone=ZoneInfo(creditor.time_zone))
    check_dues(on, first_due, second_due, surcharge)
    file_name = pmc.fac_file_name(company_code, on)
    path = Path(file_dir) / file_name
    path.parent.mkdir(parents=True, exist_ok=True)
    written = False
    try:
        with transaction.atomic():
            # One publication at a time per creditor: the bill counter and
            # the check that the file is new would otherwise race.
            Creditor.objects.select_for_update().filter(pk=creditor.pk).first()
            check_new_file(path)
            bill = next_bill(creditor, on)
            publication = Publication(creditor.pk, path, file_name, bill)
            rows = _publishable(creditor, accounts, surcharge, publication)
            dues = Dues(first_due, second_due, surcharge)
            _write_file(path, company_code, on, bill, dues, rows, publication)
            written = True
            record_audit(
                user,
                AuditAction.EXPORT,
                obj=creditor,
                changes={
                    "network": NETWORK.value,
                    "file_name": file_name,
                    "bill": bill,
                    "published": publication.published,
                },
            )
    except BaseException:
        # A file whose bills were rolled back must not be sent.
        if written:
            path.unlink(missing_ok=True)
        raise
    logger.info(
        "published %s debts in %s",
        publication.published,
        file_name,
        extra={"creditor_id": creditor.pk},
    )
    return publication


def check_new_file(path: Path) -> None:
    """Raise ``PublicationError`` if ``path`` exists: it may have been sent."""
    if path.exists():
        raise PublicationError(
            "file_exists",
            f"{path} ya existe: no se reemplaza un archivo que quizás ya se "
            "envió; elegí otra carpeta",
        )


def check_dues(
    on: datetime.date,
    first_due: datetime.date,
    second_due: datetime.date | None,
    surcharge: Decimal,
) -> None:
    """Raise ``PublicationError`` for due dates PMC could not offer."""
    if first_due < on:
        raise PublicationError(
            "due_in_the_past",
            f"el 1er vencimiento ({first_due:%d/%m/%Y}) es anterior a la fecha "
            f"del archivo ({on:%d/%m/%Y})",
        )
    if second_due is None:
        if surcharge:
            raise PublicationError(
                "surcharge_without_due", "un recargo necesita un 2do vencimiento"
            )
        return
    if second_due <= first_due:
        raise PublicationError(
            "dues_out_of_order",
            f"el 2do vencimiento ({second_due:%d/%m/%Y}) debe ser posterior al "
            f"1ro ({first_due:%d/%m/%Y})",
        )
    if surcharge < 0:
        raise PublicationError("negative_surcharge", "el recargo no puede ser negativo")


def next_bill(creditor: Creditor, on: datetime.date) -> str:
    """Return the bill id of the creditor's next publication of the day.

    ``AAAAMMDD-NN``: the file's date and a counter from 01, so that a
    second publication the same day (a correction) is a new bill and a
    payment is always matched to the bill the debtor saw.
    """
    prefix = f"{on:%Y%m%d}-"
    bills = (
        PublishedDebt.objects.filter(
            creditor=creditor, network=NETWORK, bill__startswith=prefix
        )
        .values_list("bill", flat=True)
        .distinct()
    )
    used = [int(bill[len(prefix) :]) for bill in bills if bill[len(prefix) :].isdigit()]
    return f"{prefix}{max(used, default=0) + 1:02d}"


@dataclass(frozen=True)
class Dues:
    first: datetime.date
    second: datetime.date | None
    surcharge: Decimal

    def of(self, balance: Decimal) -> tuple[pmc.Due, ...]:
        first = pmc.Due(self.first, balance)
        if self.second is None:
            return (first,)
        return (first, pmc.Due(self.second, balance + self.surcharge))


def _publishable(
    creditor: Creditor,
    accounts: AccountQuerySet,
    surcharge: Decimal,
    publication: Publication,
) -> Iterator[tuple[int, str, Decimal]]:
    """Yield (account id, reference, balance) of each account to publish.

    Accounts left out are counted in ``publication.skipped``.
    """
    rows = (
        accounts.filter(creditor=creditor, currency="ARS")
        .with_balance()
        .filter(balance__gt=0)
        .order_by("pk")
        .values_list("pk", "number", "balance")
    )
    for pk, number, balance in rows.iterator(chunk_size=CHUNK):
        reason = skip_reason(number, balance + surcharge)
        if reason:
            publication.skipped[reason] += 1
            examples = publication.skipped_examples.setdefault(reason, [])
            if len(examples) < SKIPPED_EXAMPLES:
                examples.append(number)
            continue
        yield pk, number, Decimal(balance).quantize(Decimal("0.01"))


def skip_reason(number: str, highest_amount: Decimal) -> str:
    """Return why an account cannot be published, or "" if it can.

    The reference is the account number as it is: shortening or cleaning
    it could make two accounts one, and the debtor types what the
    creditor's statement shows.
    """
    if not number.isascii() or not number.isprintable() or number != number.strip():
        return "not_ascii"
    if len(number) > REFERENCE_LENGTH:
        return "long_number"
    # Left out rather than refusing the whole file for one huge account.
    if highest_amount > LARGEST_AMOUNT:
        return "too_large"
    return ""


def _write_file(
    path: Path,
    company_code: int,
    on: datetime.date,
    bill: str,
    dues: Dues,
    rows: Iterator[tuple[int, str, Decimal]],
    publication: Publication,
) -> None:
    """Write the FAC file line by line and insert its bills in chunks.

    The file is written under a temporary name and renamed only when
    complete; on any error it is removed and the caller's transaction
    undoes the rows.
    """
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".FAC-", text=False)
    try:
        with os.fdopen(handle, "w", encoding="ascii", newline="") as out:
            _write_records(out, company_code, on, bill, dues, rows, publication)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _write_records(
    out: IO[str],
    company_code: int,
    on: datetime.date,
    bill: str,
    dues: Dues,
    rows: Iterator[tuple[int, str, Decimal]],
    publication: Publication,
) -> None:
    head: dict[str, Any] = {"company": company_code, "date": on}
    try:
        out.write(pmc.FAC_HEADER.write(head) + pmc.LINE_END)
    except RecordError as error:
        raise error.located(line=1, file_name=publication.file_name) from None
    published_at = connection.ops.adapt_datetimefield_value(timezone.now())
    batch: list[tuple[object, ...]] = []
    for line, (account_id, reference, balance) in enumerate(rows, start=2):
        debt = pmc.PublishedDebt(reference=reference, bill=bill, dues=dues.of(balance))
        try:
            # pmc's own mapping of a debt to the detail's fields, so that this
            # streaming writer and ``pmc.write_fac`` cannot drift apart.
            values = pmc._fac_values(debt)
            out.write(pmc.FAC_DETAIL.write(values) + pmc.LINE_END)
        except RecordError as error:
            raise error.located(line=line, file_name=publication.file_name) from None
        batch.append(_row(publication, account_id, debt, published_at))
        publication.published += 1
        publication.total += balance
        if len(batch) >= CHUNK:
            insert_rows(PublishedDebt, ROW_FIELDS, batch)
            batch = []
    insert_rows(PublishedDebt, ROW_FIELDS, batch)
    trailer = {**head, "count": publication.published, "total": publication.total}
    out.write(pmc.FAC_TRAILER.write(trailer) + pmc.LINE_END)


def _row(
    publication: Publication,
    account_id: int,
    debt: pmc.PublishedDebt,
    published_at: object,
) -> tuple[object, ...]:
    """Return the ``PublishedDebt`` of one debt, in ``ROW_FIELDS`` order."""
    first, *later = debt.dues
    second = later[0] if later else None
    return (
        publication.creditor_id,
        account_id,
        NETWORK.value,
        debt.reference,
        debt.bill,
        first.on,
        first.amount,
        second.on if second else None,
        second.amount if second else None,
        publication.file_name,
        published_at,
    )
