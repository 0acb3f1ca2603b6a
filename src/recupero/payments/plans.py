"""Payment plans (convenios): quote, propose, approve, accept, follow.

Every action here is one transaction and leaves its audit event; refusals
are ``ValidationError`` with a Spanish message and a ``PlanError`` code.
``docs/plans.md`` tells the story; the rules that are easy to get wrong:

- A plan's terms are fixed when it is proposed: its start (the day the
  financing counts from) is the creditor's business date at the proposal,
  and the quote can always be rebuilt from the stored terms
  (``quote_of_plan``).
- Accepting a plan makes it active at once: nothing in between is waited
  for (no signed copy yet), so ``accepted`` is never seen at rest.
- The ledger follows the plan: on acceptance the discount is credited and
  the financing interest and its IVA are debited, so the accounts owe
  exactly what the plan will collect. The financing, the penalty interest
  and their reversals live on the plan's *lead account* (the first of its
  accounts by id); the discount is spread over the accounts by balance.
- When a plan breaks, the interest and IVA of what was not paid are
  credited back (not earned) and the discount is debited back (it was
  granted for keeping the plan): the accounts owe their original debt less
  the capital paid, plus the penalty interest accrued.
"""

import datetime
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import NoReturn

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, QuerySet, Sum
from django.http import HttpRequest
from django.utils import timezone

from recupero.access.audit import record_audit
from recupero.access.models import AuditAction, Membership, ProfileKind
from recupero.access.scoping import visible_accounts
from recupero.collections.actions import record_plan_broken, record_plan_signed
from recupero.collections.models import AccountState
from recupero.collections.states import Event
from recupero.collections.transitions import apply_event, refresh_debtor_states
from recupero.formatting import format_date, format_money
from recupero.payments import allocation
from recupero.payments.models import (
    ACCOUNT_COLUMN,
    Component,
    EntryKind,
    Installment,
    InstallmentStatus,
    LedgerEntry,
    MoneySettings,
    Payment,
    PaymentPlan,
    PaymentStatus,
    PlanStatus,
)
from recupero.payments.quoting import (
    ExceededLimit,
    PlanQuote,
    QuoteError,
    QuoteLimits,
    list_exceeded_limits,
    merge_limits,
    next_business_day,
    quote_plan,
)
from recupero.portfolios.cycle import business_date
from recupero.portfolios.models import Account, Creditor

logger = logging.getLogger(__name__)

User = AbstractBaseUser
ZERO = Decimal("0.00")

# Who may do what with a plan (``app_label.codename``, granted by profile
# in ``access.permissions``).
PROPOSE = "payments.add_paymentplan"
APPROVE = "payments.change_paymentplan"

# A profile's own limits, merged with the creditor's (the stricter wins).
# Profiles listed in ``UNLIMITED_PROFILES`` are bound by neither: they are
# the ones who approve what goes past the limits.
PROFILE_LIMITS: dict[str, QuoteLimits] = {ProfileKind.AGENT: QuoteLimits()}
UNLIMITED_PROFILES = {ProfileKind.SUPERVISOR, ProfileKind.ADMINISTRATOR}

# Plans whose accounts may not enter another plan.
OPEN_PLAN = (PlanStatus.ACCEPTED, PlanStatus.ACTIVE)

# MoneySettings.waterfall names costs "fees", as the ledger does.
WATERFALL_STEPS = {
    "fees": allocation.Component.COSTS,
    "costs": allocation.Component.COSTS,
    "penalty_interest": allocation.Component.PENALTY_INTEREST,
    "interest": allocation.Component.INTEREST,
    "capital": allocation.Component.CAPITAL,
}

# Where a discount is taken from in each account, in order: the accessory
# parts of the debt are forgiven before its capital.
DISCOUNT_ORDER = (
    ("interest", Component.INTEREST),
    ("fees", Component.FEES),
    ("capital", Component.CAPITAL),
)


class PlanError(StrEnum):
    NO_ACCOUNTS = "no_accounts"
    NOT_VISIBLE = "not_visible"
    MIXED_ACCOUNTS = "mixed_accounts"
    NOTHING_OWED = "nothing_owed"
    IN_ANOTHER_PLAN = "in_another_plan"
    QUOTE = "quote"
    WRONG_STATUS = "wrong_status"
    NEEDS_APPROVAL = "needs_approval"
    NO_APPROVAL_NEEDED = "no_approval_needed"
    ACCEPTANCE_DATE = "acceptance_date"
    DEBT_CHANGED = "debt_changed"


