from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from recupero.access import scoping
from recupero.access.audit import audit_read
from recupero.payments.ledger import statement
from recupero.payments.statements import statement_pdf
from recupero.portfolios.models import Account


def _visible_account(request: HttpRequest, account_id: int) -> Account:
    accounts = scoping.visible_accounts(request.user).select_related(
        "debtor", "creditor", "portfolio"
    )
    return get_object_or_404(accounts, pk=account_id)


@login_required
def ledger(request: HttpRequest, account_id: int) -> HttpResponse:
    account = _visible_account(request, account_id)
    audit_read(request, account.debtor)
    return render(request, "payments/ledger.html", {"statement": statement(account)})


@login_required
def ledger_pdf(request: HttpRequest, account_id: int) -> HttpResponse:
    account = _visible_account(request, account_id)
    audit_read(request, account.debtor)
    issued_on = timezone.localdate()
    response = HttpResponse(
        statement_pdf(statement(account), issued_on=issued_on),
        content_type="application/pdf",
    )
    name = f"estado-de-cuenta-{account.number}-{issued_on:%Y%m%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
