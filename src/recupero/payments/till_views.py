"""The cashier's pages: open a till, take payments, print receipts, close."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recupero.access import scoping
from recupero.access.audit import audit_read
from recupero.payments import tills
from recupero.payments.models import Receipt, Till, TillStatus
from recupero.payments.receipts import paid_parts, receipt_code, receipt_pdf
from recupero.payments.till_forms import CloseTillForm, OpenTillForm, TakePaymentForm

OPEN_TILL = "payments.add_till"
CLOSE_TILL = "payments.change_till"
TAKE_PAYMENT = "payments.add_payment"
READ_RECEIPT = "payments.view_receipt"


def _visible_receipt(request: HttpRequest, receipt_id: int) -> Receipt:
    """Return the receipt if its account is one the user sees, else 404."""
    receipts = Receipt.objects.select_related(
        "branch",
        "payment__account__creditor",
        "payment__account__debtor",
        "payment__taken_by",
    ).filter(payment__account__in=scoping.visible_accounts(request.user))
    return get_object_or_404(receipts, pk=receipt_id)


def _refuse(form: Form, error: ValidationError) -> None:
    """Put an action's refusal on the form, beside the field it names."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _payment_form(request: HttpRequest, data=None) -> TakePaymentForm:
    return TakePaymentForm(
        data,
        accounts=scoping.visible_accounts(request.user),
        creditors=scoping.visible_creditors(request.user),
    )


def _till_page(
    request: HttpRequest, till: Till, form: TakePaymentForm, status: int = 200
) -> HttpResponse:
    taken = till.payments.select_related("account__debtor", "receipt__branch")
    context = {
        "till": till,
        "form": form,
        "payments": taken.order_by("-receipt__number"),
        "expected_cash": tills.expected_cash(till),
    }
    return render(request, "payments/till.html", context, status=status)


@login_required
@permission_required(OPEN_TILL, raise_exception=True)
def till_home(request: HttpRequest) -> HttpResponse:
    till = tills.get_open_till(request.user)
    if till is None:
        return render(request, "payments/till_open.html", {"form": OpenTillForm()})
    return _till_page(request, till, _payment_form(request))


@login_required
@permission_required(OPEN_TILL, raise_exception=True)
@require_POST
def open_till(request: HttpRequest) -> HttpResponse:
    form = OpenTillForm(request.POST)
    if form.is_valid():
        try:
            tills.open_till(
                request.user,
                form.cleaned_data["branch"],
                form.cleaned_data["opening_cash"],
            )
        except ValidationError as error:
            _refuse(form, error)
        else:
            messages.success(request, _("Till open."))
            return redirect("tills:home")
    return render(request, "payments/till_open.html", {"form": form}, status=400)


@login_required
@permission_required(TAKE_PAYMENT, raise_exception=True)
@require_POST
def take_payment(request: HttpRequest) -> HttpResponse:
    till = tills.get_open_till(request.user)
    if till is None:
        messages.error(request, _("Open a till before taking payments."))
        return redirect("tills:home")
    form = _payment_form(request, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            taken = tills.take_payment(
                till,
                data["account"],
                data["amount"],
                data["method"],
                reference=data["token"],
            )
        except ValidationError as error:
            _refuse(form, error)
        else:
            if taken.repeated:
                messages.info(
                    request, _("This payment had already been taken: nothing changed.")
                )
            return redirect("tills:receipt", taken.receipt.pk)
    return _till_page(request, till, form, status=400)


@login_required
@permission_required(CLOSE_TILL, raise_exception=True)
def close_till(request: HttpRequest) -> HttpResponse:
    till = tills.get_open_till(request.user)
    if till is None:
        messages.info(request, _("You have no open till."))
        return redirect("tills:home")
    form = CloseTillForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tills.close_till(
                till, form.cleaned_data["counted_cash"], form.cleaned_data["note"]
            )
        except ValidationError as error:
            _refuse(form, error)
        else:
            return redirect("tills:count", till.pk)
    context = {"till": till, "form": form, "expected_cash": tills.expected_cash(till)}
    status = 400 if form.is_bound else 200
    return render(request, "payments/till_close.html", context, status=status)


@login_required
@permission_required(CLOSE_TILL, raise_exception=True)
def till_count(request: HttpRequest, till_id: int) -> HttpResponse:
    """The count (arqueo) of one of the cashier's closed tills."""
    till = get_object_or_404(
        Till.objects.select_related("branch"),
        pk=till_id,
        cashier=request.user,
        status=TillStatus.CLOSED,
    )
    return render(request, "payments/till_count.html", {"till": till})


@login_required
@permission_required(READ_RECEIPT, raise_exception=True)
def receipt(request: HttpRequest, receipt_id: int) -> HttpResponse:
    found = _visible_receipt(request, receipt_id)
    audit_read(request, found.payment.account.debtor)
    context = {
        "receipt": found,
        "code": receipt_code(found),
        "payment": found.payment,
        "parts": paid_parts(found.payment),
    }
    return render(request, "payments/receipt.html", context)


@login_required
@permission_required(READ_RECEIPT, raise_exception=True)
def receipt_download(request: HttpRequest, receipt_id: int) -> HttpResponse:
    found = _visible_receipt(request, receipt_id)
    audit_read(request, found.payment.account.debtor)
    response = HttpResponse(receipt_pdf(found), content_type="application/pdf")
    name = f"recibo-{receipt_code(found)}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
