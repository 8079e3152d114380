"""portcullis worker: run queued jobs (training, backtests, imports) as they arrive."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from portcullis.web.commandline import ensure_database_ready


class Command(BaseCommand):
    help = "Run background jobs from the database queue; --batch runs what is queued, then exits."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="exit when the queue is empty")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_database_ready()
        arguments = ["--interval", str(options["interval"]), "--no-startup-delay"]
        if options["batch"]:
            arguments.append("--batch")
        call_command("db_worker", *arguments)
