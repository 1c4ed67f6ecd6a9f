"""What every governance service checks first: the actor is the association's own staff."""

from __future__ import annotations

from xiehui.core.errors import PermissionDenied
from xiehui.core.models import User
from xiehui.registry import selectors as registry
from xiehui.registry.models import Organization


def require_staff(actor: User | None, organization: Organization) -> None:
    # actor None is the system (demo data, a ballot's publication); people must be staff of the association
    if actor is not None and not registry.staff_of(actor, organization):
        raise PermissionDenied("只有本协会工作人员可以办理法人治理事项")