@dataclass(frozen=True)
class PlanTerms:
    """What the agent offers; ``discount`` is a percentage of the debt."""

    system: str
    installments: int
    tna: Decimal
    first_due: datetime.date
    down_payment: Decimal = ZERO
    discount: Decimal = ZERO


@dataclass(frozen=True)
class PlanOffer:
    """A quote over some accounts and the limits it goes past."""

    accounts: tuple[Account, ...]
    creditor: Creditor
    quote: PlanQuote
    limits: QuoteLimits
    exceeded: tuple[ExceededLimit, ...]

    @property
    def needs_approval(self) -> bool:
        return bool(self.exceeded)


@dataclass(frozen=True)
class RefreshSummary:
    refreshed: int = 0
    completed: int = 0
    broken: int = 0


# -- quoting ------------------------------------------------------------------


def get_money_settings(creditor: Creditor) -> MoneySettings:
    """Return the creditor's settings; the defaults, unsaved, without a row."""
    found = MoneySettings.objects.filter(creditor=creditor).first()
    return found or MoneySettings(creditor=creditor)


def get_limits(user: User, settings: MoneySettings) -> QuoteLimits:
    """Return what ``user`` may offer without a supervisor's approval."""
    profile = _profile_of(user)
    if user.is_superuser or profile in UNLIMITED_PROFILES:
        return QuoteLimits()
    creditor_limits = QuoteLimits(
        max_discount=settings.max_discount,
        max_installments=settings.max_installments,
        min_installment=settings.min_installment,
        min_down_payment=settings.min_down_payment,
    )
    return merge_limits(creditor_limits, PROFILE_LIMITS.get(profile, QuoteLimits()))


def _profile_of(user: User) -> str:
    return (
        Membership.objects.filter(user_id=user.pk)
        .values_list("profile", flat=True)
        .first()
        or ""
    )


def quote_for_accounts(
    accounts: Iterable[Account],
    *,
    system: str,
    installments: int,
    tna: Decimal,
    first_due: datetime.date,
    down_payment: Decimal = ZERO,
    discount: Decimal = ZERO,
    user: User,
) -> PlanOffer:
    """Return the quote of a plan over ``accounts`` for ``user`` to offer.

    The accounts must be the user's to see, of one debtor and one creditor,
    owe something and be in no plan in force. The principal is the sum of
    their balances; the plan starts on the creditor's business date.
    """
    chosen = _check_accounts(user, accounts)
    creditor = chosen[0].creditor
    settings = get_money_settings(creditor)
    terms = PlanTerms(system, installments, tna, first_due, down_payment, discount)
    quote = _quote(
        sum((a.balance for a in chosen), ZERO),
        terms,
        settings,
        business_date(creditor),
    )
    limits = get_limits(user, settings)
    exceeded = tuple(list_exceeded_limits(quote, limits))
    return PlanOffer(chosen, creditor, quote, limits, exceeded)


def _quote(
    principal: Decimal,
    terms: PlanTerms,
    settings: MoneySettings,
    start: datetime.date,
) -> PlanQuote:
    try:
        return quote_plan(
            principal,
            tna=terms.tna,
            installments=terms.installments,
            system=terms.system,
            first_due=terms.first_due,
            start=start,
            basis=settings.day_count,
            iva_rate=settings.iva_rate,
            down_payment=terms.down_payment,
            discount_rate=terms.discount,
        )
    except QuoteError as error:
        field = _FORM_FIELDS.get(error.field, "__all__")
        raise ValidationError(
            {field: ValidationError(error.message, code=PlanError.QUOTE.value)}
        ) from error


# The quoter's parameter names as the plan form names its fields.
_FORM_FIELDS = {
    "principal": "accounts",
    "tna": "tna",
    "installments": "installments",
    "system": "system",
    "down_payment": "down_payment",
    "discount": "discount",
    "first_due": "first_due",
}


