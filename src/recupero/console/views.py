"""The agent console: the queue, the next account, the 360° page and results."""

import logging
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from recupero.access.audit import audit_read, record_audit
from recupero.access.models import AuditAction
from recupero.collections.actions import (
    USABLE_CONTACT_STATUSES,
    open_for_mass,
)
from recupero.collections.mass_jobs import (
    record_mass_result_now,
    start_mass_result_job,
)
from recupero.collections.models import Channel, MassResultJob
from recupero.console.actions import (
    open_account,
    record_result,
    release_account,
    take_next_account,
)
from recupero.console.attachments import get_attachment
from recupero.console.forms import (
    ContactOfForm,
    MarkForm,
    MassResultForm,
    RelatedPersonForm,
    ResultForm,
)
from recupero.console.pages import get_account, get_account_page, get_queue_page
from recupero.formatting import format_count
from recupero.parties.actions import (
    add_contact_point,
    add_related_person,
    mark_contact_point,
)
from recupero.parties.models import ContactKind, ContactPoint
from recupero.portfolios.forms import AccountSearchForm
from recupero.portfolios.listing import search_accounts
from recupero.portfolios.models import Account

logger = logging.getLogger(__name__)

WORK = "collections.add_activity"
ENRICH = "parties.add_contactpoint"
MASS = "collections.register_mass_result"
# Above this many accounts a mass result runs as a background job: it takes
# about 2 s at 30.000 accounts on SQLite but 45 s at a million, holding the
# write lock, longer than a web request should wait or block other writes.
MASS_IN_REQUEST = 20_000
# The related person's fields are prefixed: they share the page with the
# contact form, whose field names they repeat.
RELATED = "related"


@login_required
@permission_required(WORK, raise_exception=True)
def queue(request: HttpRequest) -> HttpResponse:
    context = {"page": get_queue_page(request.user)}
    return render(request, "console/queue.html", context)


@require_POST
@login_required
@permission_required(WORK, raise_exception=True)
def next_account(request: HttpRequest) -> HttpResponse:
    account = take_next_account(request.user)
    if account is None:
        messages.info(request, _("Your queue is empty: no account is due now."))
        return redirect("console:queue")
    return redirect("console:account", account_id=account.pk)


@login_required
def account(request: HttpRequest, account_id: int) -> HttpResponse:
    account = get_account(request.user, account_id)
    audit_read(request, account.debtor)
    if request.user.has_perm(WORK):
        open_account(request.user, account)
    form = ResultForm(debtor_id=account.debtor_id, initial=_initial(account))
    return _account_page(request, account, form)


