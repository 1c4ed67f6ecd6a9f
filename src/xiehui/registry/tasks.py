"""Background tasks of the register (django-tasks; the database backend's worker runs them)."""

from __future__ import annotations

from django_tasks import task

from . import importer


@task()
def import_job_task(job_id: int) -> None:
    """Validate and load one uploaded register file (an ImportJob)."""
    importer.import_job_run(job_id=job_id)
