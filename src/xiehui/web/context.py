"""Site chrome: which faces the current user reaches (navigation)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from xiehui.core.models import Role

from . import panels


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    role = getattr(user, "role", None) if user is not None and user.is_authenticated else None
    return {
        "nav_workspace": role == Role.STAFF,
        "nav_console": role == Role.OFFICER,
        "nav_role_label": Role(role).label if role else "",
        "nav_site_links": panels.links("site_nav", role),
        "nav_workspace_links": panels.links("workspace_nav", role),
        "nav_console_links": panels.links("console_nav", role),
    }
