"""Norms and pledges in the Django admin: read-only (published versions are write-once)."""

from __future__ import annotations

from django.contrib import admin

from xiehui.core.admin_readonly import ReadOnlyAdmin

from .models import NormVersion, PledgeSignature


@admin.register(NormVersion)
class NormVersionAdmin(ReadOnlyAdmin):
    list_display = ("norm", "number", "organ", "meeting_on", "published_at")
    search_fields = ("norm__title", "norm__code", "norm__organization__name")


@admin.register(PledgeSignature)
class PledgeSignatureAdmin(ReadOnlyAdmin):
    list_display = ("organization", "signatory", "signed_on", "published_at")
    search_fields = ("organization__name", "signatory")
