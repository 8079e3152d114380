"""portcullis score FILE [--format kcs|csv|json|parquet]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portcullis.engine.formats import FORMATS, guess_format
from portcullis.web.cli.kit import (
    ensure_database_ready,
    fail_politely,
    progress_bar,
    write_above_bar,
)
from portcullis.web.cli.reports import outcome_table, summary_lines
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.declarations import assess_stored
from portcullis.web.usecases.importing import import_file


class Command(BaseCommand):
    help = (
        "Import a file of declarations and assess every one of them not yet decided: each gets "
        "a channel with its reasons, kept with everything needed to replay it. Prints the "
        "channel mix, and the finding rate per channel and reason where outcomes are known."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--format", choices=FORMATS, help="file layout (default: from the name)"
        )
        parser.add_argument("--encoding", help="text encoding, if not UTF-8")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        ensure_database_ready()
        with fail_politely("scoring", options["traceback"]):
            with progress_bar(f"importing {path.name}") as bar:
                imported = import_file(
                    Actor.command(),
                    path,
                    options["format"] or guess_format(path),
                    encoding=options["encoding"],
                    progress=bar,
                    report=write_above_bar,
                )
            if imported.failed:
                raise CommandError(f"{path.name}: {imported.batch.message}")
            self.stdout.write(imported.summary())
            with progress_bar("assessing", unit="item") as bar:
                summary, live = assess_stored(Actor.command(), imported.declaration_ids, bar)
            if live is None:
                self.stdout.write("Every declaration of the file already has a decision.")
                return
        for line in summary_lines(summary, live):
            self.stdout.write(line)
        for line in outcome_table(summary.decision_pks):
            self.stdout.write(line)
