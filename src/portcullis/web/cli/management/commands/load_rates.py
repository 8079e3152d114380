"""portcullis load_rates [FILE]: exchange rates to the national currency."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from portcullis.web.cli.kit import ensure_database_ready, fail_politely, progress_bar
from portcullis.web.usecases import reference
from portcullis.web.usecases.actor import Actor

EXIT_PARTIAL = 3  # some rates conflicted with those kept; the rest are stored


class Command(BaseCommand):
    help = (
        "Load exchange rates to the national currency (PORTCULLIS_NATIONAL_CURRENCY): without "
        "FILE, the European Central Bank's daily reference rates shipped with Portcullis; with "
        "FILE, a CSV of currency,rate,valid_from[,valid_to][,source] (docs/formats.md). Rates "
        "kept before are never changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", type=Path, help="a CSV of rates (default: ECB)")

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_database_ready()
        path: Path | None = options["file"]
        with (
            fail_politely("loading the rates", options["traceback"]),
            progress_bar(path.name if path else "ECB rates") as bar,
        ):
            loaded = reference.load_rates(Actor.command(), path, progress=bar)
        for line in loaded.conflicts[:20]:
            self.stderr.write(line)
        self.stdout.write(
            f"Exchange rates to {loaded.national} from {loaded.source}: {loaded.stored:,} "
            f"stored, {loaded.unchanged:,} already kept, {len(loaded.conflicts):,} conflicts."
        )
        if loaded.conflicts:
            sys.exit(EXIT_PARTIAL)
