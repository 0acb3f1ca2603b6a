import argparse
import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from rich.progress import Progress

from recupero.collections.nightly import NightSummary, night_runs, run_collections_night
from recupero.formatting import format_count, format_date
from recupero.portfolios.cycle import run_cycle
from recupero.portfolios.models import Creditor


def parse_date(value: str) -> datetime.date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value, pattern).date()  # noqa: DTZ007
        except ValueError:
            continue
    # argparse turns this one into a usage error, not a traceback.
    raise argparse.ArgumentTypeError(
        f"«{value}» no es una fecha (aaaa-mm-dd o dd/mm/aaaa)"
    )


class Command(BaseCommand):
    help = (
        "Corre el ciclo nocturno: días de atraso y tramo de cada cuenta, y "
        "luego la noche de cobranzas (cuentas canceladas, promesas vencidas, "
        "localización)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of",
            type=parse_date,
            help="Fecha de negocio (por omisión: hoy en la zona de cada acreedor).",
        )
        parser.add_argument(
            "--creditor", help="Código de un acreedor (por omisión: todos)."
        )

    def handle(self, *args: object, **options: object) -> None:
        creditor = None
        if options["creditor"]:
            creditor = Creditor.objects.filter(code=options["creditor"]).first()
            if creditor is None:
                raise CommandError(
                    f"No hay un acreedor con código {options['creditor']!r}"
                )

        with Progress(transient=True) as bar:
            task = bar.add_task("Ciclo nocturno", total=None)

            def advance(name: str, done: int, total: int) -> None:
                bar.update(task, completed=done, total=total, description=name)

            run = run_cycle(options["as_of"], creditor=creditor, progress=advance)

        self.stdout.write(
            f"Ciclo al {format_date(run.as_of)}: "
            f"{format_count(run.accounts)} cuentas, "
            f"{format_count(run.stage_changes)} cambios de tramo."
        )

        # After aging, so that the night works on today's stages; the same
        # dates and creditors as the cycle.
        for as_of, only in night_runs(options["as_of"], creditor=creditor):
            summary = run_collections_night(as_of, creditor=only)
            self._write_night(as_of, only, summary)

    def _write_night(
        self, as_of: datetime.date, creditor: Creditor | None, summary: NightSummary
    ) -> None:
        promises = summary.promises
        heading = (
            _("Collections night of %(date)s for %(creditor)s:")
            if creditor
            else _("Collections night of %(date)s:")
        )
        self.stdout.write(
            heading
            % {"date": format_date(as_of), "creditor": getattr(creditor, "code", "")}
        )
        self.stdout.write(
            "  "
            + _(
                "%(settled)s accounts settled, %(reopened)s reopened, "
                "%(unreachable)s unreachable, %(reachable)s reachable again."
            )
            % {
                "settled": format_count(summary.settled),
                "reopened": format_count(summary.reopened),
                "unreachable": format_count(summary.unreachable),
                "reachable": format_count(summary.reachable_again),
            }
        )
        self.stdout.write(
            "  "
            + _(
                "Promises: %(kept)s kept, %(partly)s partly kept, %(broken)s "
                "broken; %(queued)s accounts back in the queue."
            )
            % {
                "kept": format_count(promises.kept),
                "partly": format_count(promises.partly_kept),
                "broken": format_count(promises.broken),
                "queued": format_count(promises.accounts_to_queue),
            }
        )