def _check_accounts(user: User, accounts: Iterable[Account]) -> tuple[Account, ...]:
    ids = sorted({account.pk for account in accounts})
    if not ids:
        _refuse(PlanError.NO_ACCOUNTS, "Elegí al menos una cuenta para el convenio.")
    found = tuple(
        visible_accounts(user)
        .filter(pk__in=ids)
        .select_related("creditor", "debtor")
        .order_by("pk")
    )
    if len(found) != len(ids):
        _refuse(PlanError.NOT_VISIBLE, "Alguna de las cuentas no está a tu alcance.")
    if len({(a.debtor_id, a.creditor_id) for a in found}) > 1:
        _refuse(
            PlanError.MIXED_ACCOUNTS,
            "Un convenio reúne cuentas de un solo deudor y un solo cliente.",
        )
    if sum((a.balance for a in found), ZERO) <= 0:
        _refuse(PlanError.NOTHING_OWED, "Las cuentas elegidas no tienen deuda.")
    busy = PaymentPlan.objects.filter(accounts__in=ids, status__in=OPEN_PLAN)
    if busy.exists():
        _refuse(
            PlanError.IN_ANOTHER_PLAN,
            "Alguna de las cuentas ya está en un convenio vigente.",
        )
    return found


def _refuse(code: PlanError, message: str) -> NoReturn:
    raise ValidationError(message, code=code.value)


def quote_of_plan(plan: PaymentPlan) -> PlanQuote:
    """Return the quote a plan was proposed with, rebuilt from its terms."""
    settings = MoneySettings(day_count=plan.day_count, iva_rate=plan.iva_rate)
    return _quote(plan.principal, terms_of(plan), settings, plan_start(plan))


def terms_of(plan: PaymentPlan) -> PlanTerms:
    return PlanTerms(
        plan.system,
        plan.installment_count,
        plan.tna,
        plan.first_due,
        plan.down_payment,
        plan.discount,
    )


def plan_start(plan: PaymentPlan) -> datetime.date:
    """Return the day the plan's financing counts from: its proposal."""
    return business_date(plan.creditor, plan.created_at)


# -- proposing, approving, withdrawing -------------------------------------------


@transaction.atomic
def propose_plan(
    user: User,
    accounts: Iterable[Account],
    terms: PlanTerms,
    *,
    origin: HttpRequest | None = None,
) -> PaymentPlan:
    """Record ``terms`` over ``accounts`` as a proposed plan with its schedule.

    A plan beyond the user's limits is recorded all the same, marked as
    needing a supervisor's approval, with the reasons.
    """
    _check_permission(user, PROPOSE, "proponer convenios")
    offer = quote_for_accounts(
        accounts,
        system=terms.system,
        installments=terms.installments,
        tna=terms.tna,
        first_due=terms.first_due,
        down_payment=terms.down_payment,
        discount=terms.discount,
        user=user,
    )
    quote = offer.quote
    plan = PaymentPlan.objects.create(
        creditor=offer.creditor,
        debtor=offer.accounts[0].debtor,
        system=quote.system.value,
        principal=quote.principal,
        discount=quote.discount_rate,
        down_payment=quote.down_payment,
        tna=quote.tna,
        iva_rate=quote.iva_rate,
        day_count=quote.basis.value,
        installment_count=len(quote.installments),
        first_due=terms.first_due,
        cft=quote.cft,
        needs_approval=offer.needs_approval,
        approval_reasons=[_reason(limit) for limit in offer.exceeded],
        proposed_by=user,
    )
    plan.accounts.set(offer.accounts)
    Installment.objects.bulk_create(_schedule(plan, quote))

    record_audit(
        origin or user,
        AuditAction.CREATE,
        obj=plan,
        changes={
            "accounts": [a.pk for a in offer.accounts],
            "needs_approval": plan.needs_approval,
            "limits": [limit.limit for limit in offer.exceeded],
        },
    )
    return plan


def _reason(limit: ExceededLimit) -> dict[str, str]:
    return {
        "limit": limit.limit,
        "allowed": str(limit.allowed),
        "offered": str(limit.offered),
        "reason": limit.reason,
    }


def _schedule(plan: PaymentPlan, quote: PlanQuote) -> list[Installment]:
    rows = []
    if quote.down_payment > 0:
        # Paid the day the plan starts, or the first business day after.
        rows.append(
            Installment(
                plan=plan,
                number=0,
                due_on=next_business_day(quote.start),
                capital=quote.down_payment,
                interest=ZERO,
                interest_vat=ZERO,
                total=quote.down_payment,
            )
        )
    rows += [
        Installment(
            plan=plan,
            number=line.number,
            due_on=line.due_date,
            capital=line.capital,
            interest=line.interest,
            interest_vat=line.iva,
            fees=line.fee,
            total=line.total,
        )
        for line in quote.installments
    ]
    return rows


