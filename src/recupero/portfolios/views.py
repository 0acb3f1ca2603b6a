"""Portfolio screens: the stage overview, the account search and imports."""

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from recupero.portfolios import listing
from recupero.portfolios.forms import (
    AccountSearchForm,
    ColumnsJSONForm,
    ImportProfileForm,
    ImportUploadForm,
    MappingFormSet,
    check_profile_or_raise,
    columns_as_json,
    mappable_fields,
    mapping_initial,
    mapping_rows,
)
from recupero.portfolios.models import (
    Creditor,
    ImportIssue,
    ImportJob,
    ImportProfile,
    ImportStatus,
)
from recupero.portfolios.queries import UNSTAGED, StageSummary, stage_summary

ACCOUNTS_PER_PAGE = 50
IMPORTS_PER_PAGE = 50
ISSUES_SHOWN = 200
# Excel reads a CSV as UTF-8 only when the file starts with this mark.
BYTE_ORDER_MARK = "\ufeff"


@dataclass(frozen=True)
class CreditorOverview:
    creditor: Creditor
    summary: StageSummary
    portfolios: list[listing.PortfolioRow]

    @property
    def portfolio_cells(
        self,
    ) -> list[tuple[listing.PortfolioRow, list[listing.StageCell]]]:
        """Return each portfolio with its cells in the order of the stages."""
        slugs = [total.stage for total in self.summary.stages]
        return [(row, row.cells_in(slugs)) for row in self.portfolios]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    breakdown = listing.portfolio_breakdown(request.user)
    creditors = listing.visible_creditors(request.user).order_by("name")
    accounts = listing.visible_accounts(request.user)
    overviews = [
        CreditorOverview(
            creditor,
            stage_summary(creditor=creditor, accounts=accounts),
            breakdown.get(creditor.pk, []),
        )
        for creditor in creditors
    ]
    total = None
    if len(overviews) > 1:
        total = stage_summary(accounts=accounts, creditors=creditors)
    as_of = overviews[0].summary.as_of if overviews else None
    context = {"overviews": overviews, "total": total, "as_of": as_of}
    return render(request, "portfolios/home.html", context)


@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    form = AccountSearchForm(request.user, request.GET or None)
    if form.is_bound and form.is_valid():
        filters = form.cleaned_data
        accounts = listing.search_accounts(
            request.user,
            text=filters["q"],
            creditor=filters["creditor"],
            portfolio=filters["portfolio"],
            stage=filters["stage"],
        )
    elif form.is_bound:
        accounts = listing.visible_accounts(request.user).none()
    else:
        accounts = listing.search_accounts(request.user)
    page = Paginator(accounts, ACCOUNTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "unstaged": UNSTAGED,
    }
    template = "portfolios/account_list.html"
    if request.htmx and request.htmx.target == "account-results":
        template = "portfolios/_account_results.html"
    return render(request, template, context)


# Imports


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    jobs = listing.list_imports(request.user)
    page = Paginator(jobs, IMPORTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "portfolios/import_list.html", {"page": page})


@login_required
@permission_required("portfolios.add_importjob", raise_exception=True)
@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ImportUploadForm(request.user, request.POST, request.FILES)
        if form.is_valid():
            job = _start_import(request, form.cleaned_data)
            return redirect("portfolios:import_detail", job_id=job.pk)
    else:
        # Choosing a creditor reloads the form (htmx) with its profiles only.
        form = ImportUploadForm(request.user, initial=request.GET.dict())
    return render(request, "portfolios/import_new.html", {"form": form})


def _start_import(request: HttpRequest, data: dict) -> ImportJob:
    from recupero.portfolios.importing import start_import

    upload = data["file"]
    return start_import(
        creditor=data["creditor"],
        profile=data["profile"],
        portfolio=data["portfolio"],
        source=upload,
        file_name=upload.name,
        user=request.user,
        force=data["force"],
    )


