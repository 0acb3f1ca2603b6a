"""Import jobs: take a file in, run it chunk by chunk, report.

``start_import`` stores the file and decides whether it is new;
``run_import`` reads it in chunks of ``RECUPERO_IMPORT_CHUNK_ROWS`` rows,
each chunk parsed in Python and written in one transaction, so that the
web status page can follow the counters and an interrupted job leaves
whole chunks behind: running the same file again completes it, every
loaded row being found unchanged.
"""

import contextlib
import hashlib
import itertools
import logging
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, models, transaction
from django.utils import timezone

from recupero.collections.models import AccountState
from recupero.formatting import format_count, format_counted, format_date
from recupero.parties.models import ContactPoint, Debtor
from recupero.payments.models import LedgerEntry
from recupero.portfolios.cycle import business_date
from recupero.portfolios.importing.loading import ChunkCounts, ChunkLoader
from recupero.portfolios.importing.mapping import (
    ImportContext,
    ProfileError,
    RowMapper,
)
from recupero.portfolios.importing.reading import (
    FileLayout,
    RowReader,
    UnreadableFile,
    inspect_file,
)
from recupero.portfolios.models import (
    Account,
    Creditor,
    ImportIssue,
    ImportJob,
    ImportKind,
    ImportProfile,
    ImportSeenKey,
    ImportStatus,
    IssueSeverity,
    Portfolio,
)

if TYPE_CHECKING:
    from recupero.payments.payment_import import PaymentChunkLoader

logger = logging.getLogger(__name__)

Progress = Callable[[ImportJob], None]
HASH_BLOCK = 1 << 20
COUNTERS = (
    "rows_read",
    "rows_created",
    "rows_updated",
    "rows_unchanged",
    "rows_rejected",
    "rows_with_warnings",
)


def start_import(
    *,
    creditor: Creditor,
    profile: ImportProfile,
    source: Path | UploadedFile,
    file_name: str | None = None,
    portfolio: Portfolio | None = None,
    user: Any = None,
    force: bool = False,
    run_now: bool = False,
    progress: Progress | None = None,
) -> ImportJob:
    """Register a file for import and run it now or as a task.

    A file already imported whole for the same creditor (same SHA-256), or
    pending or running under the same profile, is not read again unless
    ``force``: the returned job has status ``duplicate`` and names the job
    that imported it. ``progress`` is called after each chunk when the job
    runs here (``run_now``).
    """
    if profile.creditor_id != creditor.pk:
        raise ValueError("the profile belongs to another creditor")
    name = file_name or Path(str(source.name)).name
    digest, size = _sha256(source)
    job = ImportJob(
        creditor=creditor,
        profile=profile,
        portfolio=portfolio,
        file_name=name[:255],
        sha256=digest,
        size=size,
        created_by=user if getattr(user, "pk", None) else None,
    )
    with transaction.atomic():
        # The same file uploaded twice at once: without the lock each upload
        # would find no earlier job and both would run. Locked, the second
        # waits until the first job row is committed, then sees it.
        Creditor.objects.select_for_update().filter(pk=creditor.pk).first()
        earlier = _earlier_import(creditor, profile, digest)
        # A payment file is read again, whole: each payment is found by its
        # reference and reported line by line as already imported (case C05).
        if earlier is not None and not force and profile.kind != ImportKind.PAYMENTS:
            return _record_duplicate(job, earlier)

        with _opened(source) as stream:
            job.file.save(name, File(stream, name=name), save=False)
        job.save()
        logger.info(
            "import job %s: creditor %s, %s bytes queued", job.pk, creditor.pk, size
        )
        if not run_now:
            from recupero.portfolios.tasks import run_import_job

            transaction.on_commit(lambda: run_import_job.delay(job.pk))
            return job
    return run_import(job, progress)


def _sha256(source: Path | UploadedFile) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with _opened(source) as stream:
        while block := stream.read(HASH_BLOCK):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


@contextlib.contextmanager
def _opened(source: Path | UploadedFile) -> Iterator[Any]:
    if isinstance(source, Path):
        with source.open("rb") as stream:
            yield stream
        return
    source.seek(0)
    yield source
    source.seek(0)


