"""portcullis check_data: stored identifiers that cannot be part of an address."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from portcullis.web.cli.kit import ensure_database_ready
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.maintenance import check_identifiers

EXIT_FOUND = 3


class Command(BaseCommand):
    help = (
        "List stored declaration ids, trader codes and office codes that an earlier version "
        "accepted but that cannot be part of an address (their pages cannot be opened). "
        "Exit status 3 when there are any."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_database_ready()
        found = check_identifiers(Actor.command())
        for bad in found:
            self.stdout.write(bad.line())
        if found:
            self.stdout.write(
                f"{len(found):,} identifiers need attention: the clearance system should "
                "send these declarations again under usable ids."
            )
            sys.exit(EXIT_FOUND)
        self.stdout.write("Every stored identifier can be part of an address.")
