"""Retraining on a schedule, Portcullis itself the actor: `portcullis worker` asks every
minute whether a retraining is due, and queues one when the latest was queued longer ago
than the interval."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from portcullis.web.jobs.models import Job
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.jobs import queue

logger = logging.getLogger(__name__)
CHECK_EVERY_SECONDS = 60.0


def queue_retraining_if_due(every: timedelta) -> Job | None:
    """The job queued, or None when the latest retraining is recent enough. Workers checking
    at once queue one job between them: the check locks the latest retraining job's row (two
    could still both queue the very first, which does no harm: each compares honestly)."""
    with transaction.atomic():
        latest = (
            Job.objects.select_for_update()
            .filter(kind=Job.Kind.RETRAINING)
            .order_by("-created_at", "-id")
            .first()
        )
        if latest is not None and latest.created_at > timezone.now() - every:
            return None
        return queue(Job.Kind.RETRAINING, {"scheduled": True}, Actor.system())


def run_schedule(every: timedelta, stop: threading.Event) -> None:
    """Check until ``stop`` is set (a daemon thread of the worker)."""
    while not stop.is_set():
        try:
            job = queue_retraining_if_due(every)
            if job is not None:
                logger.info("scheduled retraining queued as job %s", job.pk)
        except Exception:
            logger.exception("the retraining schedule could not be checked")
        finally:
            connection.close()  # this thread's own connection
        stop.wait(CHECK_EVERY_SECONDS)
