"""portcullis replay DECLARATION_ID"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portcullis.web.cli.kit import ensure_database_ready
from portcullis.web.errors import CannotReplay
from portcullis.web.scoring.models import Decision
from portcullis.web.usecases import decisions
from portcullis.web.usecases.actor import Actor


class Command(BaseCommand):
    help = (
        "Replay the latest decision on a declaration with the inputs and versions it recorded, "
        "and say whether it reaches the same channel. Exit status 4 if it does not."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("declaration_id")

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_database_ready()
        decision = (
            Decision.objects.filter(declaration__declaration_id=options["declaration_id"])
            .select_related("declaration", "model_version", "policy_version", "profile_set")
            .first()
        )
        if decision is None:
            raise CommandError(f"no decision on a declaration {options['declaration_id']!r}")
        try:
            result = decisions.replay_decision(Actor.command(), decision.pk)
        except CannotReplay as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Decision of {decision.assessed_at:%Y-%m-%d %H:%M}: {decision.channel} "
            f"({decision.reason}), risk {decision.risk_score}; model {decision.model_version}, "
            f"policy {decision.policy_version}, profiles {decision.profile_set}"
        )
        self.stdout.write(f"Replayed: {result.channel} ({result.reason}), risk {result.risk_score}")
        if result.same:
            self.stdout.write("Same decision.")
        else:
            self.stdout.write("DIFFERENT decision.")
            sys.exit(4)
