"""portcullis demo [--no-serve]: everything needed to see Portcullis, in one command."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from portcullis.web.accounts.demo_users import ensure_demo_users
from portcullis.web.commandline import fail_politely, progress_bar, write_above_bar
from portcullis.web.declarations.services.importing import import_file
from portcullis.web.demo.services import BUNDLED_KCS, bundled_file, contents
from portcullis.web.reference.services import load_reference


class Command(BaseCommand):
    help = (
        "Set up a demonstration: migrate the database, load reference data, import the "
        "bundled KCS declarations, create demo users (printing their passwords), then serve."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-serve", action="store_true", help="stop after set-up, printing what was loaded"
        )
        parser.add_argument("--addr", default="127.0.0.1:8000", help="where to serve")

    def handle(self, *args: Any, **options: Any) -> None:
        with fail_politely("the demo set-up", options["traceback"]):
            self._set_up()
        if not options["no_serve"]:
            self.stdout.write(f"\nServing on http://{options['addr']}/ (Ctrl-C stops it)")
            call_command("runserver", options["addr"], use_reloader=False)

    def _set_up(self) -> None:
        where = connection.settings_dict["NAME"]
        self.stdout.write(f"Database: {connection.vendor} ({where})")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        counts = load_reference()
        self.stdout.write(
            f"Reference data: {counts.editions} HS editions, {counts.hs_codes:,} codes, "
            f"{counts.countries} countries"
        )
        for name in BUNDLED_KCS:
            with bundled_file(name) as path, progress_bar(name) as bar:
                result = import_file(path, "kcs", progress=bar, report=write_above_bar)
            if result.failed:
                raise CommandError(f"{name}: {result.batch.message}")
            self.stdout.write(result.summary())
        self.stdout.write("\nLoaded:")
        for line in contents().lines():
            self.stdout.write(f"  {line}")
        self.stdout.write("\nDemo users (passwords are kept in the data directory):")
        for user in ensure_demo_users(settings.DATA_DIR):
            self.stdout.write(f"  {user.username:<8} {user.password:<14} {user.role}")
