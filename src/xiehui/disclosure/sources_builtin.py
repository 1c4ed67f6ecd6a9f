"""Sources held by the register (registered items) and by supervision (the annual work report)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from xiehui.registry.models import Organization
from xiehui.supervision.models import AnnualReport

from . import sources


@sources.register("registry", anchor="items")
def registered_days(org_ids: Sequence[int], as_of: dt.date) -> dict[int, dict[str, dt.date]]:
    """The registered items are public from registration (the authority publishes them)."""
    rows = (
        Organization.objects.filter(id__in=list(org_ids), registered_on__lte=as_of)
        .order_by()
        .values_list("id", "registered_on")
    )
    return {org_id: {"": day} for org_id, day in rows}


@sources.register("annual_report", anchor="disclosures")
def annual_report_days(org_ids: Sequence[int], as_of: dt.date) -> dict[int, dict[str, dt.date]]:
    """An annual work report is disclosed to members when it is filed with the authority."""
    out: dict[int, dict[str, dt.date]] = {}
    rows = (
        AnnualReport.objects.filter(
            organization_id__in=list(org_ids), first_submitted_on__isnull=False, first_submitted_on__lte=as_of
        )
        .order_by()
        .values_list("organization_id", "year", "first_submitted_on")
    )
    for org_id, year, day in rows:
        if day is not None:  # filtered by the query; the column is nullable
            out.setdefault(org_id, {})[str(year)] = day
    return out
