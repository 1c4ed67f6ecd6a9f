"""Extension points of the faces: later domains add panels and links without the register importing them.

The register's pages (portal page of an association, workspace, console) call
`panels(face, request, subject)` and render whatever the installed domains
registered for that face, in order; navigation bars call `links(face)`. This is
how an association's page shows its credit listings and annual reports while
`registry` imports neither (issue 3: compose registry and credit in the faces).

Faces: "portal_org", "portal_org_head" (badges beside the name), "workspace_home", "console_home",
"console_org" (panels);
"site_nav", "workspace_nav", "console_nav" (links).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.http import HttpRequest

T = TypeVar("T")
ContextFn = Callable[[HttpRequest, Any], dict[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    template: str
    context: ContextFn
    order: int
    title: str = ""  # shown in the page's section navigation when set (the template's <section id=anchor>)
    anchor: str = ""


@dataclass(frozen=True)
class Link:
    label: str
    url_name: str
    order: int
    roles: tuple[str, ...] = ()  # empty: everyone who sees the bar


PANELS: dict[str, list[Panel]] = {}
LINKS: dict[str, list[Link]] = {}


def panel(
    face: str, *, template: str, order: int = 50, title: str = "", anchor: str = ""
) -> Callable[[ContextFn], ContextFn]:
    """Register a context function whose dict (or None to skip) renders `template` on `face`.

    With `title` and `anchor`, the page's section navigation links to the panel, whose
    template must then render `<section id="{anchor}">`.
    """

    def wrap(func: ContextFn) -> ContextFn:
        PANELS.setdefault(face, []).append(Panel(template, func, order, title, anchor))
        PANELS[face].sort(key=lambda p: p.order)
        return func

    return wrap


def link(face: str, *, label: str, url_name: str, order: int = 50, roles: tuple[str, ...] = ()) -> None:
    if any(existing.url_name == url_name for existing in LINKS.get(face, [])):
        return
    LINKS.setdefault(face, []).append(Link(label, url_name, order, roles))
    LINKS[face].sort(key=lambda item: item.order)


def panels(face: str, request: HttpRequest, subject: Any = None) -> list[dict[str, Any]]:
    """The panels of a face for this request, each {"template": …, "panel": context, "title": …, "anchor": …}."""
    rendered = []
    for item in PANELS.get(face, []):
        context = item.context(request, subject)
        if context is not None:
            rendered.append({"template": item.template, "panel": context, "title": item.title, "anchor": item.anchor})
    return rendered


def per_request(request: HttpRequest, key: Any, compute: Callable[[], T]) -> T:
    """Compute once per request what several panels of one page read (e.g. an association's DIS-3 figures)."""
    memo: dict[Any, Any] = request.__dict__.setdefault("_xiehui_panel_memo", {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]  # type: ignore[no-any-return]


def links(face: str, role: str | None = None) -> list[Link]:
    return [item for item in LINKS.get(face, []) if not item.roles or role in item.roles]
