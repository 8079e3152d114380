"""portcullis simulate [--file KCS ...] [--rate 5] [--chart FILE] [--json]: the
human-in-the-loop replay of labelled history (engine.simulate), with no database."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, cast

import polars as pl
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portcullis.engine.evaluate import load_items
from portcullis.engine.model.training import TrainingSettings
from portcullis.engine.simulate import STRATEGIES, Simulation, simulate
from portcullis.engine.synthetic import generate
from portcullis.web.cli.demo.world import HISTORY, STREAM
from portcullis.web.cli.kit import fail_politely, progress_bar
from portcullis.web.cli.simulation_chart import write_chart


class Command(BaseCommand):
    help = (
        "Replay labelled history week by week as if live: each strategy's model selects "
        "--rate %% of the week's items, only those reveal their outcome, and the model is "
        "retrained every week. Compares pure exploitation with 10 %% random or 10 %% "
        "uncertainty-based exploration; prints weekly precision and duty at stake, and writes "
        "a chart. Replays the KCS files given with --file, else the demo's synthetic world "
        "(a year and a quarter); no database."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, action="append", help="KCS files (repeatable)")
        parser.add_argument("--rate", type=float, default=5.0, help="inspection rate, %% of items")
        parser.add_argument(
            "--warmup-weeks", type=int, default=13, help="labelled weeks before the replay"
        )
        parser.add_argument("--strategies", nargs="+", choices=STRATEGIES, default=STRATEGIES)
        parser.add_argument("--rounds", type=int, default=60, help="boosting rounds a week")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--chart",
            type=Path,
            default=None,
            help="HTML chart to write (default: simulation.html in the data folder)",
        )
        parser.add_argument("--json", action="store_true", help="end with the figures as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 < options["rate"] <= 100:
            raise CommandError("--rate must be above 0 and at most 100")
        if options["warmup_weeks"] < 1:
            raise CommandError("--warmup-weeks must be at least 1")
        with fail_politely("the simulation", options["traceback"]):
            items = self._items(options["file"])
            self.stdout.write(
                f"{items.height:,} labelled items, "
                f"{cast(float, items.get_column('finding').mean() or 0.0):.1%} "
                f"with a finding; {options['rate']:g} % inspected each week."
            )
            with progress_bar("simulating", unit="week") as bar:
                result = simulate(
                    items,
                    rate=options["rate"],
                    warmup_weeks=options["warmup_weeks"],
                    strategies=tuple(options["strategies"]),
                    settings=TrainingSettings(max_rounds=options["rounds"]),
                    seed=options["seed"],
                    progress=lambda _, done, total: bar(done, total),
                )
        self._print(result)
        chart = options["chart"] or Path(settings.DATA_DIR) / "simulation.html"
        write_chart(result, chart)
        self.stdout.write(f"Chart: {chart}")
        if options["json"]:
            weeks = [
                {**w.__dict__, "start": w.start.date().isoformat(), "precision": w.precision}
                for w in result.weeks
            ]
            self.stdout.write(json.dumps({"summary": result.summary(), "weeks": weeks}))

    def _items(self, files: list[Path] | None) -> pl.DataFrame:
        if not files:
            return pl.concat([generate(HISTORY), generate(STREAM)])
        return pl.concat([self._load(Path(name)) for name in files])

    def _load(self, path: Path) -> pl.DataFrame:
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        loaded = load_items(path, "kcs", report=lambda line: print(line, file=sys.stderr))
        return loaded.items.filter(pl.col("finding").is_not_null())

    def _print(self, result: Simulation) -> None:
        strategies = list(dict.fromkeys(w.strategy for w in result.weeks))
        head = "week        items  " + "  ".join(f"{s:>22}" for s in strategies)
        self.stdout.write("\nPrecision (findings / inspected) and duty at stake found, by week")
        self.stdout.write(head)
        by_week: dict[str, dict[str, Any]] = {}
        for week in result.weeks:
            by_week.setdefault(week.start.date().isoformat(), {"items": week.items})[
                week.strategy
            ] = week
        for day, row in by_week.items():
            cells = "  ".join(
                f"{row[s].precision:>8.1%} {row[s].revenue:>13,.0f}" for s in strategies
            )
            self.stdout.write(f"{day}  {row['items']:>5}  {cells}")
        self.stdout.write("\nOver all weeks (and the last half)")
        for strategy, figures in result.summary().items():
            self.stdout.write(
                f"  {strategy:<12} precision {figures['precision']:.1%} "
                f"(last half {figures['late_precision']:.1%}), recall {figures['recall']:.1%}, "
                f"duty at stake {figures['revenue']:,.0f} "
                f"(last half {figures['late_revenue']:,.0f})"
            )
