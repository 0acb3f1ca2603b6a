from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from recupero.parties.models import Debtor


@login_required
def debtor_detail(request: HttpRequest, debtor_id: int) -> HttpResponse:
    debtor = get_object_or_404(Debtor, pk=debtor_id)
    return render(request, "parties/debtor_detail.html", {"debtor": debtor})
