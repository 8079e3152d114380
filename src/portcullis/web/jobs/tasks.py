"""The background task behind every job (run by `portcullis worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_job(job_id: int) -> None:
    from portcullis.web.jobs.services import run

    run(job_id)