def _check_permission(user: User, permission: str, what: str) -> None:
    """Raise ``PermissionDenied`` (a view answers 403) unless allowed."""
    if not user.has_perm(permission):
        raise PermissionDenied(f"Tu perfil no puede {what}.")


def get_visible_plan(user: User, plan_id: int) -> PaymentPlan | None:
    """Return the plan if ``user`` sees every one of its accounts."""
    plan = (
        PaymentPlan.objects.filter(pk=plan_id)
        .select_related("creditor", "debtor", "proposed_by", "approved_by")
        .first()
    )
    if plan is None:
        return None
    ids = set(plan.accounts.values_list("pk", flat=True))
    seen = visible_accounts(user).filter(pk__in=ids).count()
    return plan if ids and seen == len(ids) else None


def _check_visible(user: User, plan: PaymentPlan) -> None:
    if get_visible_plan(user, plan.pk) is None:
        _refuse(PlanError.NOT_VISIBLE, "El convenio no está a tu alcance.")


def _check_status(plan: PaymentPlan, *allowed: str) -> None:
    if plan.status not in allowed:
        raise ValidationError(
            "El convenio está %(status)s: no admite esta acción.",
            code=PlanError.WRONG_STATUS.value,
            params={"status": plan.get_status_display().lower()},
        )


def _locked(plan: PaymentPlan) -> PaymentPlan:
    return (
        PaymentPlan.objects.select_for_update()
        .select_related("creditor")
        .get(pk=plan.pk)
    )


@transaction.atomic
def approve_plan(
    supervisor: User, plan: PaymentPlan, *, origin: HttpRequest | None = None
) -> PaymentPlan:
    """Approve a proposed plan that goes past the limits."""
    _check_permission(supervisor, APPROVE, "aprobar convenios")
    _check_visible(supervisor, plan)
    plan = _locked(plan)
    _check_status(plan, PlanStatus.PROPOSED)
    if not plan.needs_approval:
        _refuse(PlanError.NO_APPROVAL_NEEDED, "El convenio no necesita aprobación.")

    plan.approved_by = supervisor
    plan.save(update_fields=["approved_by"])
    record_audit(
        origin or supervisor,
        AuditAction.CHANGE,
        obj=plan,
        changes={"approved_by": supervisor.pk},
    )
    return plan


@transaction.atomic
def cancel_plan(
    user: User, plan: PaymentPlan, *, origin: HttpRequest | None = None
) -> PaymentPlan:
    """Withdraw a proposed plan; one in force is never withdrawn."""
    _check_permission(user, PROPOSE, "anular convenios")
    _check_visible(user, plan)
    plan = _locked(plan)
    _check_status(plan, PlanStatus.PROPOSED)

    plan.status = PlanStatus.CANCELLED
    plan.ended_on = business_date(plan.creditor)
    plan.save(update_fields=["status", "ended_on"])
    record_audit(
        origin or user, AuditAction.CHANGE, obj=plan, changes={"status": plan.status}
    )
    return plan


# -- accepting ------------------------------------------------------------------


@transaction.atomic
def accept_plan(
    user: User,
    plan: PaymentPlan,
    on: datetime.date,
    *,
    origin: HttpRequest | None = None,
) -> PaymentPlan:
    """Record the debtor's acceptance on ``on``: the plan is in force at once.

    Posts the discount and the financing to the ledger, moves the accounts
    to "plan active" and withdraws the other proposals over them.
    """
    _check_permission(user, PROPOSE, "aceptar convenios")
    _check_visible(user, plan)
    plan = _locked(plan)
    _check_status(plan, PlanStatus.PROPOSED)
    if plan.needs_approval and plan.approved_by_id is None:
        _refuse(
            PlanError.NEEDS_APPROVAL,
            "El convenio supera los límites: necesita la aprobación de un "
            "supervisor antes de aceptarse.",
        )
    accounts = list(
        Account.objects.select_for_update().filter(plans=plan).order_by("pk")
    )
    _check_acceptance(plan, accounts, on)

    plan.status = PlanStatus.ACTIVE
    plan.accepted_on = on
    plan.save(update_fields=["status", "accepted_on"])
    _move_down_payment(plan, on)
    quote = quote_of_plan(plan)
    _post_discount(plan, accounts, quote.discount, on)
    lead = accounts[0]
    _post(lead, plan, on, EntryKind.PLAN, Component.INTEREST, quote.total_interest)
    _post(lead, plan, on, EntryKind.PLAN, Component.INTEREST_VAT, quote.total_iva)
    _withdraw_other_proposals(plan, accounts, on)

    at = timezone.now()
    for account in accounts:
        record_plan_signed(account, at=at, user=user, origin=origin)
    record_audit(
        origin or user,
        AuditAction.CHANGE,
        obj=plan,
        changes={"status": plan.status, "accepted_on": on.isoformat()},
    )
    return plan


