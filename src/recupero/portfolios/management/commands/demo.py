"""``recupero demo``: a real portfolio loaded, aged and served in one command.

Migrates the database, loads the demo's parameters, converts the shipped UCI
data set into a creditor's files and replays its six months through the
ordinary imports: the April statement as the portfolio, then each month's
payments (payment import) and, from May, its statement (balance update).
Then it runs the nightly cycle as of the September statement date and
prints what happened; then serves the application. Running it again
changes nothing: every file is recognised as already imported.
"""

import hashlib
import socket
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Sum
from rich.console import Console, Group
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from rich.text import Text

from recupero.collections.models import AccountState
from recupero.collections.nightly import run_collections_night
from recupero.collections.states import ManagementState
from recupero.demo.conversion import (
    STATEMENT_DATE,
    MonthFile,
    convert_months,
    convert_uci,
)
from recupero.demo.fixtures import (
    CONVERTED_FILE_NAME,
    DEMO_PASSWORD,
    DEMO_USERS,
    MONTHLY_DIRECTORY,
    DemoSetup,
    load_demo_parameters,
)
from recupero.demo.summary import WarningKind, list_warning_kinds
from recupero.formatting import format_count, format_date, format_money
from recupero.payments.models import Payment
from recupero.portfolios.cycle import run_cycle
from recupero.portfolios.importing import start_import
from recupero.portfolios.management.commands.report import stage_table, write_rich
from recupero.portfolios.models import (
    ImportJob,
    ImportKind,
    ImportProfile,
    ImportStatus,
)
from recupero.portfolios.queries import last_cycle_date, stage_summary

UCI_ROWS = 30_000
DEFAULT_ADDRESS = "127.0.0.1:8000"


@dataclass(frozen=True)
class Loaded:
    """A file of the demo and the import that holds it (now or before)."""

    job: ImportJob
    already: bool
    month: MonthFile | None = None


