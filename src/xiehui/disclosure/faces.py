"""Panels and links that disclosure adds to the shared faces (web/panels.py), and how a version is shown.

The association's public page reads the visitor's readable published items once per request
(`portal_of`) and every disclosure panel draws from that: charter and organs, leaders, services,
the list of disclosures with the DIS-3 badge, finances.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from xiehui.core import clock
from xiehui.core.models import Role
from xiehui.registry.models import Organization
from xiehui.web import panels

from . import catalogue, selectors, sources
from .catalogue import MEMBERS, PUBLIC, FieldSpec, ItemType
from .faces_head import request_timeliness
from .models import Disclosure, DisclosureVersion
from .rules import LATE, MISSING

panels.link("workspace_nav", label="信息公开", url_name="disclosure:workspace_overview", order=15, roles=(Role.STAFF,))
panels.link("console_nav", label="信息公开监测", url_name="disclosure:console_list", order=15, roles=(Role.OFFICER,))

# Where the public page shows the items other domains hold (sources register theirs; these are the fallbacks).
# -- how a version reads -----------------------------------------------------------------------------------


def display(spec: FieldSpec, value: Any) -> str:
    """A stored value as people read it: money with thousands separators, the rest as stored."""
    if value is None or value == "":
        return ""
    if spec.kind == "money":
        try:
            return f"{Decimal(str(value)):,.2f}"
        except InvalidOperation:
            return str(value)
    return str(value)


def present(item: ItemType, version: DisclosureVersion) -> dict[str, Any]:
    """A version's structured content for templates: fields (label, value, kind), table columns and rows."""
    data = version.data or {}
    stored = data.get("fields") or {}
    fields = [
        {"name": spec.name, "label": spec.label, "kind": spec.kind, "value": display(spec, stored.get(spec.name))}
        for spec in item.fields
    ]
    rows = [[display(spec, row.get(spec.name)) for spec in item.rows] for row in data.get("rows") or []]
    return {
        "fields": fields,
        "values": {f["name"]: f["value"] for f in fields},
        "columns": [spec.label for spec in item.rows],
        "rows": rows,
        "rows_label": item.rows_label,
    }


def shown(disclosure: Disclosure | None) -> dict[str, Any] | None:
    """A published item with its current version presented (None when there is none)."""
    if disclosure is None or disclosure.current is None:
        return None
    return {"disclosure": disclosure, "version": disclosure.current, **present(disclosure.spec, disclosure.current)}


# -- the public page ---------------------------------------------------------------------------------------


@dataclass
class Portal:
    """What the visitor may read of one association, loaded once per request."""

    organization: Organization
    as_of: dt.date
    members: bool  # reads the members-only items (DIS-2)
    items: list[Disclosure] = field(default_factory=list)

    def latest(self, code: str) -> Disclosure | None:
        """The item of this type with the latest period (standing items have one)."""
        found = [d for d in self.items if d.item_type == code]
        return max(found, key=lambda d: (d.period, d.published_at), default=None)


PANEL_PER_TYPE = 3  # the page shows the latest of each type; the list page has them all


def portal_of(request: HttpRequest, org: Organization) -> Portal:
    """What the visitor may read of the association, loaded once for all the page's disclosure sections."""

    def load() -> Portal:
        today = clock.today()
        actor = getattr(request, "user", None)
        members = selectors.reads_members_only(actor, org, today)
        items = list(selectors.published_of(actor=actor, organization=org, as_of=today, members=members))
        return Portal(org, today, members, items)

    return panels.per_request(request, ("disclosure-portal", org.pk), load)


def _source_url(item: ItemType, org: Organization) -> str:
    if item.source == "annual_report":
        return reverse("disclosure:annual_reports", args=[org.uscc])
    source = sources.SOURCES.get(item.source)
    anchor = source.anchor if source is not None else ""  # each source registers where the page shows it
    return f"{reverse('registry:portal_detail', args=[org.uscc])}#{anchor}"


