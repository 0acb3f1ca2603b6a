"""The supervisor's view: the team's day, the queues, and moving accounts."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import ngettext

from recupero.access.actions import assign_accounts
from recupero.console.figures import get_team_day, list_queue_sizes
from recupero.console.supervisor_forms import DayForm, ReassignForm
from recupero.formatting import format_count, format_date

SUPERVISE = "access.change_accountassignment"
# The figures fragment asks again this often, in seconds.
REFRESH_SECONDS = 30
# Typed numbers that match no account, listed back to the supervisor.
MISSING_SHOWN = 20


@login_required
@permission_required(SUPERVISE, raise_exception=True)
def home(request: HttpRequest) -> HttpResponse:
    # Unasked, the box shows today, written as the supervisor would type it.
    today = {"day": format_date(timezone.localdate())}
    form = DayForm(request.GET or None, initial=today)
    context = {**_figures_context(request, form), "day_form": form}
    return render(request, "supervision/home.html", context)


@login_required
@permission_required(SUPERVISE, raise_exception=True)
def figures(request: HttpRequest) -> HttpResponse:
    """Return the tables alone, for the page's polling."""
    context = _figures_context(request, DayForm(request.GET or None))
    return render(request, "supervision/_figures.html", context)


def _figures_context(request: HttpRequest, form: DayForm) -> dict:
    day = _chosen_day(form)
    now = timezone.now()
    return {
        "team": get_team_day(request.user, day),
        "queues": list_queue_sizes(request.user, now=now),
        "now": now,
        "day": day,
        "is_today": day == timezone.localdate(),
        "previous_day": day - datetime.timedelta(days=1),
        "next_day": day + datetime.timedelta(days=1),
        "refresh_seconds": REFRESH_SECONDS,
    }


def _chosen_day(form: DayForm) -> datetime.date:
    # A day that cannot be read shows today, with the form saying why.
    if form.is_bound and form.is_valid() and form.cleaned_data["day"]:
        return form.cleaned_data["day"]
    return timezone.localdate()


@login_required
@permission_required(SUPERVISE, raise_exception=True)
def reassign(request: HttpRequest) -> HttpResponse:
    """Move accounts to an area (and agent) in two steps: count, then confirm.

    The count shown comes back with the confirmation: if the same choice
    finds a different number by then, nothing moves and the page shows
    the new count to confirm again.
    """
    form = ReassignForm(request.POST or None, user=request.user)
    if request.method != "POST" or not form.is_valid():
        return _reassign_page(request, form)

    accounts = form.chosen_accounts()
    found = accounts.count()
    confirming = "confirm" in request.POST
    if not confirming or form.cleaned_data["expected"] != found:
        if confirming:
            messages.error(
                request,
                ngettext(
                    "The choice now finds %(found)s account; check and confirm again.",
                    "The choice now finds %(found)s accounts; check and confirm again.",
                    found,
                )
                % {"found": format_count(found)},
            )
        return _reassign_page(
            request,
            _with_expected(form, found),
            found=found,
            missing=form.missing_numbers(),
        )

    data = form.cleaned_data
    try:
        moved = assign_accounts(
            accounts,
            area=data["area"],
            agent=data["agent"],
            actor=request.user,
            origin=request,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _reassign_page(request, form)
    messages.success(request, _moved_message(moved, data))
    return redirect("supervision:home")


def _with_expected(form: ReassignForm, found: int) -> ReassignForm:
    data = form.data.copy()
    data["expected"] = str(found)
    confirmable = ReassignForm(data, user=form.user)
    confirmable.is_valid()
    return confirmable


def _moved_message(moved: int, data: dict) -> str:
    values = {"count": format_count(moved), "area": data["area"]}
    if data["agent"] is None:
        return (
            ngettext(
                "%(count)s account moved to %(area)s.",
                "%(count)s accounts moved to %(area)s.",
                moved,
            )
            % values
        )
    values["agent"] = data["agent"].get_full_name() or data["agent"].get_username()
    return (
        ngettext(
            "%(count)s account moved to %(area)s, agent %(agent)s.",
            "%(count)s accounts moved to %(area)s, agent %(agent)s.",
            moved,
        )
        % values
    )


def _reassign_page(
    request: HttpRequest,
    form: ReassignForm,
    found: int | None = None,
    missing: list[str] | None = None,
) -> HttpResponse:
    missing = missing or []
    context = {
        "form": form,
        "found": found,
        "missing": missing[:MISSING_SHOWN],
        "missing_count": len(missing),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "supervision/reassign.html", context, status=status)
