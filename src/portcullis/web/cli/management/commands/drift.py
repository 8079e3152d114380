"""portcullis drift [--days N]: the active model's population stability, now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portcullis.engine.drift import ALERT_PSI, WATCH_PSI
from portcullis.web.cli.kit import ensure_database_ready, fail_politely
from portcullis.web.scoring.drift import drift_days
from portcullis.web.scoring.models import DriftCheck
from portcullis.web.usecases import training
from portcullis.web.usecases.actor import Actor


class Command(BaseCommand):
    help = (
        "Compare the latest days of declarations with the active model's training window: "
        "the population stability index (PSI) of every model input and of the score, with an "
        f"alert above {ALERT_PSI}. Stored and audited; exits 3 on an alert."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="the latest days of declarations to check (default PORTCULLIS_DRIFT_DAYS, "
            f"{drift_days()})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_database_ready()
        if options["days"] is not None and options["days"] < 1:
            raise CommandError("--days must be at least 1")
        with fail_politely("the drift check", options["traceback"]):
            check = training.check_model_drift(Actor.command(), days=options["days"])
        assert isinstance(check, DriftCheck)
        report = check.report
        self.stdout.write(
            f"Model {check.model_version.version}: {check.items:,} items lodged "
            f"{check.window_from:%Y-%m-%d} to {check.window_to:%Y-%m-%d} against its training "
            f"window (PSI above {WATCH_PSI} is worth watching, above {ALERT_PSI} an alert)."
        )
        self.stdout.write(
            f"  {'score':<28} {report['score']['psi']:>8.4f}  {report['score']['level']}"
        )
        for shift in report["features"]:
            self.stdout.write(f"  {shift['name']:<28} {shift['psi']:>8.4f}  {shift['level']}")
        if check.alert:
            self.stdout.write(f"ALERT: {', '.join(report['alerts'])} shifted beyond {ALERT_PSI}.")
            raise SystemExit(3)
        self.stdout.write("No alert.")