def disclosure_groups(portal: Portal) -> list[dict[str, Any]]:
    """The items the visitor may read, grouped by audience, in catalogue order (sourced items link to their place)."""
    org = portal.organization
    entries: dict[str, list[dict[str, Any]]] = {PUBLIC: [], MEMBERS: []}
    by_type: dict[str, list[Disclosure]] = {}
    for d in portal.items:
        by_type.setdefault(d.item_type, []).append(d)
    for item in sorted(catalogue.TYPES, key=lambda t: t.order):
        if item.members_only and not portal.members:
            continue
        if item.source:
            entries[item.audience].append({"title": item.title, "url": _source_url(item, org), "source": True})
            continue
        latest = sorted(by_type.get(item.code, []), key=lambda d: (d.period, d.published_at), reverse=True)
        for d in latest[:PANEL_PER_TYPE]:
            entries[item.audience].append(
                {
                    "title": d.title,
                    "url": reverse("disclosure:item", args=[org.uscc, d.pk]),
                    "published_on": clock.local_date(d.published_at) if d.published_at else None,
                    "version": d.current.number if d.current else None,
                }
            )
    return [
        {"audience": catalogue.AUDIENCES[audience], "code": audience, "entries": entries[audience]}
        for audience in (PUBLIC, MEMBERS)
        if audience == PUBLIC or portal.members
    ]


@panels.panel("portal_org", template="disclosure/_portal_charter.html", order=5, title="章程与机构", anchor="charter")
def portal_charter(request: HttpRequest, org: Organization) -> dict[str, Any]:
    portal = portal_of(request, org)
    return {"org": org, "charter": shown(portal.latest("charter")), "organs": shown(portal.latest("organs"))}


@panels.panel("portal_org", template="disclosure/_portal_leaders.html", order=6, title="负责人", anchor="leaders")
def portal_leaders(request: HttpRequest, org: Organization) -> dict[str, Any]:
    return {"org": org, "leaders": shown(portal_of(request, org).latest("leaders"))}


@panels.panel("portal_org", template="disclosure/_portal_services.html", order=8, title="服务承诺", anchor="services")
def portal_services(request: HttpRequest, org: Organization) -> dict[str, Any]:
    return {"org": org, "services": shown(portal_of(request, org).latest("service_commitments"))}


@panels.panel(
    "portal_org", template="disclosure/_portal_disclosures.html", order=14, title="信息公开", anchor="disclosures"
)
def portal_disclosures(request: HttpRequest, org: Organization) -> dict[str, Any]:
    """The DIS-3 badge (as of today) and the items the visitor may read."""
    portal = portal_of(request, org)
    return {
        "org": org,
        "timeliness": request_timeliness(request, org),  # shared with the badge beside the name
        "groups": disclosure_groups(portal),
        "members_note": not portal.members,
    }


@panels.panel("portal_org", template="disclosure/_portal_finances.html", order=16, title="财务信息", anchor="finances")
def portal_finances(request: HttpRequest, org: Organization) -> dict[str, Any]:
    portal = portal_of(request, org)
    return {
        "org": org,
        "report": shown(portal.latest("financial_report")),
        "donations": shown(portal.latest("donations")),
    }


# -- workspace and console ---------------------------------------------------------------------------------


@panels.panel("workspace_home", template="disclosure/_workspace_panel.html", order=15)
def workspace_status(request: HttpRequest, org: Organization) -> dict[str, Any]:
    """DIS-3 for the association itself: completeness and the next deadlines."""
    timeliness = selectors.timeliness_of(org, clock.today())
    missing = [s for s in timeliness.items if s.state == MISSING]
    return {"timeliness": timeliness, "upcoming": timeliness.upcoming[:5], "missing": missing[:5]}


@panels.panel("console_org", template="disclosure/_console_org_panel.html", order=25)
def console_org(request: HttpRequest, org: Organization) -> dict[str, Any]:
    """DIS-3 and the published items (members-only ones too: the officer's jurisdiction covers the association)."""
    today = clock.today()
    items = selectors.published_of(actor=getattr(request, "user", None), organization=org, as_of=today)
    timeliness = selectors.timeliness_of(org, today)
    attention = [s for s in timeliness.items if s.state in (MISSING, LATE)]
    return {"org": org, "timeliness": timeliness, "attention": attention, "items": list(items[:50])}
