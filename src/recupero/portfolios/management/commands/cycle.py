import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import Progress

from recupero.formatting import format_count, format_date
from recupero.portfolios.cycle import run_cycle
from recupero.portfolios.models import Creditor


def parse_date(value: str) -> datetime.date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value, pattern).date()  # noqa: DTZ007
        except ValueError:
            continue
    raise CommandError(f"--as-of: {value!r} is not a date (AAAA-MM-DD o dd/mm/aaaa)")


class Command(BaseCommand):
    help = "Run the nightly cycle: days past due and stage of every account."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of",
            type=parse_date,
            help="Business date (default: today in each creditor's time zone).",
        )
        parser.add_argument("--creditor", help="Code of one creditor (default: all).")

    def handle(self, *args: object, **options: object) -> None:
        creditor = None
        if options["creditor"]:
            creditor = Creditor.objects.filter(code=options["creditor"]).first()
            if creditor is None:
                raise CommandError(f"No creditor with code {options['creditor']!r}")

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