class Command(BaseCommand):
    help = (
        "Carga la demo (30.000 cuentas reales de tarjeta, deudores sintéticos), "
        "corre el ciclo nocturno, imprime un resumen y sirve la aplicación."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help="Cargar e imprimir el resumen, y salir sin servir.",
        )
        parser.add_argument(
            "--addr",
            default=DEFAULT_ADDRESS,
            help=f"Dirección y puerto del servidor (por omisión {DEFAULT_ADDRESS}).",
        )

    def handle(self, *args: object, **options: Any) -> None:
        self.progress_console = Console(file=sys.stderr)
        if not options["no_serve"]:
            # Before the minute of loading, not after it.
            check_address_free(options["addr"])

        self.say("Preparando la base de datos…")
        # The SQLite file lives there; a fresh RECUPERO_VAR_DIR may not exist.
        Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        setup = load_demo_parameters()
        if setup.profile.history:
            # Loaded by an earlier demo, from the September file alone: the
            # months cannot be replayed under it.
            raise CommandError(
                "Esta base tiene la demo de una versión anterior (la cartera al "
                "30/09/2005 sola). Borrala con `make clean` (o borrá "
                f"{settings.VAR_DIR}/*.sqlite3) y corré `make demo` de nuevo."
            )
        self.say(
            f"Acreedor de la demo: {setup.creditor.name} "
            f"(código {setup.creditor.code}), cartera «{setup.portfolio.name}»."
        )

        path, months = self.convert()
        opening = self.load(setup, setup.profile, path, UCI_ROWS)
        replay = [
            self.load(
                setup, self.profile_of(setup, month), month.path, month.rows, month
            )
            for month in months
        ]
        loaded = [opening, *replay]
        self.age(setup, already_loaded=all(each.already for each in loaded))

        write_rich(
            self.stdout,
            import_summary(opening.job),
            warnings_table(list_warning_kinds(opening.job)),
            replay_table(replay),
            stage_table(stage_summary(creditor=setup.creditor)),
            logins_table(None if options["no_serve"] else options["addr"]),
        )

        if not options["no_serve"]:
            self.serve(options["addr"])

    def say(self, message: str) -> None:
        self.stdout.write(message)

    def convert(self) -> tuple[Path, list[MonthFile]]:
        directory = Path(settings.VAR_DIR) / "demo"
        path = directory / CONVERTED_FILE_NAME
        with self.progress_bar() as bar:
            task = bar.add_task("Convirtiendo los datos UCI", total=2 * UCI_ROWS)
            result = convert_uci(
                path, progress=lambda rows: bar.update(task, completed=rows)
            )
            months = convert_months(
                directory / MONTHLY_DIRECTORY,
                progress=lambda rows: bar.update(task, completed=UCI_ROWS + rows),
            )
        self.say(
            f"Archivo del acreedor escrito: {path} "
            f"({format_count(result.rows)} filas, Windows-1252, separado por «;»): "
            "el resumen de abril de 2005."
        )
        payments = [each for each in months if each.kind == "payments"]
        statements = [each for each in months if each.kind == "statement"]
        self.say(
            f"Archivos mensuales escritos en {directory / MONTHLY_DIRECTORY}: "
            f"{len(payments)} de pagos "
            f"({format_count(sum(each.rows for each in payments))} pagos) y "
            f"{len(statements)} resúmenes de saldos (mayo a septiembre)."
        )
        return path, months

    @staticmethod
    def profile_of(setup: DemoSetup, month: MonthFile) -> ImportProfile:
        if month.kind == "payments":
            return setup.payments_profile
        return setup.statements_profile

    def load(
        self,
        setup: DemoSetup,
        profile: ImportProfile,
        path: Path,
        rows: int,
        month: MonthFile | None = None,
    ) -> Loaded:
        """Import one of the demo's files, once.

        A file already imported whole is not read again: the import says
        so for a portfolio or balance file, and the demo itself for a
        payments file (the payment import reads those again, line by line,
        to report each payment as already applied).
        """
        if profile.kind == ImportKind.PAYMENTS:
            earlier = earlier_import(setup, path)
            if earlier is not None:
                self.say_already(path, earlier)
                return Loaded(earlier, already=True, month=month)
        if month is None:
            description = "Importando la cartera (abril de 2005)"
        elif month.kind == "payments":
            description = f"Pagos de {month.month.label}"
        else:
            description = f"Resumen de {month.month.label}"
        with self.progress_bar() as bar:
            task = bar.add_task(description, total=max(rows, 1))
            job = start_import(
                creditor=setup.creditor,
                profile=profile,
                source=path,
                portfolio=setup.portfolio if month is None else None,
                user=setup.admin,
                run_now=True,
                progress=lambda job: bar.update(task, completed=job.rows_read),
            )
        if job.status == ImportStatus.FAILED:
            raise CommandError(f"La importación de la demo falló: {job.error}")
        if job.status == ImportStatus.DUPLICATE:
            # Recorded as an attempt (the import page lists it), as any
            # file imported twice.
            assert job.duplicate_of is not None
            self.say_already(path, job.duplicate_of)
            return Loaded(job.duplicate_of, already=True, month=month)
        return Loaded(job, already=False, month=month)

    def say_already(self, path: Path, earlier: ImportJob) -> None:
        self.say(
            f"{path.name} ya se importó (importación n.º {earlier.pk}): "
            "no se cambió nada."
        )

    def age(self, setup: DemoSetup, *, already_loaded: bool) -> None:
        """Age the book and run its collections night at the statement date, once.

        With the file already imported and the cycle already run for that
        date there is nothing to age, and running it again would only log
        another run.
        """
        as_of = format_date(STATEMENT_DATE)
        if already_loaded and last_cycle_date() == STATEMENT_DATE:
            self.say(f"El ciclo nocturno al {as_of} ya estaba corrido.")
            return
        run = run_cycle(STATEMENT_DATE, creditor=setup.creditor)
        self.say(
            f"Ciclo nocturno al {as_of}: {format_count(run.accounts)} cuentas, "
            f"{format_count(run.stage_changes)} cambios de tramo."
        )
        # The whole night, as `recupero cycle` runs it: accounts paid off in
        # the file are settled, so a later cycle for the date finds nothing.
        night = run_collections_night(STATEMENT_DATE, creditor=setup.creditor)
        # Payments settle the accounts they pay off as they post; the night
        # settles those a statement left at zero or in credit.
        settled = AccountState.objects.filter(
            account__creditor=setup.creditor, state=ManagementState.SETTLED
        ).count()
        self.say(
            f"Noche de cobranzas al {as_of}: "
            f"{format_count(night.settled)} cuentas canceladas, "
            f"{format_count(night.unreachable)} ilocalizables; "
            f"en total {format_count(settled)} cuentas canceladas."
        )

    def serve(self, address: str) -> None:
        self.say(
            f"\nServidor de DEMOSTRACIÓN en http://{address}/ (Ctrl+C para salir). "
            "No es un servidor para producción."
        )
        # DEBUG is off; --insecure lets runserver serve the static files.
        call_command("runserver", address, use_reloader=False, insecure_serving=True)

    def progress_bar(self) -> Progress:
        return Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=self.progress_console,
            transient=True,
        )


