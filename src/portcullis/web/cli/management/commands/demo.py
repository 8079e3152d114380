"""portcullis demo [--no-serve]: everything needed to see Portcullis, in one command."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from portcullis.web.cli.demo.risk import ensure_sample_profiles, ensure_sample_watchlist
from portcullis.web.cli.demo.services import (
    WORKLIST_DAYS,
    contents,
    decided_in,
    leave_latest_selections_open,
    name_offices,
    post_officer,
)
from portcullis.web.cli.demo.users import ensure_demo_token, ensure_demo_users
from portcullis.web.cli.demo.world import WorldFile, write_world
from portcullis.web.cli.kit import fail_politely, progress_bar, write_above_bar
from portcullis.web.cli.reports import outcome_table, summary_lines
from portcullis.web.errors import DomainError
from portcullis.web.reference.rates import rate_book
from portcullis.web.scoring.models import DriftCheck
from portcullis.web.scoring.training import Trained
from portcullis.web.usecases import reference, training
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.declarations import assess_stored
from portcullis.web.usecases.importing import ImportResult, import_file

WORLD_FOLDER = "demo-world"  # in the data directory


class Command(BaseCommand):
    help = (
        "Set up a demonstration: migrate the database, load reference data and the ECB's "
        "exchange rates, import a year (2025) of the project's synthetic world (declarations "
        "in several currencies with planted fraud and their outcomes), train the risk model "
        "on it, create sample profiles and a watchlist, then assess 2026-Q1 as it arrives and "
        "show how each channel did; create demo users (printing their passwords), then serve."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-serve", action="store_true", help="stop after set-up, printing what was loaded"
        )
        parser.add_argument("--addr", default="127.0.0.1:8000", help="where to serve")

    def handle(self, *args: Any, **options: Any) -> None:
        self.addr = options["addr"]
        with fail_politely("the demo set-up", options["traceback"]):
            self._set_up()
        if not options["no_serve"]:
            # A process of its own: this one has run Polars' thread pool, which the server's
            # forked workers would inherit broken (they hang).
            sys.stdout.flush()
            os.execv(  # noqa: S606  # an argument list, no shell
                sys.executable,
                [
                    sys.executable,
                    *("-m", "portcullis", "serve", "--bind", options["addr"], "--with-worker"),
                ],
            )

    def _import(self, world: WorldFile) -> ImportResult:
        with progress_bar(world.name) as bar:
            result = import_file(
                Actor.system(), world.path, "csv", progress=bar, report=write_above_bar
            )
        if result.failed:
            raise CommandError(f"{world.name}: {result.batch.message}")
        self.stdout.write(result.summary())
        return result

    def _check_drift(self) -> None:
        try:
            check = training.check_model_drift(Actor.system())
        except DomainError as error:
            self.stdout.write(f"\nDrift check: not run, {error}")
            return
        assert isinstance(check, DriftCheck)
        alerts = ", ".join(check.report["alerts"]) or "none"
        self.stdout.write(
            f"\nDrift of the active model over the latest {check.items:,} items: score PSI "
            f"{check.score_psi:.3f}; inputs beyond the alert level: {alerts}"
        )

    def _set_up(self) -> None:
        where = connection.settings_dict["NAME"]
        self.stdout.write(f"Database: {connection.vendor} ({where})")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        counts = reference.load(Actor.system())
        self.stdout.write(
            f"Reference data: {counts.editions} HS editions, {counts.hs_codes:,} codes, "
            f"{counts.countries} countries"
        )
        rates = reference.load_rates(Actor.system())
        self.stdout.write(
            f"Exchange rates to {rates.national} (ECB, shipped with Portcullis): "
            f"{rates.stored + rates.unchanged:,}"
        )
        holidays = reference.load_holidays(Actor.system(), years=range(2024, 2028))
        self.stdout.write(
            f"Public holidays ({holidays.source}): {holidays.stored + holidays.unchanged:,}"
        )
        users = ensure_demo_users(settings.DATA_DIR)
        history, stream = write_world(Path(settings.DATA_DIR) / WORLD_FOLDER, rate_book())
        self._import(history)

        self.stdout.write("\nTraining the risk model on the 2025 outcomes ...")
        try:
            trained = training.train(Actor.system(), activate=True)
        except DomainError as error:
            raise CommandError(f"training: {error}") from None
        assert isinstance(trained, Trained)
        precision = trained.model.metadata.get("validation", {}).get("precision_at", {})
        calibration = trained.policy.note if trained.policy else ""
        self.stdout.write(
            f"Model {trained.model.version} active (held-out precision at 5%: "
            f"{precision.get('5', float('nan')):.3f}); {calibration}"
        )
        self.stdout.write(
            f"Profiles: {ensure_sample_profiles()} active (written by analyst, approved by admin); "
            f"watchlist: {ensure_sample_watchlist()} entries"
        )

        self.stdout.write(f"\nStreaming {stream.name} through the engine ...")
        streamed = self._import(stream)
        with progress_bar("assessing", unit="item") as bar:
            summary, live = assess_stored(Actor.system(), streamed.declaration_ids, bar)
        if live is not None:
            for line in summary_lines(summary, live):
                self.stdout.write(line)
        else:
            self.stdout.write("Every declaration was already assessed.")
        for line in outcome_table(decided_in(streamed.declaration_ids)):
            self.stdout.write(line)
        name_offices()
        opened = leave_latest_selections_open()
        self._check_drift()
        offices = post_officer("officer")
        self.stdout.write(
            f"\nWorklist: the outcomes of {opened} declarations selected in the last "
            f"{WORKLIST_DAYS} days are held back for the officers; the demo officer works "
            f"offices {', '.join(offices) or '(none)'}"
        )

        self.stdout.write("\nLoaded:")
        for line in contents().lines():
            self.stdout.write(f"  {line}")
        self.stdout.write(
            "\nDemo users (passwords are kept in the data directory); sign in at "
            f"http://{self.addr}/ :"
        )
        for user in users:
            self.stdout.write(f"  {user.username:<10} {user.password:<14} {user.role}")
        token = ensure_demo_token(settings.DATA_DIR)
        self.stdout.write(
            "\nAPI token of the demo clearance system (docs/api.md shows how to use it):\n"
            f"  {token}"
        )
