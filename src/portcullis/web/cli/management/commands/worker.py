"""portcullis worker: run queued jobs (training, retraining, backtests, imports) as they
arrive, queue a retraining every PORTCULLIS_RETRAIN_DAYS, and deliver events to subscribers."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from portcullis.web.cli.kit import ensure_database_ready
from portcullis.web.events.delivery import run_deliveries
from portcullis.web.usecases.importing import mark_interrupted
from portcullis.web.usecases.schedule import run_schedule


class Command(BaseCommand):
    help = "Run background jobs from the database queue; --batch runs what is queued, then exits."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="exit when the queue is empty")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
        parser.add_argument(
            "--retrain-every",
            type=float,
            default=settings.PORTCULLIS_RETRAIN_DAYS,
            metavar="DAYS",
            help="queue a champion/challenger retraining this often; 0: never "
            f"(default PORTCULLIS_RETRAIN_DAYS, {settings.PORTCULLIS_RETRAIN_DAYS:g})",
        )
        parser.add_argument(
            "--no-deliveries",
            action="store_true",
            help="do not deliver events to subscribers (another worker does)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_database_ready()
        interrupted = mark_interrupted()
        if interrupted:
            self.stdout.write(
                f"{interrupted} import run(s) left unfinished are marked interrupted."
            )
        arguments = ["--interval", str(options["interval"]), "--no-startup-delay"]
        stop = threading.Event()
        if options["batch"]:
            arguments.append("--batch")
        elif options["retrain_every"] > 0:
            every = timedelta(days=options["retrain_every"])
            threading.Thread(
                target=run_schedule, args=(every, stop), name="retraining-schedule", daemon=True
            ).start()
            self.stdout.write(f"Retraining every {options['retrain_every']:g} days.")
        if not options["batch"] and not options["no_deliveries"]:
            threading.Thread(
                target=run_deliveries, args=(stop,), name="event-deliveries", daemon=True
            ).start()
            self.stdout.write("Delivering events to subscribers.")
        try:
            call_command("db_worker", *arguments)
        finally:
            stop.set()
