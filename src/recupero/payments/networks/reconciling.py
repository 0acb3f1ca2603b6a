"""Reconcile a Pago Mis Cuentas rendition (COB file) with the bills published.

Each payment line of the file is one of:

- **matched**: its reference and bill are a bill the creditor published
  (``publishing.py``); the payment is posted to that bill's account;
- **unmatched**: no such bill (another company's debtor, a bill published
  by hand, a typo at the network); reported, not applied;
- **duplicate**: the same payment was already applied, by an earlier file
  or by an earlier line of this one; reported, not applied again.

**What makes a payment the same payment.** The COB file has no
transaction id of its own that is known to be unique (the 4-character
control number is too short to be one). A payment is therefore known by
what it says: reference, bill, payment date, amount, channel and control
number (``payment_key``), not by the file or the line it came in. The same
payment sent again in another day's file, or a corrected file under
another name, is found as a duplicate. The price: two payments of the same
bill on the same day, of the same amount, through the same channel and
with the same control number are taken as one; the second is reported as
a duplicate for a person to look at, never applied silently twice.

The same file (same SHA-256) is refused whole the second time, whatever
its name. A file whose trailer does not add up is refused whole by
``pmc.read_cob`` before anything is looked up.
"""

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, TypedDict
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from recupero.access.audit import record_audit
from recupero.access.models import AuditAction
from recupero.payments.models import (
    PaymentMethod,
    PaymentSource,
    PublishedDebt,
    Rendition,
)
from recupero.payments.networks import pmc
from recupero.payments.posting import PaymentRow, PostingResult, post_payments
from recupero.portfolios.importing.loading import in_batches
from recupero.portfolios.models import Creditor

logger = logging.getLogger(__name__)

NETWORK = PaymentSource.PAGO_MIS_CUENTAS
MATCHED = "matched"
UNMATCHED = "unmatched"
DUPLICATE = "duplicate"


