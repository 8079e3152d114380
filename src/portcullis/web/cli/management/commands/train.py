"""portcullis train [--until DATE] [--activate]"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portcullis.web.cli.kit import ensure_database_ready, fail_politely
from portcullis.web.scoring.training import Trained
from portcullis.web.usecases import training
from portcullis.web.usecases.actor import Actor


def _day(text: str) -> datetime:
    try:
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
    except ValueError:
        raise CommandError(f"--until {text!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = (
        "Train the risk model on the stored inspection outcomes (point-in-time features, "
        "time-ordered validation) and keep it as a candidate version; --activate also makes "
        "it the active model and recalibrates the policy thresholds on its scores."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--until", type=_day, help="learn only from declarations lodged before this day"
        )
        parser.add_argument(
            "--activate", action="store_true", help="make the new model the active one"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_database_ready()
        with fail_politely("training", options["traceback"]):
            trained = training.train(
                Actor.command(), until=options["until"], activate=options["activate"]
            )
        assert isinstance(trained, Trained)
        model = trained.model
        validation = model.metadata.get("validation", {})
        self.stdout.write(
            f"Model {model.version}: {trained.items:,} inspected items "
            f"({trained.findings:,} findings), {model.metadata.get('trees')} trees."
        )
        if validation:
            precision = validation["precision_at"]
            self.stdout.write(
                f"Held out {validation['from'][:10]} to {validation['to'][:10]}: precision "
                f"{precision['5']:.3f} at 5%, {precision['10']:.3f} at 10%; "
                f"ROC-AUC {validation['roc_auc']:.3f}"
            )
        if trained.policy is not None:
            self.stdout.write(f"Active. Policy {trained.policy.version}: {trained.policy.note}.")
        else:
            self.stdout.write("Kept as a candidate (run with --activate to use it).")
