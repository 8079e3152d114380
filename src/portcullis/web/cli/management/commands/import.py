"""portcullis import FILE|FOLDER --format kcs|csv|json|parquet|wco"""

from __future__ import annotations

import sys
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
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.importing import import_file

EXIT_PARTIAL = 3  # some records were rejected or conflicted; the rest are stored


class Command(BaseCommand):
    help = (
        "Import declarations from a file, or a folder of WCO Data Model messages (one "
        "declaration per .xml file). Each record is validated; good ones are stored once "
        "(importing the same file again adds nothing), bad ones are reported with their row "
        "and field, and written to a rejects CSV in the data directory."
    )
    # Django's system checks look at URLs, templates and admin, which an import never
    # touches; they cost most of a second of every run. `portcullis check` still runs them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="a file, or a folder of WCO messages")
        parser.add_argument(
            "--format",
            choices=FORMATS,
            help="file layout (default: a WCO DEC-DMS message by its namespace, else from the "
            "file name; .csv means the canonical flat CSV)",
        )
        parser.add_argument(
            "--validate-schema",
            type=Path,
            metavar="FOLDER",
            help="check each WCO message against the DEC-DMS XSDs in FOLDER "
            "(WCO_DEC_2_DMS.xsd, DocumentMetaData_2_DMS.xsd) before reading it",
        )
        parser.add_argument("--encoding", help="text encoding, if not UTF-8 (e.g. cp949, latin-1)")
        parser.add_argument(
            "--max-messages",
            type=int,
            default=100,
            help="problems to print before only counting them (all are in the rejects file)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        fmt = options["format"] or guess_format(path)
        if options["validate_schema"] and fmt != "wco":
            raise CommandError("--validate-schema checks WCO messages; this is not one")
        limit = options["max_messages"]
        printed = 0

        def report(line: str) -> None:
            nonlocal printed
            printed += 1
            if printed <= limit:
                write_above_bar(line)
            elif printed == limit + 1:
                write_above_bar(f"... further problems are not printed (--max-messages {limit})")

        ensure_database_ready()
        with fail_politely("the import", options["traceback"]), progress_bar(path.name) as bar:
            result = import_file(
                Actor.command(),
                path,
                fmt,
                encoding=options["encoding"],
                schemas=options["validate_schema"],
                progress=bar,
                report=report,
            )
        if result.failed:
            stored = result.batch.stored
            kept = (
                f" ({stored:,} declarations read before the problem were stored)" if stored else ""
            )
            raise CommandError(f"{path.name}: {result.batch.message}{kept}")
        self.stdout.write(result.summary())
        if result.batch.rejected or result.batch.conflicts:
            sys.exit(EXIT_PARTIAL)
