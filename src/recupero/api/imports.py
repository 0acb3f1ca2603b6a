"""Creditor files in: upload one, follow it, read its row report."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Path, Query, Router, Status, UploadedFile

from recupero.access import scoping
from recupero.api import reading
from recupero.api.errors import ApiError
from recupero.api.permissions import require
from recupero.api.schemas import (
    Error,
    Id,
    ImportIssueOut,
    ImportJobOut,
    ImportReport,
    Page,
    Paging,
)
from recupero.api.uploads import check_single_file, safe_file_name
from recupero.portfolios.importing import start_import
from recupero.portfolios.models import ImportIssue, ImportJob

router = Router(tags=["imports"])

# Issues listed in the report itself; the rest page through /issues.
ISSUES_IN_REPORT = 100


def _job(request: HttpRequest, job_id: int) -> ImportJob:
    return reading.get_visible(scoping.visible_import_jobs(request.user), job_id)


@router.get("/imports", response={200: Page[ImportJobOut], 422: Error})
def list_imports(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    jobs = scoping.visible_import_jobs(request.user).order_by("-created_at", "-id")
    return reading.page(jobs, paging.limit, paging.offset, reading.each(job_out))


@router.post(
    "/imports",
    response={202: ImportJobOut, 400: Error, 403: Error, 404: Error, 422: Error},
    summary="Upload a file to import with one of the creditor's profiles",
)
def upload(
    request: HttpRequest,
    profile_id: Form[Id],
    file: File[UploadedFile],
    portfolio_id: Form[Id | None] = None,
    force: Form[bool] = False,
) -> Status[dict[str, Any]]:
    require(request, "portfolios.add_importjob")
    check_single_file(request)
    user = request.user
    profile = reading.get_visible(
        scoping.visible_import_profiles(user).select_related("creditor"), profile_id
    )
    portfolio = None
    if portfolio_id is not None:
        portfolio = reading.get_visible(scoping.visible_portfolios(user), portfolio_id)
        if portfolio.creditor_id != profile.creditor_id:
            raise ApiError(
                400,
                "portfolio_of_other_creditor",
                _("The portfolio is not of the profile's creditor."),
                field="portfolio_id",
            )
    job = start_import(
        creditor=profile.creditor,
        profile=profile,
        portfolio=portfolio,
        source=file,
        file_name=safe_file_name(file.name, "archivo"),
        user=user,
        force=force,
    )
    return Status(202, job_out(job))


@router.get("/imports/{job_id}", response={200: ImportReport, 404: Error})
def get_import(request: HttpRequest, job_id: Path[Id]) -> dict[str, Any]:
    job = _job(request, job_id)
    issues = ImportIssue.objects.filter(job=job).order_by("line", "id")
    return {
        **job_out(job),
        "issues_total": issues.count(),
        "issues": [issue_out(issue) for issue in issues[:ISSUES_IN_REPORT]],
    }


@router.get(
    "/imports/{job_id}/issues",
    response={200: Page[ImportIssueOut], 404: Error, 422: Error},
)
def list_issues(
    request: HttpRequest, job_id: Path[Id], paging: Query[Paging]
) -> dict[str, Any]:
    job = _job(request, job_id)
    issues = ImportIssue.objects.filter(job=job).order_by("line", "id")
    return reading.page(issues, paging.limit, paging.offset, reading.each(issue_out))


def job_out(job: ImportJob) -> dict[str, Any]:
    return {
        "id": job.pk,
        "creditor_id": job.creditor_id,
        "profile_id": job.profile_id,
        "portfolio_id": job.portfolio_id,
        "file_name": job.file_name,
        "size": job.size,
        "status": job.status,
        "duplicate_of_id": job.duplicate_of_id,
        "rows_read": job.rows_read,
        "rows_created": job.rows_created,
        "rows_updated": job.rows_updated,
        "rows_unchanged": job.rows_unchanged,
        "rows_rejected": job.rows_rejected,
        "rows_with_warnings": job.rows_with_warnings,
        "message": job.message,
        "error": job.error,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


def issue_out(issue: ImportIssue) -> dict[str, Any]:
    return {
        "line": issue.line,
        "column": issue.column,
        "field": issue.field,
        "value": issue.value,
        "severity": issue.severity,
        "code": issue.code,
        "message": issue.message,
        "account_number": issue.account_number,
    }
