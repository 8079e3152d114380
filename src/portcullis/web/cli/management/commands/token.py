"""portcullis token create|list|revoke: API tokens for client systems."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.text import slugify

from portcullis.web.accounts import tokens
from portcullis.web.accounts.models import ApiToken
from portcullis.web.accounts.scopes import Scope, parse_scopes
from portcullis.web.cli.kit import ensure_database_ready


class Command(BaseCommand):
    help = "Issue, list and revoke API tokens for client systems."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="issue a token (its secret is shown once)")
        create.add_argument("name", help="the client system, e.g. UNI-PASS")
        create.add_argument(
            "--scopes",
            required=True,
            help="comma-separated: " + ", ".join(f"{s.value} ({s.label})" for s in Scope),
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

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_database_ready()
        getattr(self, f"_{options['action']}")(options)

    def _create(self, options: dict[str, Any]) -> None:
        try:
            scopes = parse_scopes(options["scopes"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        if not scopes:
            raise CommandError("give at least one scope")
        user_model = get_user_model()
        username = options["user"] or f"api-{slugify(options['name'])}"[:150]
        if options["user"]:
            user = user_model.objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"no user {username!r}")
        else:
            user, created = user_model.objects.get_or_create(username=username)
            if created:
                user.set_unusable_password()
                user.save()
        days = options["days"]
        expires = timezone.now() + timedelta(days=days) if days else None
        issued = tokens.issue(options["name"], user, scopes, expires_at=expires)
        self.stdout.write(
            f"Token {issued.token.prefix} for {options['name']} (acting as {username}), "
            f"scopes {', '.join(sorted(scopes))}"
            + (f", expires {expires:%Y-%m-%d}" if expires else "")
            + ".\nIts secret, shown this once (send it as 'Authorization: Bearer <secret>'):"
        )
        self.stdout.write(issued.secret)

    def _list(self, options: dict[str, Any]) -> None:
        rows = ApiToken.objects.select_related("user")
        if not rows:
            self.stdout.write("No API tokens.")
        for token in rows:
            state = "revoked" if token.revoked_at else "live"
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
            self.stdout.write(
                f"{token.prefix}  {token.name}  as {token.user.get_username()}  "
                f"[{', '.join(token.scopes)}]  {state}, last used {used}"
            )

    def _revoke(self, options: dict[str, Any]) -> None:
        token = ApiToken.objects.filter(prefix=options["prefix"]).first()
        if token is None:
            raise CommandError(f"no token with prefix {options['prefix']!r}")
        tokens.revoke(token, None)
        self.stdout.write(f"Token {token.prefix} ({token.name}) revoked.")
