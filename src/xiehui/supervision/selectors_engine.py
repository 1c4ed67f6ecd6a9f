"""Reads of the engine's own effects that supervision keeps: flags, reminders, runs."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from xiehui.core import engine
from xiehui.core.errors import NotFound
from xiehui.core.models import TickRun
from xiehui.registry import selectors as registry_selectors
from xiehui.registry.models import Organization
from xiehui.registry.selectors import Actor

from .models import Flag, Reminder

OFFICER_ONLY_RULES = ("SUP-1",)


def flags_visible(actor: Actor) -> QuerySet[Flag]:
    """Officers see the flags of their jurisdiction, staff those of their association, others none."""
    prefix = registry_selectors.officer_prefix(actor)
    if prefix is not None:
        return Flag.objects.filter(organization__authority_region__code__startswith=prefix)
    org = registry_selectors.staff_organization(actor)
    if org is not None:
        # complaint flags are the authority's business, and must not lead back to the complaint (SUP-1)
        return Flag.objects.filter(organization=org).exclude(rule_id__in=OFFICER_ONLY_RULES)
    return Flag.objects.none()


def flag_list(*, actor: Actor, rule_id: str = "", open_only: bool = True, q: str = "") -> QuerySet[Flag]:
    qs = flags_visible(actor).select_related("organization")
    if rule_id:
        qs = qs.filter(rule_id=rule_id)
    if open_only:
        qs = qs.filter(cleared_on__isnull=True)
    if q:
        qs = qs.filter(organization__name__contains=q)
    return qs.order_by("-raised_on", "-pk")


def open_flag_counts(actor: Actor) -> list[dict]:
    return list(
        flags_visible(actor)
        .filter(cleared_on__isnull=True)
        .values("rule_id")
        .annotate(n=Count("id"))
        .order_by("rule_id")
    )


def flags_of(organization: Organization, *, for_staff: bool = False) -> QuerySet[Flag]:
    qs = Flag.objects.filter(organization=organization)
    if for_staff:
        qs = qs.exclude(rule_id__in=OFFICER_ONLY_RULES)
    return qs.order_by("cleared_on", "-raised_on")


def reminders_of(organization: Organization, *, unread_only: bool = False) -> QuerySet[Reminder]:
    qs = Reminder.objects.filter(organization=organization)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-remind_on", "-pk")


def reminder_get(*, actor: Actor, pk: int) -> Reminder:
    org = registry_selectors.staff_organization(actor)
    reminder = Reminder.objects.filter(pk=pk, organization=org).first() if org is not None else None
    if reminder is None:
        raise NotFound("未找到该提醒")
    return reminder


def why(row: Flag | Reminder) -> dict:
    return engine.explain(rule_id=row.rule_id, facts=row.facts, parameters=getattr(row, "parameters", None))


def last_tick() -> TickRun | None:
    return TickRun.objects.order_by("-started_at").first()