def _earlier_import(
    creditor: Creditor, profile: ImportProfile, digest: str
) -> ImportJob | None:
    """Return the job that imported this file, or is importing it now.

    One still under way counts only under the same profile: another
    profile reads the same bytes into other fields.
    """
    under_way = models.Q(
        profile=profile, status__in=[ImportStatus.PENDING, ImportStatus.RUNNING]
    )
    return (
        ImportJob.objects.filter(creditor=creditor, sha256=digest)
        .filter(models.Q(status=ImportStatus.DONE) | under_way)
        .order_by("created_at", "pk")
        .first()
    )


def _record_duplicate(job: ImportJob, earlier: ImportJob) -> ImportJob:
    when = earlier.finished_at or earlier.created_at
    local = timezone.localtime(when).date()
    job.status = ImportStatus.DUPLICATE
    job.duplicate_of = earlier
    job.bytes_read = job.size
    job.finished_at = timezone.now()
    already = (
        f"ya se importó el {format_date(local)}"
        if earlier.status == ImportStatus.DONE
        else "ya se está importando"
    )
    job.message = (
        f"Este archivo {already} en la importación "
        f"n.º {earlier.pk} («{earlier.file_name}»): no se cambió nada. "
        "Para leerlo otra vez: «recupero import --force» o, en la web, «Importar "
        "de nuevo aunque este mismo archivo ya se haya importado»."
    )
    job.save()
    logger.info("import job %s: duplicate of job %s", job.pk, earlier.pk)
    return job


def run_import(job: ImportJob, progress: Progress | None = None) -> ImportJob:
    """Read the job's file into accounts, debtors and contact points.

    The file is checked whole first (it decodes, has a header, has every
    mapped column); if it cannot be read the job fails and nothing is
    written. Rows that cannot make an account are rejected, each with its
    line, column and reason; the others load.
    """
    if job.status != ImportStatus.PENDING:
        # A task delivered twice, or a finished job: nothing to do.
        return job
    creditor = job.creditor
    as_of = business_date(creditor)
    job.status = ImportStatus.RUNNING
    job.save(update_fields=["status"])
    logger.info("import job %s: creditor %s started", job.pk, creditor.pk)

    with _local_copy(job) as path:
        try:
            layout = inspect_file(
                path, encoding=job.profile.encoding, delimiter=job.profile.delimiter
            )
            context = ImportContext(
                creditor_id=creditor.pk,
                grace_days=creditor.grace_days,
                as_of=as_of,
                default_area=job.profile.default_area,
            )
            mapper = RowMapper(job.profile, layout, context)
        except (UnreadableFile, ProfileError) as problem:
            return _fail(job, f"{job.file_name}: {problem.message}")
        job.detected = {**layout.as_json(), "as_of": as_of.isoformat()}
        job.save(update_fields=["detected"])
        _record_file_warnings(job, layout)
        try:
            _load(job, path, layout, mapper, context, progress)
        except Exception as error:  # noqa: BLE001 (the job records any failure)
            logger.error("import job %s: failed with %s", job.pk, type(error).__name__)
            logger.debug("import job %s traceback", job.pk, exc_info=True)
            return _fail(job, _interrupted_message(job, error))
        finally:
            ImportSeenKey.objects.filter(job=job).delete()

    job.status = ImportStatus.DONE
    job.bytes_read = job.size
    job.finished_at = timezone.now()
    job.message = summary(job)
    job.save(update_fields=["status", "bytes_read", "finished_at", "message"])
    logger.info(
        "import job %s: done, %s rows, %s rejected",
        job.pk,
        job.rows_read,
        job.rows_rejected,
    )
    _refresh_statistics(job)
    if progress:
        progress(job)
    return job


def _record_file_warnings(job: ImportJob, layout: FileLayout) -> None:
    # On line 1, the header's: a warning about the whole file has no row.
    ImportIssue.objects.bulk_create(
        ImportIssue(
            job=job,
            line=1,
            severity=IssueSeverity.WARNING,
            code="file_encoding",
            message=warning[:300],
        )
        for warning in layout.warnings
    )


# Beyond this many rows written, PostgreSQL's planner statistics are read
# again at once: after a first load they describe empty tables, and the
# queue's plans go wrong until autovacuum gets round to it.
ANALYZE_AFTER_ROWS = 10_000


def _refresh_statistics(job: ImportJob) -> None:
    if connection.vendor != "postgresql":
        return
    if job.rows_created + job.rows_updated < ANALYZE_AFTER_ROWS:
        return
    tables = [
        model._meta.db_table
        for model in (Account, Debtor, ContactPoint, LedgerEntry, AccountState)
    ]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(tables))


