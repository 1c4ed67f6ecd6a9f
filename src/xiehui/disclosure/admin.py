"""Disclosed items in the Django admin: read-only (DIS-4: a published version is never edited in place)."""

from __future__ import annotations

from django.contrib import admin

from xiehui.core.admin_readonly import ReadOnlyAdmin

from .models import Disclosure, DisclosureVersion


@admin.register(Disclosure)
class DisclosureAdmin(ReadOnlyAdmin):
    list_display = ("title", "organization", "item_type", "period", "members_only", "published_at")
    list_filter = ("item_type", "members_only")
    search_fields = ("title", "organization__name", "organization__uscc")
    raw_id_fields = ("organization",)


@admin.register(DisclosureVersion)
class DisclosureVersionAdmin(ReadOnlyAdmin):
    list_display = ("disclosure", "number", "change_kind", "published_at")
    list_filter = ("change_kind",)
    search_fields = ("disclosure__title", "disclosure__organization__name")
