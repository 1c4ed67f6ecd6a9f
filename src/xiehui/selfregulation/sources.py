"""The signed pledges are the association's credit commitments (DIS-1): disclosure reads them from here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Min

from xiehui.core import clock
from xiehui.disclosure import sources

from .models import PledgeSignature


@sources.register("pledges", anchor="pledges")
def pledge_days(org_ids: Sequence[int], as_of: dt.date) -> dict[int, dict[str, dt.date]]:
    """The day each association first published a signed pledge letter."""
    rows = (
        PledgeSignature.objects.filter(organization_id__in=list(org_ids), published_at__isnull=False)
        .order_by()
        .values("organization_id")
        .annotate(first=Min("published_at"))
    )
    days = {row["organization_id"]: {"": clock.local_date(row["first"])} for row in rows}
    return {org: value for org, value in days.items() if value[""] <= as_of}