def _check_acceptance(
    plan: PaymentPlan, accounts: Sequence[Account], on: datetime.date
) -> None:
    if on > business_date(plan.creditor):
        _refuse(
            PlanError.ACCEPTANCE_DATE, "La aceptación no puede fecharse después de hoy."
        )
    if on < plan_start(plan) or on >= plan.first_due:
        raise ValidationError(
            "La aceptación debe fecharse entre el %(start)s y el día antes del "
            "primer vencimiento (%(first_due)s).",
            code=PlanError.ACCEPTANCE_DATE.value,
            params={
                "start": format_date(plan_start(plan)),
                "first_due": format_date(plan.first_due),
            },
        )
    owed = sum((a.balance for a in accounts), ZERO)
    if owed != plan.principal:
        raise ValidationError(
            "La deuda cambió desde la propuesta (era %(was)s, es %(now)s): "
            "cotizá el convenio de nuevo.",
            code=PlanError.DEBT_CHANGED.value,
            params={"was": format_money(plan.principal), "now": format_money(owed)},
        )
    busy = PaymentPlan.objects.filter(accounts__in=accounts, status__in=OPEN_PLAN)
    if busy.exclude(pk=plan.pk).exists():
        _refuse(
            PlanError.IN_ANOTHER_PLAN,
            "Alguna de las cuentas ya está en un convenio vigente.",
        )


def _move_down_payment(plan: PaymentPlan, on: datetime.date) -> None:
    """Make the down payment due on the acceptance day (or the next open)."""
    plan.installments.filter(number=0).update(due_on=next_business_day(on))


def _post(
    account: Account,
    plan: PaymentPlan,
    on: datetime.date,
    kind: str,
    component: str,
    amount: Decimal,
    installment: Installment | None = None,
) -> None:
    """Post ``amount`` (+ debit, − credit) and keep the account's column."""
    if amount == 0:
        return
    LedgerEntry.objects.create(
        account=account,
        value_date=on,
        kind=kind,
        component=component,
        amount=amount,
        plan=plan,
        installment=installment,
        note=f"Convenio {plan.pk}",
    )
    column = ACCOUNT_COLUMN[Component(component)]
    # F() so that a payment posted meanwhile to the same column is kept.
    Account.objects.filter(pk=account.pk).update(**{column: F(column) + amount})
    setattr(account, column, getattr(account, column) + amount)


def _post_discount(
    plan: PaymentPlan,
    accounts: Sequence[Account],
    discount: Decimal,
    on: datetime.date,
) -> None:
    """Credit the discount, spread over the accounts by their balances."""
    shares = split(discount, [a.balance for a in accounts])
    for account, share in zip(accounts, shares, strict=True):
        left = share
        for column, component in DISCOUNT_ORDER:
            taken = min(left, max(getattr(account, column), ZERO))
            _post(account, plan, on, EntryKind.DISCOUNT, component, -taken)
            left -= taken


