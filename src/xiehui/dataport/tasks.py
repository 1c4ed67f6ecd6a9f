"""Background tasks of the data port (django-tasks; the database backend's worker runs them)."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def export_job_task(job_id: str) -> None:
    """Write one requested bulk export (an ExportJob)."""
    services.export_run(job_id=job_id)
