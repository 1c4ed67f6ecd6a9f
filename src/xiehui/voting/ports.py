"""What voting calls in the domains it serves (membership, fees, governance, disclosure), in one place.

The imports are local: governance and membership import nothing of voting, and
voting's models import theirs, so a top-level import of their services here
would tie the apps' loading order to each other for no gain.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from xiehui.core.models import User
from xiehui.governance.models import Appointment, Organ, Resolution
from xiehui.membership.models import Delegate, FeeStandard, Member
from xiehui.registry.models import Organization


def charter_parameters(organization: Organization, *, as_of: dt.date) -> dict[str, Any]:
    from xiehui.governance import selectors

    return selectors.charter_parameters(organization, as_of=as_of)


def members_of(organization: Organization, *, as_of: dt.date) -> QuerySet[Member]:
    from xiehui.membership import selectors

    return selectors.members_of(organization, as_of=as_of)


def delegates_of(organization: Organization, *, as_of: dt.date) -> QuerySet[Delegate]:
    from xiehui.membership import selectors

    return selectors.delegates_of(organization, as_of=as_of)


def fee_standard_balloting(*, standard: FeeStandard, now: dt.datetime) -> FeeStandard:
    from xiehui.membership import services_fees

    return services_fees.fee_standard_balloting(standard=standard, now=now)


def fee_standard_reopen(*, standard: FeeStandard, now: dt.datetime) -> FeeStandard:
    from xiehui.membership import services_fees

    return services_fees.fee_standard_reopen(standard=standard, now=now)


def fee_standard_decide(
    *, standard: FeeStandard, passed: bool, resolution: Resolution, now: dt.datetime
) -> FeeStandard:
    from xiehui.membership import services_fees

    return services_fees.fee_standard_decide(standard=standard, passed=passed, resolution=resolution, now=now)


def resolution_record(*, actor: User | None, organization: Organization, organ: Organ, **kwargs: Any) -> Resolution:
    from xiehui.governance import services

    return services.resolution_record(actor=actor, organization=organization, organ=organ, **kwargs)


def appointments_elect(
    *, resolution: Resolution, appointments: list[Appointment], on: dt.date, now: dt.datetime
) -> Any:
    from xiehui.governance import services

    return services.appointments_elect(resolution=resolution, appointments=appointments, on=on, now=now)


def assembly_organ(organization: Organization) -> Organ | None:
    from xiehui.governance import selectors

    return selectors.assembly_organ(organization)
