"""Helpers shared by Portcullis's management commands: progress bars and failing politely."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.db.migrations.executor import MigrationExecutor
from tqdm import tqdm

from portcullis.web.errors import DomainError


def ensure_database_ready() -> None:
    """Refuse to work on a database that cannot be reached or was never set up."""
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except OperationalError as error:
        raise CommandError(f"the database cannot be reached ({_first_line(error)})") from None
    if pending:
        raise CommandError(
            "the database is not set up (or not up to date): run `portcullis migrate` "
            "first, or `portcullis demo` for a demonstration"
        )


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


@contextmanager
def progress_bar(description: str, unit: str = "B") -> Iterator[Callable[[int, int], None]]:
    """A terminal progress bar (only when stderr is a terminal), fed (done, total)."""
    bar = tqdm(
        desc=description,
        unit=unit,
        unit_scale=True,
        disable=None,  # off when not a terminal, so logs and CI output stay clean
        file=sys.stderr,
        leave=False,
    )

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    try:
        yield update
    finally:
        bar.close()


def write_above_bar(line: str) -> None:
    tqdm.write(line, file=sys.stdout)


@contextmanager
def refused_in_words() -> Iterator[None]:
    """A use case's refusal (a permission, a scope, a business rule) ends the command with
    its own words: nothing went wrong, so there is no traceback and no log."""
    try:
        yield
    except DomainError as error:
        raise CommandError(str(error)) from None


class ActionsCommand(BaseCommand):
    """A command of several actions (`token create|list|revoke`), each a method named
    after it (`_create`) taking the options."""

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_database_ready()
        with refused_in_words():
            getattr(self, f"_{options['action']}")(options)


@contextmanager
def fail_politely(what: str, show_traceback: bool) -> Iterator[None]:
    """Turn an unexpected error into one line naming a log file that has the details (and
    a use case's refusal into its own words)."""
    try:
        with refused_in_words():
            yield
    except (CommandError, KeyboardInterrupt):
        raise
    except Exception as error:
        if show_traceback:
            raise
        logs = Path(settings.DATA_DIR) / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        log = logs / f"error-{datetime.now():%Y%m%d-%H%M%S}.log"
        log.write_text(traceback.format_exc(), encoding="utf-8")
        raise CommandError(
            f"{what} failed: {type(error).__name__} (details in {log}; "
            "what was stored before the failure is kept, and running it again is safe)"
        ) from None
