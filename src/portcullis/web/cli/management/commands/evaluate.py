"""portcullis evaluate --train FILE [--train FILE ...] --test FILE [--format kcs] [--json]

An offline experiment entirely in the engine: no database is read or written."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portcullis.engine.evaluate import EvaluationError, evaluate, load_items
from portcullis.engine.formats import FORMATS, FileFormatError, guess_format
from portcullis.engine.metrics import RATES
from portcullis.engine.model.training import TrainingError
from portcullis.web.cli.kit import fail_politely, progress_bar


class Command(BaseCommand):
    help = (
        "Train the risk model on files of inspected declarations and measure how well it ranks "
        "another file's: precision and recall at 1, 2, 5 and 10% inspection rates, and ROC-AUC. "
        "Point-in-time features; the test file's outcomes are hidden until they are scored. "
        "Uses no database."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--train",
            type=Path,
            action="append",
            required=True,
            metavar="FILE",
            help="training file (repeatable)",
        )
        parser.add_argument(
            "--test", type=Path, required=True, metavar="FILE", help="file to score"
        )
        parser.add_argument(
            "--format", choices=FORMATS, help="layout of the files (default: from the names)"
        )
        parser.add_argument("--encoding", help="text encoding, if not UTF-8")
        parser.add_argument(
            "--seeds",
            type=int,
            default=3,
            help="train this many times with different seeds and report the mean (default 3)",
        )
        parser.add_argument(
            "--json", action="store_true", help="end with one line of JSON holding every figure"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["seeds"] < 1:
            raise CommandError("--seeds must be at least 1")
        with fail_politely("the evaluation", options["traceback"]):
            train = [self._load(path, options) for path in options["train"]]
            test = self._load(options["test"], options)
            with progress_bar("training and scoring", unit="seed") as bar:
                done = 0

                def step(_: str) -> None:
                    nonlocal done
                    bar(done, options["seeds"])
                    done += 1

                try:
                    result = evaluate(
                        [t.items for t in train], test.items, options["seeds"], progress=step
                    )
                except (TrainingError, EvaluationError) as error:
                    raise CommandError(str(error)) from None
        summary = result.summary()
        self._print(summary, train, test)
        if options["json"]:
            self.stdout.write(json.dumps(summary, sort_keys=True))

    def _load(self, path: Path, options: dict[str, Any]) -> Any:
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        fmt = options["format"] or guess_format(path)
        try:
            with progress_bar(f"reading {path.name}") as bar:
                loaded = load_items(
                    path,
                    fmt,
                    options["encoding"],
                    report=lambda line: print(line, file=sys.stderr),
                )
                bar(1, 1)
        except FileFormatError as error:
            raise CommandError(f"{path.name}: {error}") from None
        if loaded.items.height == 0:
            raise CommandError(f"{path.name}: no valid declarations")
        return loaded

    def _print(self, summary: dict[str, Any], train: list[Any], test: Any) -> None:
        names = ", ".join(t.path.name for t in train)
        self.stdout.write(f"Trained on {names}: {summary['train_items']:,} items.")
        self.stdout.write(
            f"Scored {test.path.name}: {summary['test_items']:,} items, "
            f"{summary['test_findings']:,} with a finding."
        )
        skipped = sum(t.rejected for t in train) + test.rejected
        if skipped:
            self.stdout.write(f"{skipped:,} records were rejected while reading and left out.")
        self.stdout.write(
            f"Mean of {summary['seeds']} seed(s); trees per model: {summary['trees']}"
        )
        self.stdout.write("inspected  precision  recall")
        for rate in RATES:
            precision, recall = summary["precision_at"][str(rate)], summary["recall_at"][str(rate)]
            self.stdout.write(f"   {rate:>3}%     {precision:.3f}    {recall:.3f}")
        self.stdout.write(f"ROC-AUC {summary['roc_auc']:.3f}; {summary['seconds']:.1f} s")
