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
from portcullis.web.declarations.services.importing import import_file
from portcullis.web.scoring.models import Decision
from portcullis.web.scoring.services.assessing import assess_and_store
from portcullis.web.scoring.services.engine import build_engine
from portcullis.web.scoring.services.history import stored_items
from portcullis.web.scoring.services.reports import outcome_table, summary_lines, undecided


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
                    path,
                    options["format"] or guess_format(path),
                    encoding=options["encoding"],
                    progress=bar,
                    report=write_above_bar,
                )
            if imported.failed:
                raise CommandError(f"{path.name}: {imported.batch.message}")
            self.stdout.write(imported.summary())
            pks = undecided(imported.declaration_ids)
            if not pks:
                self.stdout.write("Every declaration of the file already has a decision.")
                return
            live = build_engine()
            with progress_bar("assessing", unit="item") as bar:
                summary = assess_and_store(stored_items(pks), live, Decision.Source.FILE, bar)
        for line in summary_lines(summary, live):
            self.stdout.write(line)
        for line in outcome_table(summary.decision_pks):
            self.stdout.write(line)
