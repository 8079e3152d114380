"""portcullis load_holidays [FILE]: the public holidays of the calendar fields."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portcullis.web.cli.kit import ensure_database_ready, fail_politely
from portcullis.web.usecases import reference
from portcullis.web.usecases.actor import Actor


def _years(text: str) -> range:
    found = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", text.strip())
    if not found:
        raise CommandError(f"--years {text!r}: write a year or a span, e.g. 2019-2027")
    first = int(found.group(1))
    last = int(found.group(2) or first)
    if last < first:
        raise CommandError(f"--years {text!r}: the span ends before it starts")
    return range(first, last + 1)


class Command(BaseCommand):
    help = (
        "Load public holidays (lodged_on_holiday): without FILE, the holidays package's table "
        "for PORTCULLIS_HOLIDAY_COUNTRY (or --country); with FILE, a CSV of date,name "
        "(docs/formats.md). Holidays kept before are never changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", type=Path, help="a CSV of date,name")
        parser.add_argument("--country", help="ISO 3166 alpha-2 code (default: the setting)")
        parser.add_argument("--years", help="a year or a span, e.g. 2019-2027")

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_database_ready()
        years = _years(options["years"]) if options["years"] else None
        with fail_politely("loading the holidays", options["traceback"]):
            loaded = reference.load_holidays(
                Actor.command(), options["file"], country=options["country"], years=years
            )
        self.stdout.write(
            f"Public holidays from {loaded.source}: {loaded.stored:,} stored, "
            f"{loaded.unchanged:,} already kept."
        )
