"""portcullis retrain [--holdout-days N]: champion against challenger, now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portcullis.web.cli.kit import ensure_database_ready, fail_politely
from portcullis.web.scoring.retraining import HOLDOUT_DAYS, Retrained
from portcullis.web.usecases import training
from portcullis.web.usecases.actor import Actor


class Command(BaseCommand):
    help = (
        "Train a challenger on the outcomes before the latest held-out period and promote it "
        "only if it beats the active model there at the policy's target inspection rate "
        "(precision and revenue); otherwise keep it as a candidate. `portcullis worker` "
        "runs this on a schedule (PORTCULLIS_RETRAIN_DAYS)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--holdout-days",
            type=int,
            default=HOLDOUT_DAYS,
            help=f"the latest days of history held out to compare on (default {HOLDOUT_DAYS})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_database_ready()
        if options["holdout_days"] < 1:
            raise CommandError("--holdout-days must be at least 1")
        with fail_politely("retraining", options["traceback"]):
            result = training.retrain_model(Actor.command(), holdout_days=options["holdout_days"])
        assert isinstance(result, Retrained)
        verdict = result.verdict
        self.stdout.write(
            f"Held out {verdict.held_out_from[:10]} to {verdict.held_out_to[:10]}: "
            f"{verdict.items:,} inspected items, {verdict.findings:,} findings; "
            f"compared at {verdict.rate:g}% of items."
        )
        for name, standing in (("challenger", verdict.challenger), ("champion", verdict.champion)):
            if standing is not None:
                self.stdout.write(
                    f"  {name:<10} {standing.version}  precision {standing.precision:.3f}  "
                    f"revenue {standing.revenue:,.0f}"
                )
        outcome = "promoted" if result.promoted else "kept as a candidate"
        self.stdout.write(f"{result.challenger.version} {outcome}: {verdict.reason}.")
