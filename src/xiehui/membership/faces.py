"""Membership's links on the shared faces (web/panels.py)."""

from __future__ import annotations

from xiehui.core.models import Role
from xiehui.web import panels

panels.link("workspace_nav", label="会员名录", url_name="membership:workspace_members", order=10, roles=(Role.STAFF,))
