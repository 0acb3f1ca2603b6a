"""Background tasks of portfolios; without a broker they run in-process."""

import logging

from celery import shared_task

from recupero.portfolios.importing import run_import
from recupero.portfolios.models import ImportJob

logger = logging.getLogger(__name__)


@shared_task
def run_import_job(job_id: int) -> str:
    """Run one pending import job; return the status it ended with."""
    job = (
        ImportJob.objects.select_related("creditor", "profile")
        .filter(pk=job_id)
        .first()
    )
    if job is None:
        logger.warning("import job %s: not found", job_id)
        return "missing"
    return run_import(job).status
