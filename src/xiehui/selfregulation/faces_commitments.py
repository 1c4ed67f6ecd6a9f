"""Panels and links of pledges and social evaluation (BL-2) on the shared faces (web/panels.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from xiehui.core import clock
from xiehui.core.models import Role
from xiehui.registry.models import Organization
from xiehui.web import panels

from . import selectors_commitments as selectors
from . import services_commitments as services
from .forms_commitments import RatingForm
from .rules import BL2

RECENT_RATINGS = 5

panels.link(
    "workspace_nav", label="诚信承诺", url_name="selfregulation:workspace_pledges", order=35, roles=(Role.STAFF,)
)
panels.link("console_nav", label="社会评价", url_name="selfregulation:console_ratings", order=45, roles=(Role.OFFICER,))


@panels.panel(
    "portal_org", template="selfregulation/_pledge_portal_org.html", order=9, title="诚信承诺", anchor="pledges"
)
def pledges_portal(request: HttpRequest, org: Organization) -> dict[str, Any]:
    """The letter in force, each pledge linked to the complaint form with its ground, and the history (1 query)."""
    overview = selectors.pledge_overview(org)
    items = selectors.pledge_items(overview.in_force) if overview.in_force else []
    return {"org": org, "overview": overview, "items": items}


@panels.panel(
    "portal_org", template="selfregulation/_rating_portal_org.html", order=60, title="社会评价", anchor="ratings"
)
def ratings_portal(request: HttpRequest, org: Organization) -> dict[str, Any]:
    """The aggregate, the newest ratings, and the form for those who may rate (BL-2)."""
    today = clock.today()
    recent = list(selectors.ratings_visible(org)[:RECENT_RATINGS])
    for rating in recent:
        rating.rater_label = selectors.rater_label(rating)  # type: ignore[attr-defined]
    refusal = services.rating_refusal(request.user, org)
    own = selectors.own_rating(request.user, org, today.year) if refusal is None else None
    return {
        "org": org,
        "summary": selectors.rating_summary(org, as_of=today),
        "recent": recent,
        "reported": selectors.reported_by(request.user, [r.pk for r in recent]),
        "refusal": refusal,
        "own": own,
        "form": RatingForm() if refusal is None and own is None else None,
        "year": today.year,
        "rule": BL2,
    }
