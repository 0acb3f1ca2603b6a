"""Mass results too large for a web request: queued as a job, run by a task.

``start_mass_result_job`` checks the code and channel as the action would,
stores the search and the count the user confirmed, and queues
``run_mass_result_job`` once the transaction commits. ``run_mass_job``
searches again as the user who asked and records the result only if the
search still finds that count, so that a job queued long ago never writes
on accounts nobody saw.
"""

import logging
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from recupero.collections.actions import (
    check_mass_code,
    get_result_code,
    open_for_mass,
    register_mass_result,
)
from recupero.collections.models import MassJobStatus, MassResultJob, ResultCode
from recupero.formatting import format_count, format_counted
from recupero.portfolios.listing import search_accounts
from recupero.portfolios.models import Account, Creditor, Portfolio

logger = logging.getLogger(__name__)

MASS = "collections.register_mass_result"


class JobRefused(Exception):
    """The job cannot run as asked; the message says why, in Spanish."""


@transaction.atomic
def start_mass_result_job(
    user: Any,
    code: ResultCode | str,
    *,
    channel: str,
    expected: int,
    note: str = "",
    text: str = "",
    creditor: Creditor | None = None,
    portfolio: Portfolio | None = None,
    stage: str = "",
    token: uuid.UUID | None = None,
) -> MassResultJob:
    """Queue a mass result of ``code`` on the accounts of one search.

    ``expected`` is the count the user confirmed. A code or a channel the
    action refuses is refused here (``ValidationError``), so that the form
    says so instead of a job failing later; so is a ``token`` some job
    already holds (the same form posted twice).
    """
    code = get_result_code(code)
    check_mass_code(code, channel)
    job = _create_job(
        created_by=user,
        result_code=code,
        channel=channel,
        note=note,
        search_text=text,
        creditor=creditor,
        portfolio=portfolio,
        stage=stage,
        expected=expected,
        token=token,
    )
    logger.info("mass result job %s: %s accounts queued", job.pk, expected)

    from recupero.collections.tasks import run_mass_result_job

    transaction.on_commit(lambda: run_mass_result_job.delay(job.pk))
    return job


@transaction.atomic
def record_mass_result_now(
    accounts: QuerySet[Account],
    code: ResultCode | str,
    *,
    channel: str,
    user: Any,
    token: uuid.UUID,
    note: str = "",
    origin: HttpRequest | None = None,
) -> int:
    """Record ``code`` on ``accounts`` in this request; return how many.

    A job row, done at once, keeps the form's ``token`` in the same
    transaction: the same form posted twice is refused
    (``ValidationError``) and records nothing. On PostgreSQL a second
    insert of the token waits for the first transaction and then fails.
    """
    code = get_result_code(code)
    check_mass_code(code, channel)
    now = timezone.now()
    job = _create_job(
        created_by=user,
        result_code=code,
        channel=channel,
        note=note,
        expected=0,
        status=MassJobStatus.RUNNING,
        started_at=now,
        token=token,
    )
    recorded = register_mass_result(
        accounts, code, channel=channel, user=user, note=note, origin=origin
    )
    job.status = MassJobStatus.DONE
    job.expected = job.recorded = recorded
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "expected", "recorded", "finished_at"])
    return recorded


def _create_job(**fields: Any) -> MassResultJob:
    try:
        # A savepoint, so that the caller's transaction survives the clash.
        with transaction.atomic():
            return MassResultJob.objects.create(**fields)
    except IntegrityError:
        token = fields.get("token")
        if token is None or not MassResultJob.objects.filter(token=token).exists():
            raise
    raise ValidationError(
        _(
            "This form was already sent: the mass result was recorded once "
            "and is not recorded again."
        ),
        code="already_recorded",
    )


def run_mass_job(job: MassResultJob) -> MassResultJob:
    """Run a pending job once; return it with the status it ended with.

    The switch from pending to running is one conditional UPDATE: a task
    delivered twice, or a job already run, finds nothing to do.
    """
    claimed = MassResultJob.objects.filter(
        pk=job.pk, status=MassJobStatus.PENDING
    ).update(status=MassJobStatus.RUNNING, started_at=timezone.now())
    job.refresh_from_db()
    if not claimed:
        logger.info("mass result job %s: already %s", job.pk, job.status)
        return job
    logger.info("mass result job %s: started", job.pk)

    try:
        recorded = _record(job)
    except JobRefused as refusal:
        return _fail(job, str(refusal))
    except ValidationError as error:
        return _fail(job, " ".join(error.messages))
    except Exception as error:  # noqa: BLE001 (the job records any failure)
        # The type only: a database error's text may quote an account's data.
        logger.error("mass result job %s: failed with %s", job.pk, type(error).__name__)
        logger.debug("mass result job %s traceback", job.pk, exc_info=True)
        return _fail(job, _unexpected_message(error))

    job.status = MassJobStatus.DONE
    job.recorded = recorded
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "recorded", "finished_at"])
    logger.info("mass result job %s: done, %s accounts", job.pk, recorded)
    return job


@transaction.atomic
def _record(job: MassResultJob) -> int:
    # One transaction: the count is checked on the rows that are written.
    user = job.created_by
    if not user.is_active or not user.has_perm(MASS):
        raise JobRefused(
            "El usuario que lo pidió ya no puede registrar resultados en masa: "
            "no se registró nada."
        )
    accounts = open_for_mass(
        search_accounts(
            user,
            text=job.search_text,
            creditor=job.creditor,
            portfolio=job.portfolio,
            stage=job.stage,
        )
    )
    found = accounts.count()
    if found != job.expected:
        raise JobRefused(
            "La búsqueda ahora encuentra "
            f"{format_counted(found, 'cuenta', 'cuentas')} y se "
            f"confirmaron {format_count(job.expected)}: no se registró nada. "
            "Revisá la búsqueda y confirmá de nuevo."
        )
    return register_mass_result(
        Account.objects.filter(pk__in=accounts.values("pk")),
        job.result_code,
        channel=job.channel,
        user=user,
        note=job.note,
    )


def _unexpected_message(error: Exception) -> str:
    return (
        "El resultado en masa se interrumpió por un error inesperado "
        f"({type(error).__name__}: {str(error)[:300]}): no se registró nada."
    )


def _fail(job: MassResultJob, error: str) -> MassResultJob:
    job.status = MassJobStatus.FAILED
    job.error = error
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])
    logger.warning("mass result job %s: failed", job.pk)
    return job
