"""Console pages for importing the register from CSV or XLSX (officers only)."""

from __future__ import annotations

import csv
import io

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render

from xiehui.core import clock
from xiehui.core.errors import ApplicationError
from xiehui.core.typing import Request
from xiehui.web.access import officer_required

from . import importer
from .forms import ImportForm

ERRORS_SHOWN = 500


@officer_required
def console_import(request: Request) -> HttpResponse:
    """GET: the upload form and the officer's recent imports; POST: accept a file and queue its import."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = importer.import_job_create(actor=request.user, upload=form.cleaned_data["file"], now=clock.now())
            return redirect("registry:console_import_job", pk=job.pk)
        except ApplicationError as exc:
            form.add_error("file", exc.message)
    context = {
        "form": form,
        "jobs": importer.import_job_list(actor=request.user)[:20],
        "columns": importer.COLUMNS,
        "optional": importer.OPTIONAL_COLUMNS,
        "max_mb": settings.XIEHUI_MAX_UPLOAD_BYTES // 1048576,
    }
    return render(request, "registry/console_import.html", context, status=400 if form.errors else 200)


@officer_required
def console_import_job(request: Request, pk: int) -> HttpResponse:
    """One import: progress while it runs (htmx polls the fragment), then the result or every error."""
    job = importer.import_job_get(actor=request.user, pk=pk)
    context = {
        "job": job,
        "finished": importer.import_job_finished(job),
        "errors": [{**e, "line": importer.error_line(e)} for e in job.errors[:ERRORS_SHOWN]],
        "more_errors": max(0, len(job.errors) - ERRORS_SHOWN),
    }
    template = "registry/_import_progress.html" if request.htmx else "registry/console_import_job.html"
    return render(request, template, context)


@officer_required
def console_import_template(request: Request) -> HttpResponse:
    """The CSV template: the header row and one example row (UTF-8 with BOM, so Excel reads the Chinese)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(importer.template_rows())
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="register-import-template.csv"'
    return response