@login_required
def import_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = listing.get_import_job(request.user, job_id)
    finished = job.status not in {ImportStatus.PENDING, ImportStatus.RUNNING}
    context = {
        "job": job,
        "finished": finished,
        "issues": listing.list_first_issues(job, ISSUES_SHOWN) if finished else [],
        "issues_shown": ISSUES_SHOWN,
        "detected_delimiter": _delimiter_name(job.detected.get("delimiter", "")),
    }
    template = "portfolios/import_detail.html"
    if request.htmx:
        template = "portfolios/_import_job.html"
    return render(request, template, context)


def _delimiter_name(delimiter: str) -> str:
    names = {
        ";": _("; (semicolon)"),
        ",": _(", (comma)"),
        "\t": _("Tab"),
        "tab": _("Tab"),
        "|": _("| (pipe)"),
    }
    return names.get(delimiter, delimiter)


@login_required
def import_issues_csv(request: HttpRequest, job_id: int) -> StreamingHttpResponse:
    job = listing.get_import_job(request.user, job_id)
    response = StreamingHttpResponse(
        _issue_lines(listing.iter_issues(job)), content_type="text/csv; charset=utf-8"
    )
    name = f"problemas-importacion-{job.pk}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class _Line:
    """A file-like object whose write returns the text, for csv.writer."""

    def write(self, text: str) -> str:
        return text


def _issue_lines(issues: Iterable[ImportIssue]) -> Iterator[str]:
    writer = csv.writer(_Line(), delimiter=";")
    header = [
        _("Line"),
        _("Column"),
        _("Field"),
        _("Value"),
        _("Severity"),
        _("Code"),
        _("Reason"),
        _("Account number"),
    ]
    yield BYTE_ORDER_MARK + writer.writerow(header)
    for issue in issues:
        yield writer.writerow(
            [
                issue.line,
                issue.column,
                issue.field,
                issue.value,
                issue.get_severity_display(),
                issue.code,
                issue.message,
                issue.account_number,
            ]
        )


# Import profiles


@login_required
def profile_list(request: HttpRequest) -> HttpResponse:
    profiles = listing.list_profiles(request.user)
    return render(request, "portfolios/profile_list.html", {"profiles": profiles})


@login_required
@permission_required("portfolios.add_importprofile", raise_exception=True)
@require_http_methods(["GET", "POST"])
def profile_new(request: HttpRequest) -> HttpResponse:
    initial = {"creditor": request.GET.get("creditor")}
    return _edit_profile(request, ImportProfile(), initial)


@login_required
@permission_required("portfolios.change_importprofile", raise_exception=True)
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest, profile_id: int) -> HttpResponse:
    profile = listing.get_import_profile(request.user, profile_id)
    return _edit_profile(request, profile, {})


def _edit_profile(
    request: HttpRequest, profile: ImportProfile, initial: dict
) -> HttpResponse:
    """Show or save a profile's options and its column mapping.

    The mapping is a table of the import engine's fields when that list is
    known, else the ``columns`` JSON itself.
    """
    fields = mappable_fields()
    data = request.POST if request.method == "POST" else None
    form = ImportProfileForm(request.user, data, instance=profile, initial=initial)
    if fields is not None:
        mapping = MappingFormSet(
            data, prefix="map", initial=mapping_initial(profile.columns or {}, fields)
        )
    else:
        mapping = ColumnsJSONForm(
            data, prefix="map", initial={"columns": columns_as_json(profile.columns)}
        )

    if data is not None and form.is_valid() and mapping.is_valid():
        profile = form.save(commit=False)
        if fields is not None:
            profile.columns = mapping.columns(fields)
        else:
            profile.columns = mapping.cleaned_data["columns"]
        try:
            check_profile_or_raise(profile)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            profile.save()
            return redirect("portfolios:profile_edit", profile_id=profile.pk)

    context = {
        "form": form,
        "mapping": mapping,
        "rows": mapping_rows(mapping, fields) if fields is not None else [],
        "profile": profile,
    }
    return render(request, "portfolios/profile_form.html", context)
