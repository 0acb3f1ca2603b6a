"""``recupero token create|list|revoke``: API tokens from the command line."""

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from recupero.api.actions import issue_integration_token, issue_token, revoke_token
from recupero.api.models import ApiToken
from recupero.portfolios.models import Creditor


class Command(BaseCommand):
    help = "Create, list or revoke API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        create = commands.add_parser(
            "create", help="Issue a token; shows its key once."
        )
        create.add_argument("--name", required=True, help="What the token is for.")
        create.add_argument("--user", help="Username the token acts as.")
        create.add_argument(
            "--creditor",
            help="Creditor code: a creditor integration token. Without --user, "
            "acts as the creditor's service user api-<code>, made if missing.",
        )
        create.add_argument("--days", type=int, help="Expires after these days.")
        listing = commands.add_parser("list", help="List tokens (never their keys).")
        listing.add_argument("--all", action="store_true", help="Also revoked ones.")
        revoke = commands.add_parser("revoke", help="Revoke a token by id or prefix.")
        revoke.add_argument("token", help="Token id or key prefix (rcp_…).")

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
                raise CommandError(f"No creditor with code {options['creditor']!r}.")
        expires_at = None
        if options["days"] is not None:
            if options["days"] < 1:
                raise CommandError("--days must be 1 or more.")
            expires_at = timezone.now() + datetime.timedelta(days=options["days"])
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user {options['user']!r}.")
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
            raise CommandError("Say --user, --creditor or both.")
        self.stdout.write(f"Token {token.pk} for {token.user.get_username()}:")
        self.stdout.write(key)
        self.stdout.write("Keep it now: it is not stored and cannot be shown again.")

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
                        _when(token.last_used_at, "never used"),
                        _when(token.expires_at, "no expiry"),
                        _when(token.revoked_at, "active"),
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
            raise CommandError(f"No single token {given!r}.")
        token = found.get()
        if revoke_token(token):
            self.stdout.write(f"Token {token.pk} revoked.")
        else:
            self.stdout.write(f"Token {token.pk} was already revoked.")


def _when(moment: datetime.datetime | None, otherwise: str) -> str:
    return (
        timezone.localtime(moment).isoformat(timespec="minutes")
        if moment
        else otherwise
    )
