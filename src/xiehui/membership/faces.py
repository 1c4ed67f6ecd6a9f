"""Membership's links and panels on the shared faces (web/panels.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from xiehui.core.models import Role
from xiehui.web import panels

panels.link("workspace_nav", label="会员名录", url_name="membership:workspace_members", order=10, roles=(Role.STAFF,))
panels.link("site_nav", label="我的协会", url_name="membership:my_home", order=30, roles=(Role.MEMBER,))
panels.link("site_nav", label="我的入会申请", url_name="membership:my_applications", order=31, roles=(Role.PUBLIC,))


@panels.panel("portal_org", template="membership/_join_panel.html", order=90)
def join_panel(request: HttpRequest, org: Any) -> dict[str, Any] | None:
    """On an association's page: how to apply to join (voluntary, MEM-1)."""
    if getattr(org, "status", "") != "registered":
        return None
    return {"org": org}
