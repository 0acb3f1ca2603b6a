"""Background tasks of collections; without a broker they run in-process."""

import logging

from celery import shared_task

from recupero.collections.mass_jobs import run_mass_job
from recupero.collections.models import MassResultJob

logger = logging.getLogger(__name__)


@shared_task
def run_mass_result_job(job_id: int) -> str:
    """Run one pending mass result job; return the status it ended with."""
    job = (
        MassResultJob.objects.select_related(
            "created_by", "result_code", "creditor", "portfolio"
        )
        .filter(pk=job_id)
        .first()
    )
    if job is None:
        logger.warning("mass result job %s: not found", job_id)
        return "missing"
    return run_mass_job(job).status
