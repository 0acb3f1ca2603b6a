from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

from recupero.formatting import format_count
from recupero.portfolios.actions import get_or_create_portfolio
from recupero.portfolios.cycle import business_date
from recupero.portfolios.importing import start_import
from recupero.portfolios.models import (
    Creditor,
    ImportJob,
    ImportKind,
    ImportProfile,
    ImportStatus,
    Portfolio,
)

ISSUES_SHOWN = 10


class Command(BaseCommand):
    help = "Importa el archivo de cartera o de saldos de un acreedor (CSV o XLSX)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="Archivo CSV o XLSX.")
        parser.add_argument("--creditor", required=True, help="Código del acreedor.")
        parser.add_argument(
            "--profile", required=True, help="Nombre del perfil de importación."
        )
        parser.add_argument(
            "--portfolio",
            help="Código de la cartera de las cuentas (se crea si es nueva).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Leer el archivo aunque ya se haya importado.",
        )

    def handle(self, *args: object, **options: object) -> None:
        path = options["file"]
        assert isinstance(path, Path)
        if not path.is_file():
            raise CommandError(f"{path}: no existe el archivo")
        creditor = Creditor.objects.filter(code=options["creditor"]).first()
        if creditor is None:
            raise CommandError(f"No hay un acreedor con código {options['creditor']!r}")
        profile = ImportProfile.objects.filter(
            creditor=creditor, name=options["profile"]
        ).first()
        if profile is None:
            names = ImportProfile.objects.filter(creditor=creditor).values_list(
                "name", flat=True
            )
            known = ", ".join(repr(name) for name in names.order_by("name"))
            raise CommandError(
                f"El acreedor {creditor.code} no tiene un perfil "
                f"{options['profile']!r}; sus perfiles: {known or 'ninguno'}"
            )
        portfolio = self._portfolio(creditor, options["portfolio"])

        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            transient=True,
        ) as bar:
            task = bar.add_task(path.name, total=path.stat().st_size)

            def advance(job: ImportJob) -> None:
                bar.update(
                    task,
                    completed=job.bytes_read,
                    description=f"{path.name}: {format_count(job.rows_read)} filas",
                )

            job = start_import(
                creditor=creditor,
                profile=profile,
                source=path,
                portfolio=portfolio,
                force=bool(options["force"]),
                run_now=True,
                progress=advance,
            )
        self._report(job)

    def _portfolio(self, creditor: Creditor, code: object) -> Portfolio | None:
        if not code:
            return None
        return get_or_create_portfolio(
            creditor=creditor,
            code=str(code),
            name=str(code),
            placed_on=business_date(creditor),
        )

    def _report(self, job: ImportJob) -> None:
        if job.status == ImportStatus.FAILED:
            raise CommandError(f"No se importó nada. {job.error}")
        if job.status == ImportStatus.DUPLICATE:
            self.stdout.write(job.message)
            return
        self.stdout.write(f"Importación n.º {job.pk}: {job.file_name}")
        if job.profile.kind == ImportKind.PAYMENTS:
            # A payment applied counts as created, one already imported as
            # unchanged (see PaymentChunkLoader).
            rows = [
                ("Filas leídas", job.rows_read),
                ("Pagos aplicados", job.rows_created),
                ("Ya importados", job.rows_unchanged),
                ("Rechazadas", job.rows_rejected),
                ("Con advertencias", job.rows_with_warnings),
            ]
        else:
            rows = [
                ("Filas leídas", job.rows_read),
                ("Cuentas nuevas", job.rows_created),
                ("Actualizadas", job.rows_updated),
                ("Sin cambios", job.rows_unchanged),
                ("Rechazadas", job.rows_rejected),
                ("Con advertencias", job.rows_with_warnings),
            ]
        for label, count in rows:
            self.stdout.write(f"  {label + ':':<18}{format_count(count):>12}")
        issues = list(job.issues.order_by("line", "id")[:ISSUES_SHOWN])
        if issues:
            self.stdout.write("Primeros problemas:")
        for issue in issues:
            kind = "rechazo" if issue.severity == "error" else "advertencia"
            column = f", columna «{issue.column}»" if issue.column else ""
            self.stdout.write(f"  línea {issue.line}{column} ({kind}): {issue.message}")
        remaining = job.issues.count() - len(issues)
        if remaining > 0:
            self.stdout.write(f"  … y {format_count(remaining)} más.")
