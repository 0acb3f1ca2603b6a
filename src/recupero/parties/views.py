"""The debtor's page: who they are, how to reach them, what they owe."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from recupero.access.audit import audit_read
from recupero.parties.queries import get_debtor, get_debtor_contacts
from recupero.portfolios.listing import list_debtor_accounts


@login_required
def debtor_detail(request: HttpRequest, debtor_id: int) -> HttpResponse:
    debtor = get_debtor(request.user, debtor_id)
    audit_read(request, debtor)
    context = {
        "debtor": debtor,
        "contacts": get_debtor_contacts(debtor),
        "accounts": list_debtor_accounts(request.user, debtor),
    }
    return render(request, "parties/debtor_detail.html", context)