def check_address_free(address: str) -> None:
    """Raise ``CommandError`` if the demo could not serve on ``address``."""
    host, _colon, port = address.rpartition(":")
    if not port.isdigit():
        raise CommandError(f"--addr: «{address}» no es dirección:puerto.")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host or "127.0.0.1", int(port)))
        except OSError:
            raise CommandError(
                f"El puerto {port} ya está en uso: elegí otro con "
                f"--addr {host or '127.0.0.1'}:8080 (o make demo "
                f"ADDR={host or '127.0.0.1'}:8080)."
            ) from None


def earlier_import(setup: DemoSetup, path: Path) -> ImportJob | None:
    """Return the import that already loaded this file whole, if any."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return (
        ImportJob.objects.filter(
            creditor=setup.creditor, sha256=digest, status=ImportStatus.DONE
        )
        .order_by("created_at", "pk")
        .first()
    )


def replay_table(replay: list[Loaded]) -> Table:
    """Per month: the payments applied and the accounts its statement moved."""
    table = Table(
        title="Meses cargados: pagos y resúmenes de abril a septiembre de 2005",
        title_justify="left",
        min_width=72,
    )
    table.add_column("Mes")
    table.add_column("Pagos aplicados", justify="right")
    table.add_column("Importe pagado", justify="right")
    table.add_column("Saldos actualizados", justify="right")
    months: dict[str, list[Loaded]] = {}
    for each in replay:
        assert each.month is not None
        months.setdefault(each.month.month.label, []).append(each)
    totals = [0, Decimal("0"), 0]
    for label, loaded in months.items():
        payments = statement = None
        for each in loaded:
            assert each.month is not None
            if each.month.kind == "payments":
                payments = each.job
            else:
                statement = each.job
        applied = payments.rows_created if payments else 0
        paid = (
            Payment.objects.filter(import_job=payments).aggregate(total=Sum("amount"))[
                "total"
            ]
            if payments
            else None
        ) or Decimal("0")
        updated = statement.rows_updated if statement else 0
        totals[0] += applied
        totals[1] += paid
        totals[2] += updated
        table.add_row(
            label,
            format_count(applied),
            format_money(paid),
            format_count(updated) if statement else "(apertura)",
        )
    table.add_section()
    table.add_row(
        "Total",
        format_count(totals[0]),
        format_money(totals[1]),
        format_count(totals[2]),
    )
    return table


def import_summary(job: ImportJob) -> Table:
    table = Table(
        title=f"Importación n.º {job.pk}: {job.file_name}",
        title_justify="left",
        show_header=False,
        min_width=60,
    )
    table.add_column("qué")
    table.add_column("filas", justify="right")
    for label, count in (
        ("Filas leídas", job.rows_read),
        ("Cuentas nuevas", job.rows_created),
        ("Cuentas actualizadas", job.rows_updated),
        ("Cuentas sin cambios", job.rows_unchanged),
        ("Filas rechazadas", job.rows_rejected),
        ("Filas con advertencias", job.rows_with_warnings),
    ):
        table.add_row(label, format_count(count))
    return table


def warnings_table(kinds: list[WarningKind]) -> Table | Text:
    if not kinds:
        return Text("La importación no dejó advertencias.")
    table = Table(title="Advertencias por tipo (con ejemplos)", title_justify="left")
    table.add_column("Tipo")
    table.add_column("Cantidad", justify="right")
    table.add_column("Ejemplos: línea, columna, valor y motivo")
    for kind in kinds:
        examples = [
            f"línea {example.line}, {example.column}: «{example.value}»: "
            f"{example.reason}"
            for example in kind.examples
        ]
        table.add_row(
            f"{kind.label}\n[dim]{kind.code}[/dim]",
            format_count(kind.count),
            Group(*(Text(each) for each in examples)),
        )
    return table


def logins_table(address: str | None) -> Table:
    """The demo's users; with the address the application is served at."""
    title = "Ingresos de la demo"
    table = Table(
        title=f"{title} (http://{address}/)" if address else title,
        title_justify="left",
        caption="Estas contraseñas son sólo para la demo: no las uses en producción.",
        caption_justify="left",
        min_width=72,
    )
    table.add_column("Usuario")
    table.add_column("Contraseña")
    table.add_column("Rol")
    for user in DEMO_USERS:
        table.add_row(user.username, DEMO_PASSWORD, user.description)
    return table
