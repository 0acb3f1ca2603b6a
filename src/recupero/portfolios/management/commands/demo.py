"""``recupero demo``: a real portfolio loaded, aged and served in one command.

Migrates the database, loads the demo's parameters, converts the shipped UCI
data set into a creditor file, imports it through the ordinary import, runs
the nightly cycle as of the statement date and prints what happened; then
serves the application. Running it again changes nothing: the file is
recognised as already imported.
"""

import socket
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console, Group
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from rich.text import Text

from recupero.collections.nightly import run_collections_night
from recupero.demo.conversion import STATEMENT_DATE, convert_uci
from recupero.demo.fixtures import (
    CONVERTED_FILE_NAME,
    DEMO_PASSWORD,
    DEMO_USERS,
    DemoSetup,
    load_demo_parameters,
)
from recupero.demo.summary import WarningKind, list_warning_kinds
from recupero.formatting import format_count, format_date
from recupero.portfolios.cycle import run_cycle
from recupero.portfolios.importing import start_import
from recupero.portfolios.management.commands.report import stage_table, write_rich
from recupero.portfolios.models import ImportJob, ImportStatus
from recupero.portfolios.queries import last_cycle_date, stage_summary

UCI_ROWS = 30_000
DEFAULT_ADDRESS = "127.0.0.1:8000"


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
        self.say(
            f"Acreedor de la demo: {setup.creditor.name} "
            f"(código {setup.creditor.code}), cartera «{setup.portfolio.name}»."
        )

        path = self.convert()
        job = self.load(setup, path)
        loaded = job.duplicate_of if job.status == ImportStatus.DUPLICATE else job
        assert loaded is not None
        self.age(setup, already_loaded=job.status == ImportStatus.DUPLICATE)

        write_rich(
            self.stdout,
            import_summary(loaded),
            warnings_table(list_warning_kinds(loaded)),
            stage_table(stage_summary(creditor=setup.creditor)),
            logins_table(None if options["no_serve"] else options["addr"]),
        )

        if not options["no_serve"]:
            self.serve(options["addr"])

    def say(self, message: str) -> None:
        self.stdout.write(message)

    def convert(self) -> Path:
        path = Path(settings.VAR_DIR) / "demo" / CONVERTED_FILE_NAME
        with self.progress_bar() as bar:
            task = bar.add_task("Convirtiendo los datos UCI", total=UCI_ROWS)
            result = convert_uci(
                path, progress=lambda rows: bar.update(task, completed=rows)
            )
        self.say(
            f"Archivo del acreedor escrito: {path} "
            f"({format_count(result.rows)} filas, Windows-1252, separado por «;»)."
        )
        return path

    def load(self, setup: DemoSetup, path: Path) -> ImportJob:
        with self.progress_bar() as bar:
            task = bar.add_task("Importando la cartera", total=UCI_ROWS)
            job = start_import(
                creditor=setup.creditor,
                profile=setup.profile,
                source=path,
                portfolio=setup.portfolio,
                user=setup.admin,
                run_now=True,
                progress=lambda job: bar.update(task, completed=job.rows_read),
            )
        if job.status == ImportStatus.FAILED:
            raise CommandError(f"La importación de la demo falló: {job.error}")
        if job.status == ImportStatus.DUPLICATE:
            self.say(job.message or f"{path.name} ya se importó: no se cambió nada.")
        return job

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
        self.say(
            f"Noche de cobranzas al {as_of}: "
            f"{format_count(night.settled)} cuentas canceladas, "
            f"{format_count(night.unreachable)} ilocalizables."
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