class ReconciliationError(ValueError):
    """A rendition refused whole; ``str()`` is Spanish and names the file."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


class LineReport(TypedDict):
    """One payment line of a rendition as ``Rendition.report`` keeps it.

    ``status`` is matched, unmatched or duplicate; ``reason`` says why a
    line was not matched (unknown_reference, unknown_bill, zero_amount);
    ``amount_differs`` marks a payment applied whose amount is none of its
    bill's amounts; ``payment`` is the payment that applied it (or, for a
    duplicate, the one applied before), ``duplicate_of_line`` the earlier
    line of the same file it repeats.
    """

    line: int
    status: str
    reason: str
    reference: str
    bill: str
    amount: str
    paid_on: str
    key: str
    account: int | None
    payment: int | None
    duplicate_of_line: int | None
    amount_differs: bool


def payment_key(payment: pmc.NetworkPayment) -> str:
    """Return the payment's reference for ``Payment.reference``.

    ``<reference>/<bill>/<AAAAMMDD paid>/<cents, 11>/<channel, 2><control, 4>``:
    the last parts have fixed widths (short values padded with ``_``) and
    our bills never hold a ``/``, so two different payments cannot write
    the same key. At most 68 characters, within the 80 of the column.
    """
    cents = int(payment.amount.scaleb(2))
    return (
        f"{payment.reference}/{payment.bill}/{payment.paid_on:%Y%m%d}/"
        f"{cents:011d}/{payment.channel:_<2}{payment.control:_<4}"
    )


def fingerprint(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def reconcile_rendition(
    creditor: Creditor, path: Path, *, user: AbstractBaseUser | None = None
) -> Rendition:
    """Read a COB file, post its matched payments and return its report.

    Raises ``RecordError`` for a file that cannot be read (naming the
    line and field) and ``ReconciliationError`` for a file already
    reconciled or of a company the creditor never published with; then
    nothing is posted and no rendition is recorded.
    """
    path = Path(path)
    content = path.read_bytes()
    collections = pmc.read_cob(content, path.name)
    sha256 = fingerprint(content)

    with transaction.atomic():
        # One rendition at a time per creditor: the check below and the
        # insert of the rendition must not interleave with another's.
        Creditor.objects.select_for_update().filter(pk=creditor.pk).first()
        check_not_reconciled(creditor, sha256, path.name)
        check_company(creditor, collections)
        lines = _match(creditor, collections.payments)
        posted = _post(creditor, lines, user)
        rendition = _record(creditor, path.name, sha256, lines, posted, user)
    logger.info(
        "rendition %s: %s matched, %s unmatched, %s duplicates",
        rendition.pk,
        rendition.matched,
        rendition.unmatched,
        rendition.duplicates,
        extra={"creditor_id": creditor.pk, "rendition_id": rendition.pk},
    )
    return rendition


def check_not_reconciled(creditor: Creditor, sha256: str, file_name: str) -> None:
    """Raise ``ReconciliationError`` if this very file was reconciled before."""
    earlier = (
        Rendition.objects.filter(creditor=creditor, network=NETWORK, sha256=sha256)
        .order_by("received_at")
        .first()
    )
    if earlier is None:
        return
    received = timezone.localtime(earlier.received_at, ZoneInfo(creditor.time_zone))
    also = "" if earlier.file_name == file_name else f" como {earlier.file_name}"
    raise ReconciliationError(
        "already_reconciled",
        f"archivo {file_name}: ya se concilió el {received:%d/%m/%Y a las %H:%M}"
        f"{also}; no se aplica dos veces",
    )


def check_company(creditor: Creditor, collections: pmc.CollectionsFile) -> None:
    """Raise ``ReconciliationError`` if the file is of another company code.

    A COB file only pays bills of FAC files of its own company; a file of
    another company is most likely another creditor's.
    """
    prefix = pmc.fac_file_name(collections.company, collections.generated_on)[:8]
    published = PublishedDebt.objects.filter(
        creditor=creditor, network=NETWORK, file_name__startswith=prefix
    )
    if not published.exists():
        raise ReconciliationError(
            "unknown_company",
            f"archivo {collections.file_name}: es de la empresa "
            f"{collections.company:04d} y {creditor.name} no publicó deudas en "
            "Pago Mis Cuentas con ese código",
        )


@dataclass(frozen=True)
class Bill:
    account_id: int
    amounts: frozenset[Decimal]


@dataclass
class Line:
    payment: pmc.NetworkPayment
    report: LineReport
    bill: Bill | None


def _published_bills(
    creditor: Creditor, payments: Sequence[pmc.NetworkPayment]
) -> dict[tuple[str, str], Bill]:
    """Return the published bills the payments name, by (reference, bill)."""
    found: dict[tuple[str, str], Bill] = {}
    references = sorted({payment.reference for payment in payments})
    for batch in in_batches(references):
        rows = PublishedDebt.objects.filter(
            creditor=creditor, network=NETWORK, reference__in=batch
        ).values_list(
            "reference",
            "bill",
            "account_id",
            "first_amount",
            "second_amount",
            "third_amount",
        )
        for reference, bill, account_id, *amounts in rows:
            found[reference, bill] = Bill(
                account_id, frozenset(a for a in amounts if a is not None)
            )
    return found


def _match(creditor: Creditor, payments: Sequence[pmc.NetworkPayment]) -> list[Line]:
    """Return each payment line with its published bill, if there is one."""
    bills = _published_bills(creditor, payments)
    known_references = {reference for reference, _bill in bills}
    lines = []
    for payment in payments:
        bill = bills.get((payment.reference, payment.bill))
        report = _line_report(payment)
        if bill is None:
            report["status"] = UNMATCHED
            report["reason"] = (
                "unknown_bill"
                if payment.reference in known_references
                else "unknown_reference"
            )
        elif not payment.amount:
            report["status"] = UNMATCHED
            report["reason"] = "zero_amount"
            bill = None
        else:
            report["account"] = bill.account_id
            report["amount_differs"] = payment.amount not in bill.amounts
        lines.append(Line(payment, report, bill))
    return lines


def _line_report(payment: pmc.NetworkPayment) -> LineReport:
    return LineReport(
        line=payment.line,
        status=MATCHED,
        reason="",
        reference=payment.reference,
        bill=payment.bill,
        amount=str(payment.amount),
        paid_on=payment.paid_on.isoformat(),
        key=payment_key(payment),
        account=None,
        payment=None,
        duplicate_of_line=None,
        amount_differs=False,
    )


def _post(
    creditor: Creditor, lines: list[Line], user: AbstractBaseUser | None
) -> PostingResult:
    """Post the lines with a bill; mark those posting finds already applied.

    The payment's value date is the day the debtor paid, not the day the
    network credited the creditor: interest stops when the debtor pays.
    """
    to_post = [line for line in lines if line.bill is not None]
    rows = [
        PaymentRow(
            account_id=line.bill.account_id,
            reference=line.report["key"],
            method=PaymentMethod.NETWORK,
            amount=line.payment.amount,
            value_date=line.payment.paid_on,
        )
        for line in to_post
        if line.bill is not None
    ]
    result = post_payments(creditor, rows, source=NETWORK, taken_by=user)

    # ``payment_ids`` follow the batch's order, duplicates left out.
    refused = {duplicate.index for duplicate in result.duplicates}
    applied = [line for index, line in enumerate(to_post) if index not in refused]
    for line, payment_id in zip(applied, result.payment_ids, strict=True):
        line.report["payment"] = payment_id
    for duplicate in result.duplicates:
        report = to_post[duplicate.index].report
        report["status"] = DUPLICATE
        report["payment"] = duplicate.payment_id
        if duplicate.first_index is not None:
            first = to_post[duplicate.first_index].report
            report["duplicate_of_line"] = first["line"]
            report["payment"] = first["payment"]
    return result


def _record(
    creditor: Creditor,
    file_name: str,
    sha256: str,
    lines: list[Line],
    posted: PostingResult,
    user: AbstractBaseUser | None,
) -> Rendition:
    report = [line.report for line in lines]
    rendition = Rendition.objects.create(
        creditor=creditor,
        network=NETWORK,
        file_name=file_name,
        sha256=sha256,
        received_by=user,
        matched=len(posted.payment_ids),
        unmatched=sum(1 for each in report if each["status"] == UNMATCHED),
        duplicates=len(posted.duplicates),
        matched_amount=sum(
            (line.payment.amount for line in lines if line.report["status"] == MATCHED),
            Decimal("0.00"),
        ),
        report=report,
    )
    record_audit(
        user,
        AuditAction.CREATE,
        obj=rendition,
        changes={
            "network": NETWORK.value,
            "file_name": file_name,
            "matched": rendition.matched,
            "unmatched": rendition.unmatched,
            "duplicates": rendition.duplicates,
        },
    )
    return rendition


def report_lines(rendition: Rendition, status: str) -> list[dict[str, Any]]:
    """Return the report's lines of one status, in file order."""
    return [line for line in rendition.report if line["status"] == status]