def split(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Return ``amount`` in cents shared by ``weights``; the last gets the rest."""
    total = sum(weights, ZERO)
    shares = []
    for weight in weights[:-1]:
        shares.append((amount * weight / total).quantize(Decimal("0.01")))
    return [*shares, amount - sum(shares, ZERO)]


def _withdraw_other_proposals(
    plan: PaymentPlan, accounts: Sequence[Account], on: datetime.date
) -> None:
    # They quoted a debt the accepted plan has just changed.
    others = PaymentPlan.objects.filter(
        accounts__in=accounts, status=PlanStatus.PROPOSED
    ).exclude(pk=plan.pk)
    PaymentPlan.objects.filter(pk__in=list(others.values_list("pk", flat=True))).update(
        status=PlanStatus.CANCELLED, ended_on=on
    )


# -- following ------------------------------------------------------------------


@transaction.atomic
def refresh_plan(plan: PaymentPlan, as_of: datetime.date) -> PaymentPlan:
    """Bring a plan in force up to ``as_of`` from its accounts' payments.

    Replays every applied payment since acceptance over the installments,
    stores what each has paid, posts the penalty interest the replay
    accrued beyond what is posted, and completes or breaks the plan.
    Plans not in force are returned as they are.
    """
    plan = _locked(plan)
    if plan.status != PlanStatus.ACTIVE or plan.accepted_on is None:
        return plan
    settings = get_money_settings(plan.creditor)
    installments = list(plan.installments.order_by("number"))
    # An installment that asks nothing (interest-only at 0 %) is paid by
    # its date and stays out of the replay, which takes only debts.
    owing = [i for i in installments if i.total > 0]
    result = allocation.allocate(
        [_charge(i) for i in owing],
        _payments(plan, as_of),
        as_of=as_of,
        settings=_allocation_settings(settings),
    )

    _store_installments(owing, result, as_of)
    _store_nothing_asked([i for i in installments if i.total <= 0], as_of)
    accounts = list(Account.objects.filter(plans=plan).order_by("pk"))
    _post_penalty(plan, accounts[0], result.penalty_accrued, as_of)
    if all(i.status == InstallmentStatus.PAID for i in installments):
        _complete(plan, accounts, installments, as_of)
    elif _overdue(installments) >= settings.broken_after:
        _break(plan, accounts, owing, result, as_of)
    return plan


def _charge(installment: Installment) -> allocation.Charge:
    return allocation.Charge(
        key=str(installment.number),
        due_on=installment.due_on,
        open=allocation.Amounts(
            costs=installment.fees,
            interest=installment.interest,
            interest_vat=installment.interest_vat,
            capital=installment.capital,
        ),
    )


def _payments(plan: PaymentPlan, as_of: datetime.date) -> list[allocation.Payment]:
    rows = Payment.objects.filter(
        account__plans=plan,
        status=PaymentStatus.APPLIED,
        value_date__gte=plan.accepted_on,
        value_date__lte=as_of,
    ).values_list("pk", "value_date", "amount")
    # The id is the load order: a payment loaded later has a larger one.
    return [
        allocation.Payment(str(pk), value_date, amount, pk)
        for pk, value_date, amount in rows
    ]


def _allocation_settings(settings: MoneySettings) -> allocation.AllocationSettings:
    order = tuple(WATERFALL_STEPS[step] for step in settings.waterfall)
    return allocation.AllocationSettings(
        component_order=order, penalty_tna=Decimal(settings.penalty_tna)
    )


def _store_installments(
    installments: Sequence[Installment],
    result: allocation.AllocationResult,
    as_of: datetime.date,
) -> None:
    for installment in installments:
        found = result.get_charge(str(installment.number))
        penalty_paid = found.paid.penalty_interest
        installment.paid = found.paid.total - penalty_paid
        installment.penalty_interest = found.penalty_accrued
        installment.paid_on = found.fully_paid_on
        if found.is_paid:
            installment.status = InstallmentStatus.PAID
        elif installment.due_on < as_of:
            installment.status = InstallmentStatus.OVERDUE
        else:
            installment.status = InstallmentStatus.PENDING
    Installment.objects.bulk_update(
        installments, ["paid", "penalty_interest", "paid_on", "status"]
    )


def _store_nothing_asked(
    installments: Sequence[Installment], as_of: datetime.date
) -> None:
    for installment in installments:
        due = installment.due_on <= as_of
        installment.status = (
            InstallmentStatus.PAID if due else InstallmentStatus.PENDING
        )
        installment.paid_on = installment.due_on if due else None
    Installment.objects.bulk_update(installments, ["status", "paid_on"])


def _overdue(installments: Sequence[Installment]) -> int:
    return sum(1 for i in installments if i.status == InstallmentStatus.OVERDUE)


def _posted(plan: PaymentPlan, kind: str, component: str) -> Decimal:
    total = LedgerEntry.objects.filter(
        plan=plan, kind=kind, component=component
    ).aggregate(total=Sum("amount"))["total"]
    return total or ZERO


def _post_penalty(
    plan: PaymentPlan, lead: Account, accrued: Decimal, as_of: datetime.date
) -> None:
    """Post the difference between the penalty accrued and the one posted.

    A payment loaded late but dated early lowers what accrued: the
    difference is then a credit, and the ledger still equals the replay.
    """
    posted = _posted(plan, EntryKind.PENALTY, Component.PENALTY_INTEREST)
    _post(
        lead,
        plan,
        as_of,
        EntryKind.PENALTY,
        Component.PENALTY_INTEREST,
        accrued - posted,
    )


def _complete(
    plan: PaymentPlan,
    accounts: Sequence[Account],
    installments: Sequence[Installment],
    as_of: datetime.date,
) -> None:
    plan.status = PlanStatus.COMPLETED
    plan.ended_on = max((i.paid_on for i in installments if i.paid_on), default=as_of)
    plan.save(update_fields=["status", "ended_on"])
    # Every installment paid settles the debt the plan covers, whichever
    # account the payments were posted to.
    one = Account.objects.filter(pk__in=[a.pk for a in accounts])
    at = timezone.now()
    apply_event(one, Event.PAID_IN_FULL, at=at)
    refresh_debtor_states(one, at=at)
    record_audit(None, AuditAction.CHANGE, obj=plan, changes={"status": plan.status})


def _break(
    plan: PaymentPlan,
    accounts: Sequence[Account],
    installments: Sequence[Installment],
    result: allocation.AllocationResult,
    as_of: datetime.date,
) -> None:
    plan.status = PlanStatus.BROKEN
    plan.ended_on = as_of
    plan.save(update_fields=["status", "ended_on"])
    _return_to_original_debt(plan, accounts, installments, result, as_of)

    at = timezone.now()
    for account in accounts:
        record_plan_broken(account, at=at)
    # Back in the queue today, as a broken promise is.
    AccountState.objects.filter(account__in=accounts).update(next_attempt_on=as_of)
    record_audit(None, AuditAction.CHANGE, obj=plan, changes={"status": plan.status})


def _return_to_original_debt(
    plan: PaymentPlan,
    accounts: Sequence[Account],
    installments: Sequence[Installment],
    result: allocation.AllocationResult,
    as_of: datetime.date,
) -> None:
    """Credit the interest not earned, debit back the discount."""
    lead = accounts[0]
    for installment in installments:
        paid = result.get_charge(str(installment.number)).paid
        unearned = (
            (Component.INTEREST, installment.interest - paid.interest),
            (Component.INTEREST_VAT, installment.interest_vat - paid.interest_vat),
        )
        for component, amount in unearned:
            _post(lead, plan, as_of, EntryKind.PLAN, component, -amount, installment)
    for account in accounts:
        granted = LedgerEntry.objects.filter(
            plan=plan, account=account, kind=EntryKind.DISCOUNT
        ).values_list("component", "amount")
        for component, amount in granted:
            _post(account, plan, as_of, EntryKind.DISCOUNT, component, -amount)
        _reclassify_overpaid_interest(plan, account, as_of)


def _reclassify_overpaid_interest(
    plan: PaymentPlan, account: Account, as_of: datetime.date
) -> None:
    """Move to capital what payments credited to interest beyond its sum.

    The payments were posted while the account owed the plan's whole
    financing; some of what they credited to interest paid capital by the
    plan's replay. Once the unearned interest is credited back, that shows
    as negative interest; a pair of entries puts it where it belongs.
    """
    account.refresh_from_db(fields=["interest"])
    if account.interest >= 0:
        return
    overpaid = -account.interest
    _post(account, plan, as_of, EntryKind.PLAN, Component.INTEREST, overpaid)
    _post(account, plan, as_of, EntryKind.PLAN, Component.CAPITAL, -overpaid)


def refresh_active_plans(
    as_of: datetime.date, *, creditor: Creditor | None = None
) -> RefreshSummary:
    """Refresh every plan in force, for the nightly cycle; return the counts.

    One plan at a time: each replays its own payments, and plans in force
    are a small part of a book.
    """
    plans: QuerySet[PaymentPlan] = PaymentPlan.objects.filter(
        status=PlanStatus.ACTIVE, accepted_on__lte=as_of
    )
    if creditor is not None:
        plans = plans.filter(creditor=creditor)
    refreshed = completed = broken = 0
    for plan in plans.order_by("pk").iterator():
        status = refresh_plan(plan, as_of).status
        refreshed += 1
        completed += status == PlanStatus.COMPLETED
        broken += status == PlanStatus.BROKEN
    logger.info(
        "plans refreshed as of %s: %s, %s completed, %s broken",
        as_of,
        refreshed,
        completed,
        broken,
    )
    return RefreshSummary(refreshed, completed, broken)
