"""Django admin for supervision: the ANN-2 criteria table (data, not code); every change is audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from xiehui.core import audit, clock

from . import checks
from .models import InspectionCriterion


@admin.register(InspectionCriterion)
class InspectionCriterionAdmin(admin.ModelAdmin):
    list_display = ("position", "code", "description", "check_name", "leads_to", "active")
    list_display_links = ("code",)
    list_filter = ("active", "leads_to")
    search_fields = ("code", "description", "check_name")
    ordering = ("position", "code")

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # Bulk deletion would bypass delete_model and so the audit log.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if "check_name" in form.base_fields:  # absent when the user may only view
            known = "、".join(sorted(checks.CHECKS))
            form.base_fields["check_name"].help_text = f"已实现的检查项：{known}；未实现的检查项按“需人工核实”处理"
        return form

    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: InspectionCriterion, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        changes = {name: form.cleaned_data.get(name) for name in form.changed_data}
        audit.record(
            actor=request.user,  # type: ignore[arg-type]
            action="supervision.criterion.changed" if change else "supervision.criterion.created",
            obj=obj,
            changes=changes,
            now=clock.now(),
        )

    @transaction.atomic
    def delete_model(self, request: HttpRequest, obj: InspectionCriterion) -> None:
        audit.record(
            actor=request.user,  # type: ignore[arg-type]
            action="supervision.criterion.deleted",
            obj=obj,
            changes={"code": obj.code},
            now=clock.now(),
        )
        super().delete_model(request, obj)
