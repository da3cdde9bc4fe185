"""Apps add navigation links and home-page panels here, so that the shell knows no app by name.

Each app lists its entries in `<app>/panels.py`, which core loads at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int
    visible: Callable  # (user) -> bool
    icon: str = ""

    def url(self) -> str:
        return reverse(self.url_name)


@dataclass(frozen=True)
class HomePanel:
    template: str
    order: int
    context: Callable  # (request) -> dict | None; None hides the panel


NAV_ITEMS: list[NavItem] = []
HOME_PANELS: list[HomePanel] = []


def nav_item(*, label, url_name: str, order: int, visible: Callable = lambda user: True) -> None:
    NAV_ITEMS.append(NavItem(label=label, url_name=url_name, order=order, visible=visible))
    NAV_ITEMS.sort(key=lambda item: item.order)


def home_panel(*, template: str, order: int):
    def register(func):
        HOME_PANELS.append(HomePanel(template=template, order=order, context=func))
        HOME_PANELS.sort(key=lambda panel: panel.order)
        return func

    return register


def nav_for(user) -> list[dict]:
    return [{"label": item.label, "url": item.url()} for item in NAV_ITEMS if item.visible(user)]


def panels_for(request) -> list[dict]:
    rendered = []
    for panel in HOME_PANELS:
        context = panel.context(request)
        if context is not None:
            rendered.append({"template": panel.template, "context": context})
    return rendered


@dataclass(frozen=True)
class StudioLink:
    label: str
    url_name: str  # reversed with the studio's code
    order: int
    visible: Callable  # (user, studio) -> bool


STUDIO_LINKS: list[StudioLink] = []


def studio_link(*, label, url_name: str, order: int, visible: Callable = lambda user, studio: True) -> None:
    STUDIO_LINKS.append(StudioLink(label=label, url_name=url_name, order=order, visible=visible))
    STUDIO_LINKS.sort(key=lambda link: link.order)


def studio_links_for(user, studio) -> list[dict]:
    return [
        {"label": link.label, "url": reverse(link.url_name, kwargs={"code": studio.code})}
        for link in STUDIO_LINKS
        if link.visible(user, studio)
    ]
