"""``recupero token create|list|revoke``: API tokens from the command line."""

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from recupero.api.actions import issue_integration_token, issue_token, revoke_token
from recupero.api.models import ApiToken
from recupero.formatting import format_date
from recupero.portfolios.models import Creditor


class Command(BaseCommand):
    # Lazy: the class is built at import, before any language is active.
    help = gettext_lazy("Create, list or revoke API tokens.")

    def create_parser(
        self, prog_name: str, subcommand: str, **kwargs: Any
    ) -> CommandParser:
        # argparse wraps the description with re, which refuses a lazy string;
        # resolved here, it takes the language active when the help is shown.
        self.help = str(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(
            dest="command", required=True, title=_("commands")
        )
        create = commands.add_parser(
            "create", help=_("Issue a token; shows its key once.")
        )
        create.add_argument("--name", required=True, help=_("What the token is for."))
        create.add_argument("--user", help=_("Username the token acts as."))
        create.add_argument(
            "--creditor",
            help=_(
                "Creditor code: a creditor integration token. Without --user, "
                "acts as the creditor's service user api-<code>, made if missing."
            ),
        )
        create.add_argument("--days", type=int, help=_("Expires after these days."))
        listing = commands.add_parser("list", help=_("List tokens (never their keys)."))
        listing.add_argument("--all", action="store_true", help=_("Also revoked ones."))
        revoke = commands.add_parser(
            "revoke", help=_("Revoke a token by id or prefix.")
        )
        revoke.add_argument("token", help=_("Token id or key prefix (rcp_…)."))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['command']}")(options)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error

    def _create(self, options: dict[str, Any]) -> None:
        creditor = None
        if options["creditor"]:
            creditor = Creditor.objects.filter(code=options["creditor"]).first()
            if creditor is None:
                raise CommandError(
                    _("There is no creditor with code %(code)s.")
                    % {"code": options["creditor"]}
                )
        expires_at = None
        if options["days"] is not None:
            if options["days"] < 1:
                raise CommandError(_("--days must be 1 or more."))
            expires_at = timezone.now() + datetime.timedelta(days=options["days"])
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(
                    _("There is no user %(username)s.") % {"username": options["user"]}
                )
            token, key = issue_token(
                user=user,
                name=options["name"],
                creditor=creditor,
                expires_at=expires_at,
            )
        elif creditor is not None:
            token, key = issue_integration_token(
                creditor=creditor, name=options["name"], expires_at=expires_at
            )
        else:
            raise CommandError(_("Give --user, --creditor or both."))
        self.stdout.write(
            _("Token %(id)s for %(username)s:")
            % {"id": token.pk, "username": token.user.get_username()}
        )
        # Alone on its line, so that a script can take it with one `sed`.
        self.stdout.write(key)
        self.stdout.write(_("Keep it now: it is not stored and cannot be shown again."))

    def _list(self, options: dict[str, Any]) -> None:
        tokens = ApiToken.objects.select_related("user", "creditor").order_by("id")
        if not options["all"]:
            tokens = tokens.filter(revoked_at=None)
        for token in tokens:
            self.stdout.write(
                "\t".join(
                    [
                        str(token.pk),
                        token.prefix,
                        token.name,
                        token.user.get_username(),
                        token.creditor.code if token.creditor else "-",
                        _when(token.last_used_at, _("used %(when)s"), _("never used")),
                        _when(token.expires_at, _("expires %(when)s"), _("no expiry")),
                        _when(token.revoked_at, _("revoked %(when)s"), _("active")),
                    ]
                )
            )

    def _revoke(self, options: dict[str, Any]) -> None:
        given = options["token"]
        tokens = ApiToken.objects.all()
        found = (
            tokens.filter(pk=int(given))
            if given.isdigit()
            else tokens.filter(prefix=given)
        )
        if found.count() != 1:
            raise CommandError(
                _("No single token matches %(token)s.") % {"token": given}
            )
        token = found.get()
        if revoke_token(token):
            self.stdout.write(_("Token %(id)s revoked.") % {"id": token.pk})
        else:
            self.stdout.write(_("Token %(id)s was already revoked.") % {"id": token.pk})


def _when(moment: datetime.datetime | None, happened: str, otherwise: str) -> str:
    """Return ``happened`` with the local dd/mm/aaaa hh:mm, or ``otherwise``."""
    if moment is None:
        return otherwise
    local = timezone.localtime(moment)
    return happened % {"when": f"{format_date(local.date())} {local:%H:%M}"}
