"""One transaction per use case, run again from the start when the database says it lost a
race: a serialisation failure or a deadlock on PostgreSQL, SQLite's "database is locked"
after its busy timeout, and (where the use case inserts rows others may insert at the same
moment) a unique constraint that another transaction won. Nothing of a failed attempt is
kept, so the next one sees the winner's rows and decides again."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, OperationalError, connection, transaction

logger = logging.getLogger(__name__)
T = TypeVar("T")
ATTEMPTS = 5
_RETRIED_STATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected


def lost_a_race(error: BaseException) -> bool:
    """A serialisation failure or a deadlock (PostgreSQL), a locked database (SQLite)."""
    cause = error.__cause__
    if getattr(cause, "sqlstate", None) in _RETRIED_STATES:
        return True
    return "database is locked" in str(error)


def atomic(
    work: Callable[[], T],
    *,
    retry_on_integrity: bool = False,
    before_retry: Callable[[], None] | None = None,
) -> T:
    """``work()`` in one transaction; inside a caller's transaction it simply joins it (a
    race is then the caller's to retry). ``before_retry`` forgets what the failed attempt
    may have cached."""
    if connection.in_atomic_block:
        with transaction.atomic():
            return work()
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with transaction.atomic():
                return work()
        except IntegrityError:
            if not retry_on_integrity or attempt == ATTEMPTS:
                raise
        except OperationalError as error:
            if not lost_a_race(error) or attempt == ATTEMPTS:
                raise
        logger.info("transaction lost a race (attempt %s); running it again", attempt)
        if before_retry is not None:
            before_retry()
        time.sleep(random.uniform(0, 0.02 * attempt))  # noqa: S311  # jitter, not secrets
    raise AssertionError("unreachable")