@require_POST
@login_required
@permission_required(WORK, raise_exception=True)
def result(request: HttpRequest, account_id: int) -> HttpResponse:
    account = get_account(request.user, account_id)
    form = ResultForm(request.POST, request.FILES, debtor_id=account.debtor_id)
    if not form.is_valid():
        return _account_page(request, account, form, status=400)

    data = form.cleaned_data
    try:
        activity = record_result(
            request.user,
            account,
            code=data["code"],
            channel=data["channel"],
            contact_point=data["contact_point"],
            all_debtor_accounts=data["all_accounts"],
            note=data["note"],
            promise=form.promise_terms(),
            reason=data["reason"],
            attachments=[data["attachment"]] if data["attachment"] else [],
            origin=request,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _account_page(request, account, form, status=400)

    messages.success(
        request,
        _("Recorded: %(result)s.") % {"result": activity.result_code.name},
    )
    return redirect("console:account", account_id=account.pk)


@login_required
def attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    """Send an activity's file to a user who sees one of its accounts.

    Files are never served from a public media address: a recording is
    the debtor's voice, and each download is audited.
    """
    found = get_attachment(request.user, attachment_id)
    try:
        stream = found.file.open("rb")
    except FileNotFoundError:
        # The row outlived its file (a restore without the media folder).
        logger.error("attachment %s: file missing from storage", found.pk)
        raise Http404 from None
    record_audit(request, AuditAction.READ, obj=found)
    return FileResponse(stream, as_attachment=True, filename=found.name)


@require_POST
@login_required
def release(request: HttpRequest, account_id: int) -> HttpResponse:
    account = get_account(request.user, account_id)
    release_account(request.user, account)
    return redirect("console:queue")


@require_POST
@login_required
@permission_required(ENRICH, raise_exception=True)
def add_contact(request: HttpRequest, account_id: int) -> HttpResponse:
    account = get_account(request.user, account_id)
    form = ContactOfForm(request.POST, debtor_id=account.debtor_id)
    if not form.is_valid():
        messages.error(
            request,
            _("The contact was not added: %(reason)s")
            % {"reason": _form_reasons(form)},
        )
        return redirect("console:account", account_id=account.pk)

    try:
        _point, created = add_contact_point(
            debtor=account.debtor,
            kind=form.cleaned_data["kind"],
            raw=form.cleaned_data["value"],
            source=form.cleaned_data["source"],
            user=request.user,
            related_person=form.cleaned_data["related_person"],
            origin=request,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if created:
            messages.success(request, _("Contact added."))
        else:
            messages.info(request, _("The debtor already had that contact."))
    return redirect("console:account", account_id=account.pk)


@require_POST
@login_required
@permission_required("parties.add_relatedperson", raise_exception=True)
def add_related(request: HttpRequest, account_id: int) -> HttpResponse:
    account = get_account(request.user, account_id)
    form = RelatedPersonForm(request.POST, prefix=RELATED)
    if not form.is_valid():
        messages.error(
            request,
            _("The person was not added: %(reason)s") % {"reason": _form_reasons(form)},
        )
        return redirect("console:account", account_id=account.pk)

    data = form.cleaned_data
    try:
        # The person and their phone are kept together or not at all.
        with transaction.atomic():
            person, _created = add_related_person(
                debtor=account.debtor,
                relation=data["relation"],
                name=data["name"],
                tax_id=data["tax_id"],
                source=data["source"],
                user=request.user,
                origin=request,
            )
            if data["phone"]:
                add_contact_point(
                    debtor=account.debtor,
                    related_person=person,
                    kind=ContactKind.PHONE,
                    raw=data["phone"],
                    source=data["source"],
                    user=request.user,
                    origin=request,
                )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Related person added."))
    return redirect("console:account", account_id=account.pk)


@require_POST
@login_required
@permission_required("parties.change_contactpoint", raise_exception=True)
def mark_contact(
    request: HttpRequest, account_id: int, contact_point_id: int
) -> HttpResponse:
    account = get_account(request.user, account_id)
    point = get_object_or_404(
        ContactPoint, pk=contact_point_id, debtor_id=account.debtor_id
    )
    form = MarkForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("The contact was not updated: %(reason)s")
            % {"reason": _form_reasons(form)},
        )
        return redirect("console:account", account_id=account.pk)
    try:
        mark_contact_point(
            point,
            status=form.cleaned_data["status"],
            user=request.user,
            note=form.cleaned_data["note"],
            origin=request,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Contact updated."))
    return redirect("console:account", account_id=account.pk)


@login_required
@permission_required(MASS, raise_exception=True)
def mass_result(request: HttpRequest) -> HttpResponse:
    """Record one result on every account of an accounts search.

    The search is the accounts page's own (its query string comes along),
    so the accounts are those the user sees there. The count shown is sent
    back with the form: if the search finds a different number by the
    time it is posted, nothing is recorded and the page asks again. A
    search or a form that does not validate shows the page with its
    errors (400) and records nothing. Above ``MASS_IN_REQUEST`` accounts
    the result is queued as a job and the user follows it on its page.
    """
    search = AccountSearchForm(request.user, request.GET)
    if not search.is_valid():
        return _mass_page(request, search, None, 0, status=400)
    accounts = open_for_mass(
        search_accounts(
            request.user,
            text=search.cleaned_data["q"],
            creditor=search.cleaned_data["creditor"],
            portfolio=search.cleaned_data["portfolio"],
            stage=search.cleaned_data["stage"],
        )
    )
    found = accounts.count()
    form = MassResultForm(
        request.POST or None, initial={"expected": found, "token": uuid.uuid4()}
    )
    if request.method != "POST":
        return _mass_page(request, search, form, found)
    if not form.is_valid():
        return _mass_page(request, search, form, found, status=400)

    data = form.cleaned_data
    if data["expected"] != found:
        messages.error(
            request,
            _("The search now finds %(found)s accounts; check and confirm again.")
            % {"found": format_count(found)},
        )
        form = MassResultForm(initial={**data, "expected": found})
        return _mass_page(request, search, form, found)
    if found > MASS_IN_REQUEST:
        return _start_mass_job(request, search, form, found)
    try:
        recorded = record_mass_result_now(
            Account.objects.filter(pk__in=accounts.values("pk")),
            data["code"],
            channel=data["channel"],
            user=request.user,
            note=data["note"],
            token=data["token"],
            origin=request,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _mass_page(request, search, form, found, status=400)
    messages.success(
        request,
        ngettext(
            "Recorded %(result)s on %(count)s account.",
            "Recorded %(result)s on %(count)s accounts.",
            recorded,
        )
        % {"result": data["code"].name, "count": format_count(recorded)},
    )
    return redirect(f"{reverse('portfolios:accounts')}?{request.GET.urlencode()}")


def _start_mass_job(
    request: HttpRequest, search: AccountSearchForm, form: MassResultForm, found: int
) -> HttpResponse:
    data = form.cleaned_data
    try:
        job = start_mass_result_job(
            request.user,
            data["code"],
            channel=data["channel"],
            expected=found,
            note=data["note"],
            text=search.cleaned_data["q"],
            creditor=search.cleaned_data["creditor"],
            portfolio=search.cleaned_data["portfolio"],
            stage=search.cleaned_data["stage"],
            token=data["token"],
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _mass_page(request, search, form, found, status=400)
    return redirect("console:mass_job", job_id=job.pk)


@login_required
def mass_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """Show a mass result job; the page reloads itself until it ends."""
    job = _get_mass_job(request, job_id)
    context = {"job": job, "query": _search_query(job)}
    return render(request, "console/mass_job.html", context)


def _get_mass_job(request: HttpRequest, job_id: int) -> MassResultJob:
    """Return the job if the user asked for it or is a superuser, else 404.

    A 404 rather than a 403: another user's job is not even said to exist.
    """
    job = get_object_or_404(
        MassResultJob.objects.select_related("created_by", "result_code"), pk=job_id
    )
    if job.created_by_id != request.user.pk and not request.user.is_superuser:
        raise Http404
    return job


def _search_query(job: MassResultJob) -> str:
    """Return the accounts page's query string of the job's search."""
    query = QueryDict(mutable=True)
    for name, value in [
        ("q", job.search_text),
        ("creditor", job.creditor_id),
        ("portfolio", job.portfolio_id),
        ("stage", job.stage),
    ]:
        if value:
            query[name] = str(value)
    return query.urlencode()


def _mass_page(
    request: HttpRequest,
    search: AccountSearchForm,
    form: MassResultForm | None,
    found: int,
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": form,
        "search": search,
        "found": found,
        "in_background": found > MASS_IN_REQUEST,
        "errors": _mass_errors(search, form),
        "query": request.GET.urlencode(),
    }
    return render(request, "console/mass.html", context, status=status)


def _mass_errors(search: AccountSearchForm, form: MassResultForm | None) -> list[str]:
    """Return the errors shown above the form, each message once.

    The search's, the form's own and the hidden count's, which has no place
    of its own on the page; a refusal may repeat what another one says.
    """
    errors = [
        f"{search[name].label}: {error}"
        for name, field_errors in search.errors.items()
        for error in field_errors
    ]
    if form is not None:
        errors += form.non_field_errors()
        errors += [error for field in form.hidden_fields() for error in field.errors]
    return list(dict.fromkeys(errors))


def _initial(account: Account) -> dict:
    # An agent usually calls the debtor's first phone that still works.
    phone = (
        ContactPoint.objects.filter(
            debtor_id=account.debtor_id,
            related_person=None,
            kind=ContactKind.PHONE,
            status__in=USABLE_CONTACT_STATUSES,
        )
        .order_by("pk")
        .first()
    )
    return {"channel": Channel.OUTBOUND_CALL, "contact_point": phone}


def _account_page(request, account, form, status: int = 200) -> HttpResponse:
    context = {
        "page": get_account_page(request.user, account),
        "form": form,
        "may_work": request.user.has_perm(WORK),
        "may_enrich": request.user.has_perm(ENRICH),
        "may_relate": request.user.has_perm("parties.add_relatedperson"),
        "contact_form": ContactOfForm(debtor_id=account.debtor_id),
        "related_form": RelatedPersonForm(prefix=RELATED),
    }
    return render(request, "console/account.html", context, status=status)


def _form_reasons(form) -> str:
    """Return each refused field's label and reason, for a one-line message."""
    return " ".join(
        f"{form.fields[name].label}: {message}"
        if name in form.fields and form.fields[name].label
        else message
        for name, errors in form.errors.items()
        for message in errors
    )
