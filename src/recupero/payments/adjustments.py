"""Credits that are not payments: a discount (quita) and a write-off (castigo).

Both lower what an account owes without money coming in: a discount
agreed with the debtor, or a debt the creditor gives up on. Each posts
credit entries to the ledger, part by part in the creditor's allocation
order (what a payment would pay first goes first), and the account's
amounts follow in the same transaction. An account left owing nothing is
settled, as when a payment pays it off.
"""

import datetime
import logging
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from recupero.access.audit import record_audit
from recupero.access.models import AuditAction
from recupero.collections.states import Event
from recupero.collections.transitions import apply_event, refresh_debtor_states
from recupero.formatting import format_money
from recupero.payments.ledger import component_sums
from recupero.payments.models import (
    ACCOUNT_COLUMN,
    Component,
    EntryKind,
    LedgerEntry,
    MoneySettings,
    default_waterfall,
)
from recupero.portfolios.cycle import business_date
from recupero.portfolios.models import Account

logger = logging.getLogger(__name__)

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
KINDS = (EntryKind.DISCOUNT, EntryKind.WRITE_OFF)


@transaction.atomic
def credit_off(
    account: Account,
    *,
    kind: str,
    on: datetime.date,
    reason: str,
    amount: Decimal | None = None,
    by: AbstractBaseUser | None = None,
) -> list[LedgerEntry]:
    """Take ``amount`` (all that is owed when None) off ``account``'s debt.

    ``kind`` is a discount or a write-off. Raise ``ValidationError`` when
    the amount is not positive cents, is more than the account owes, or
    there is no reason; nothing is posted then.
    """
    if kind not in KINDS:
        raise ValueError(f"not a credit adjustment: {kind}")
    if not reason.strip():
        raise ValidationError("Escribí el motivo.", code="adjustment_reason")
    locked = Account.objects.select_for_update().get(pk=account.pk)
    if on > business_date(locked.creditor, timezone.now()):
        raise ValidationError(
            "La fecha no puede ser futura (%(on)s).",
            code="adjustment_date",
            params={"on": on.strftime("%d/%m/%Y")},
        )
    owed = _owed_by_component(locked)
    total = sum(owed.values(), ZERO)
    amount = total if amount is None else amount
    if total <= 0:
        raise ValidationError(
            "La cuenta no debe nada: no hay qué quitar ni castigar.",
            code="adjustment_amount",
        )
    if amount <= 0 or amount != amount.quantize(CENT):
        raise ValidationError(
            "El importe debe ser positivo, en pesos y centavos.",
            code="adjustment_amount",
        )
    if amount > total:
        raise ValidationError(
            "El importe no puede pasar de lo que la cuenta debe, %(owed)s.",
            code="adjustment_amount",
            params={"owed": format_money(max(total, ZERO))},
        )

    entries = []
    left = amount
    for component in _order(locked):
        share = min(left, owed.get(component, ZERO))
        if share > 0:
            entries.append(
                LedgerEntry(
                    account=locked,
                    value_date=on,
                    kind=kind,
                    component=component,
                    amount=-share,
                    note=reason.strip()[:200],
                )
            )
            left -= share
    LedgerEntry.objects.bulk_create(entries)
    lowered: dict[str, Decimal] = {}
    for entry in entries:
        column = ACCOUNT_COLUMN[entry.component]
        lowered[column] = lowered.get(column, ZERO) - entry.amount
    Account.objects.filter(pk=locked.pk).update(
        **{column: F(column) - value for column, value in lowered.items()},
        updated_at=timezone.now(),
    )

    one = Account.objects.filter(pk=locked.pk)
    if amount == total:
        apply_event(one, Event.PAID_IN_FULL, at=timezone.now())
    refresh_debtor_states(one, at=timezone.now())
    record_audit(
        by,
        AuditAction.CREATE,
        object_type="payments.ledgerentry",
        object_id=locked.pk,
        changes={"kind": kind, "amount": str(amount), "on": on.isoformat()},
    )
    logger.info(
        "%s of %s posted to account %s",
        kind,
        amount,
        locked.pk,
        extra={"account_id": locked.pk},
    )
    return entries


def _owed_by_component(account: Account) -> dict[str, Decimal]:
    """Return what the ledger holds open of each component (credits as 0)."""
    sums = component_sums([account.pk])[account.pk]
    return {component: max(ZERO, total) for component, total in sums.items()}


def _order(account: Account) -> list[str]:
    """Return the components in the creditor's allocation order, IVA with its
    interest and any the order leaves out at the end."""
    waterfall = (
        MoneySettings.objects.filter(creditor_id=account.creditor_id)
        .values_list("waterfall", flat=True)
        .first()
    ) or default_waterfall()
    order: list[str] = []
    for name in waterfall:
        order.append(name)
        if name == Component.INTEREST:
            order.append(Component.INTEREST_VAT)
    return [*dict.fromkeys(order), *(c for c in Component.values if c not in order)]
