"""portcullis user create|change|list: the people who sign in, their role and offices."""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.core.management.base import CommandParser

from portcullis.web.accounts.roles import role_label
from portcullis.web.cli.kit import ActionsCommand
from portcullis.web.usecases import accounts
from portcullis.web.usecases.actor import Actor

ROLES = "admin, analyst, supervisor, officer or auditor"
# For scripts: a password is never given on the command line (it would show in `ps`).
PASSWORD_VARIABLE = "PORTCULLIS_NEW_PASSWORD"  # noqa: S105  # a variable's name


def _offices(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [code.strip() for code in text.replace(";", ",").split(",") if code.strip()]


class Command(ActionsCommand):
    help = "Create people's accounts, give them a role, post them to offices, deactivate them."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="a new account (the password is asked)")
        create.add_argument("username")
        create.add_argument("--role", required=True, help=ROLES)
        create.add_argument("--offices", help="office codes separated by commas (officers)")
        change = actions.add_parser("change", help="another role, other offices, (de)activate")
        change.add_argument("username")
        change.add_argument("--role", help=ROLES)
        change.add_argument("--offices", help="office codes separated by commas; '' for none")
        state = change.add_mutually_exclusive_group()
        state.add_argument("--deactivate", action="store_true", help="stop their sign-in at once")
        state.add_argument("--activate", action="store_true")
        actions.add_parser("list", help="every account, its role and offices")

    def _create(self, options: dict[str, Any]) -> None:
        password = os.environ.get(PASSWORD_VARIABLE) or getpass.getpass("Password: ")
        user = accounts.create_user(
            Actor.command(),
            options["username"],
            password,
            options["role"],
            _offices(options["offices"]) or [],
        )
        self.stdout.write(f"{user.get_username()}: {role_label(user)}.")

    def _change(self, options: dict[str, Any]) -> None:
        active = True if options["activate"] else False if options["deactivate"] else None
        user = accounts.change_user(
            Actor.command(),
            options["username"],
            role=options["role"] if options["role"] is not None else "",
            offices=_offices(options["offices"]),
            active=active,
        )
        state = "active" if user.is_active else "deactivated"
        self.stdout.write(f"{user.get_username()}: {role_label(user) or 'no role'}, {state}.")

    def _list(self, options: dict[str, Any]) -> None:
        for user in accounts.list_users(Actor.command()):
            account = getattr(user, "account", None)
            offices = ", ".join(o.code for o in account.offices.all()) if account else ""
            state = "" if user.is_active else "  (deactivated)"
            self.stdout.write(
                f"{user.get_username():<20} {role_label(user) or '-':<24} {offices or '-'}{state}"
            )
