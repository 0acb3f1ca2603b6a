"""Pages of payment plans: quote and propose, follow, approve, accept, PDF.

Every page starts from what the user sees: an account or plan outside
their scope is a 404, an action their profile may not take a 403.
"""

from decimal import Decimal

from babel.numbers import format_decimal
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recupero.access import scoping
from recupero.access.audit import audit_read
from recupero.formatting import format_date
from recupero.payments.models import PaymentPlan, PlanStatus
from recupero.payments.plan_forms import AcceptForm, PlanForm
from recupero.payments.plan_pdf import plan_pdf
from recupero.payments.plans import (
    APPROVE,
    PROPOSE,
    PlanOffer,
    accept_plan,
    approve_plan,
    cancel_plan,
    get_visible_plan,
    plan_start,
    propose_plan,
    quote_for_accounts,
    quote_of_plan,
)
from recupero.payments.quoting import (
    BASIS_NAMES,
    SYSTEM_NAMES,
    PlanQuote,
    format_percent,
)
from recupero.portfolios.cycle import business_date
from recupero.portfolios.models import Account


def _visible_account(request: HttpRequest, account_id: int) -> Account:
    accounts = scoping.visible_accounts(request.user).select_related(
        "debtor", "creditor"
    )
    return get_object_or_404(accounts, pk=account_id)


def _visible_plan(request: HttpRequest, plan_id: int) -> PaymentPlan:
    plan = get_visible_plan(request.user, plan_id)
    if plan is None:
        raise Http404
    return plan


def _debtor_accounts(request: HttpRequest, account: Account) -> list[Account]:
    """Return the debtor's accounts with this creditor that the user sees."""
    return list(
        scoping.visible_accounts(request.user)
        .filter(debtor=account.debtor_id, creditor=account.creditor_id)
        .order_by("number")
    )


@login_required
@permission_required(PROPOSE, raise_exception=True)
def new_plan(request: HttpRequest, account_id: int) -> HttpResponse:
    """Quote a plan and, when asked, propose it."""
    account = _visible_account(request, account_id)
    accounts = _debtor_accounts(request, account)
    if request.method != "POST":
        audit_read(request, account.debtor)
        form = PlanForm(accounts=accounts, initial=_initial(account))
        return _new_page(request, account, form, None)

    form = PlanForm(request.POST, accounts=accounts)
    if not form.is_valid():
        return _new_page(request, account, form, None, status=400)
    try:
        if "propose" in request.POST:
            plan = propose_plan(
                request.user,
                form.cleaned_data["accounts"],
                form.terms(),
                origin=request,
            )
            messages.success(request, _("The plan was proposed."))
            return redirect("plans:plan", plan_id=plan.pk)
        offer = _offer(request, form)
    except ValidationError as error:
        form.add_error(None, error)
        return _new_page(request, account, form, None, status=400)
    return _new_page(request, account, form, offer)


def _offer(request: HttpRequest, form: PlanForm) -> PlanOffer:
    terms = form.terms()
    return quote_for_accounts(
        form.cleaned_data["accounts"],
        system=terms.system,
        installments=terms.installments,
        tna=terms.tna,
        first_due=terms.first_due,
        down_payment=terms.down_payment,
        discount=terms.discount,
        user=request.user,
    )


def _initial(account: Account) -> dict[str, object]:
    # MoneySettings holds no TNA for plans: the creditor's latest plan says
    # what its agents offer, and the agent types over it.
    last = (
        PaymentPlan.objects.filter(creditor=account.creditor_id)
        .order_by("-created_at", "-pk")
        .values_list("tna", flat=True)
        .first()
    )
    tna = "" if last is None else format_decimal(last.normalize(), locale="es_AR")
    return {"accounts": [account.pk], "tna": tna}


def _new_page(
    request: HttpRequest,
    account: Account,
    form: PlanForm,
    offer: PlanOffer | None,
    *,
    status: int = 200,
) -> HttpResponse:
    context = {
        "account": account,
        "form": form,
        "offer": offer,
        "rates": _rates(offer.quote) if offer else [],
        "discount_rate": format_percent(offer.quote.discount_rate) if offer else "",
    }
    return render(request, "payments/plan_new.html", context, status=status)


@login_required
def plan_page(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _visible_plan(request, plan_id)
    audit_read(request, plan.debtor)
    today = business_date(plan.creditor)
    quote = quote_of_plan(plan)
    context = {
        "plan": plan,
        "quote": quote,
        "rates": _rates(quote),
        "discount_rate": format_percent(quote.discount_rate),
        "system_name": SYSTEM_NAMES[quote.system],
        "start": plan_start(plan),
        "accounts": plan.accounts.order_by("number"),
        "installments": plan.installments.order_by("number"),
        "may_approve": request.user.has_perm(APPROVE)
        and plan.status == PlanStatus.PROPOSED
        and plan.needs_approval
        and plan.approved_by_id is None,
        "may_accept": request.user.has_perm(PROPOSE)
        and plan.status == PlanStatus.PROPOSED
        and (not plan.needs_approval or plan.approved_by_id is not None),
        "may_cancel": request.user.has_perm(PROPOSE)
        and plan.status == PlanStatus.PROPOSED,
        "accept_form": AcceptForm(initial={"accepted_on": format_date(today)}),
    }
    return render(request, "payments/plan_detail.html", context)


def _rates(quote: PlanQuote) -> list[tuple[str, str]]:
    """Return the rates a plan must show (argentina.md §3.5), formatted."""

    def shown(rate: Decimal | None) -> str:
        return format_percent(rate) if rate is not None else "–"

    return [
        ("TNA", f"{format_percent(quote.tna)} ({BASIS_NAMES[quote.basis]})"),
        ("TEM", format_percent(quote.tem)),
        ("TEA", format_percent(quote.tea)),
        (_("CFT with IVA"), shown(quote.cft)),
        (_("CFT without IVA"), shown(quote.cft_without_iva)),
    ]


@require_POST
@login_required
def approve(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _visible_plan(request, plan_id)
    try:
        approve_plan(request.user, plan, origin=request)
    except ValidationError as error:
        _say(request, error)
    else:
        messages.success(request, _("The plan was approved."))
    return redirect("plans:plan", plan_id=plan.pk)


@require_POST
@login_required
@permission_required(PROPOSE, raise_exception=True)
def accept(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _visible_plan(request, plan_id)
    form = AcceptForm(request.POST)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for error in field_errors:
                messages.error(request, f"{_('Accepted on')}: {error}")
        return redirect("plans:plan", plan_id=plan.pk)
    try:
        accept_plan(
            request.user, plan, form.cleaned_data["accepted_on"], origin=request
        )
    except ValidationError as error:
        _say(request, error)
    else:
        messages.success(request, _("The plan was accepted and is now in force."))
    return redirect("plans:plan", plan_id=plan.pk)


@require_POST
@login_required
@permission_required(PROPOSE, raise_exception=True)
def cancel(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _visible_plan(request, plan_id)
    try:
        cancel_plan(request.user, plan, origin=request)
    except ValidationError as error:
        _say(request, error)
    else:
        messages.success(request, _("The plan was withdrawn."))
    return redirect("plans:plan", plan_id=plan.pk)


def _say(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
def plan_document(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _visible_plan(request, plan_id)
    audit_read(request, plan.debtor)
    response = HttpResponse(plan_pdf(plan), content_type="application/pdf")
    name = f"convenio-{plan.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
