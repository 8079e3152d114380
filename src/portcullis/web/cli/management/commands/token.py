"""portcullis token create|list|revoke: API tokens for client systems."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from portcullis.web.accounts.scopes import CLEARANCE_SYSTEM, Scope, parse_scopes
from portcullis.web.cli.kit import ActionsCommand
from portcullis.web.usecases import accounts
from portcullis.web.usecases.actor import Actor


class Command(ActionsCommand):
    help = "Issue, list and revoke API tokens for client systems."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="issue a token (its secret is shown once)")
        create.add_argument("name", help="the client system, e.g. UNI-PASS")
        create.add_argument(
            "--scopes",
            default=",".join(sorted(CLEARANCE_SYSTEM)),
            help="comma-separated (default: a clearance system's, "
            f"{', '.join(sorted(CLEARANCE_SYSTEM))}): "
            + ", ".join(f"{s.value} ({s.label})" for s in Scope),
        )
        create.add_argument(
            "--user",
            help="the account its writes are attributed to (default: a service account "
            "named api-<name>, created without a password)",
        )
        create.add_argument("--days", type=int, help="expire after this many days")
        actions.add_parser("list", help="every token, without secrets")
        revoke = actions.add_parser("revoke", help="revoke a token by its prefix")
        revoke.add_argument("prefix")

    def _create(self, options: dict[str, Any]) -> None:
        try:
            scopes = parse_scopes(options["scopes"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        if not scopes:
            raise CommandError("give at least one scope")
        days = options["days"]
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1")
        expires = timezone.now() + timedelta(days=days) if days else None
        issued = accounts.issue_token(
            Actor.command(), options["name"], scopes, username=options["user"], expires_at=expires
        )
        self.stdout.write(
            f"Token {issued.token.prefix} for {options['name']} (acting as "
            f"{issued.token.user.get_username()}), scopes {', '.join(sorted(scopes))}"
            + (f", expires {expires:%Y-%m-%d}" if expires else "")
            + ".\nIts secret, shown this once (send it as 'Authorization: Bearer <secret>'):"
        )
        self.stdout.write(issued.secret)

    def _list(self, options: dict[str, Any]) -> None:
        rows = list(accounts.list_tokens(Actor.command()))
        if not rows:
            self.stdout.write("No API tokens.")
        now = timezone.now()
        for token in rows:
            if token.revoked_at:
                state = f"revoked {token.revoked_at:%Y-%m-%d}"
            elif token.expires_at and token.expires_at <= now:
                state = f"expired {token.expires_at:%Y-%m-%d}"
            elif token.expires_at:
                state = f"live until {token.expires_at:%Y-%m-%d}"
            else:
                state = "live"
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
            self.stdout.write(
                f"{token.prefix}  {token.name}  as {token.user.get_username()}  "
                f"[{', '.join(token.scopes)}]  {state}, last used {used}"
            )

    def _revoke(self, options: dict[str, Any]) -> None:
        token = accounts.revoke_token(Actor.command(), options["prefix"])
        self.stdout.write(f"Token {token.prefix} ({token.name}) revoked.")