def _load(
    job: ImportJob,
    path: Path,
    layout: FileLayout,
    mapper: RowMapper,
    context: ImportContext,
    progress: Progress | None,
) -> None:
    loader: ChunkLoader | PaymentChunkLoader
    if mapper.kind == ImportKind.PAYMENTS:
        # Imported here, not at the top: payments post through the import's
        # bulk writers, so the payments app loads this module first.
        from recupero.payments import payment_import

        loader = payment_import.PaymentChunkLoader(job, mapper, context)
    else:
        loader = ChunkLoader(job, mapper, context)
    reader = RowReader(path, layout)
    size = max(1, settings.RECUPERO_IMPORT_CHUNK_ROWS)
    rows = iter(reader)
    with _bulk_load_settings():
        while chunk := list(itertools.islice(rows, size)):
            mapped = [mapper.map_row(line, cells) for line, cells in chunk]
            with transaction.atomic():
                counts = loader.load(mapped)
                _add_counts(job, counts, reader.bytes_read)
            if progress:
                progress(job)


def _add_counts(job: ImportJob, counts: ChunkCounts, bytes_read: int) -> None:
    job.rows_read += counts.read
    job.rows_created += counts.created
    job.rows_updated += counts.updated
    job.rows_unchanged += counts.unchanged
    job.rows_rejected += counts.rejected
    job.rows_with_warnings += counts.with_warnings
    job.bytes_read = bytes_read
    job.save(update_fields=[*COUNTERS, "bytes_read"])


@contextlib.contextmanager
def _bulk_load_settings() -> Iterator[None]:
    """Give SQLite a larger page cache while a file loads.

    Index pages of the accounts, debtors and contact points stay in memory
    instead of being read back for every chunk; the previous size comes
    back afterwards. PostgreSQL needs nothing here.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -65536")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


@contextlib.contextmanager
def _local_copy(job: ImportJob) -> Iterator[Path]:
    """Yield a local path of the job's file, copying it from remote storage."""
    try:
        path = Path(job.file.path)
    except NotImplementedError:
        path = None
    if path is not None:
        yield path
        return
    with tempfile.NamedTemporaryFile(suffix=Path(job.file_name).suffix) as copy:
        with job.file.open("rb") as stream:
            shutil.copyfileobj(stream, copy)
        copy.flush()
        yield Path(copy.name)


def _fail(job: ImportJob, error: str) -> ImportJob:
    job.status = ImportStatus.FAILED
    job.error = error
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])
    logger.warning("import job %s: failed", job.pk)
    return job


def _interrupted_message(job: ImportJob, error: Exception) -> str:
    loaded = job.rows_read
    return (
        f"{job.file_name}: la importación se interrumpió por un error inesperado "
        f"({type(error).__name__}: {str(error)[:300]}). "
        f"Quedaron cargadas completas las primeras {format_count(loaded)} filas; "
        "importar el mismo archivo otra vez completa la carga sin duplicar nada."
    )


def summary(job: ImportJob) -> str:
    """Return one line that says what the import did."""
    if job.profile.kind == ImportKind.PAYMENTS:
        return _payments_summary(job)
    parts = [
        format_counted(job.rows_read, "fila leída", "filas leídas"),
        format_counted(job.rows_created, "cuenta nueva", "cuentas nuevas"),
        format_counted(job.rows_updated, "actualizada", "actualizadas"),
        format_counted(job.rows_unchanged, "sin cambios", "sin cambios"),
        format_counted(job.rows_rejected, "rechazada", "rechazadas"),
        format_counted(job.rows_with_warnings, "con advertencias", "con advertencias"),
    ]
    return ", ".join(parts) + "."


def _payments_summary(job: ImportJob) -> str:
    # A payment line applied counts as created, one already imported as
    # unchanged (see PaymentChunkLoader).
    parts = [
        format_counted(job.rows_read, "fila leída", "filas leídas"),
        format_counted(job.rows_created, "pago aplicado", "pagos aplicados"),
        format_counted(job.rows_unchanged, "ya importado", "ya importados"),
        format_counted(job.rows_rejected, "rechazada", "rechazadas"),
        format_counted(job.rows_with_warnings, "con advertencias", "con advertencias"),
    ]
    return ", ".join(parts) + "."
