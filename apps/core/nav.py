"""The program menu in the header: its groups, and how the apps' entries become the menu a user sees.

Every entry comes from an installed app's ``nav.py`` (``NAV``: a list of :class:`NavEntry`, or of the older
``(label, url name, roles)`` 3-tuples, which are shown as top-level links), found the way the admin finds
``admin.py``: core names no app. Building the menu reads only these
lists, the user's roles and the request path: it issues no SQL query, except what an entry's badge function
(a cached count, e.g. the inbox's) needs.

Labels are Chinese msgids marked with ``gettext_noop`` (or ``pgettext_lazy`` where the menu needs a short form
with its own context) and are translated when the menu is built, in the language of the request.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from importlib import import_module
from typing import NamedTuple

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext, gettext_noop

Label = str | Promise


@dataclass(frozen=True)
class Badge:
    """A count beside a menu entry (待办 5); ``urgent`` when something in it is overdue; ``title`` says it in words."""

    count: int
    urgent: bool = False
    title: str = ""


#: A badge function of an entry: called with the menu's ``badge_args`` (the page's user and program); None hides it.
BadgeFunction = Callable[..., Badge | None]


class NavEntry(NamedTuple):
    """One link of the program menu.

    ``url_name`` takes ``program_id``; ``roles`` is the set of roles that see the entry (None: everyone).
    ``group`` is a key of :data:`GROUPS` (None: a top-level link). ``pinned_for`` lists roles for whom the entry is
    daily work and therefore a top-level link rather than one inside its group. ``also`` names further pages (url
    names) that belong to this entry's section, for the active marker, where their path does not start with the
    entry's own path. ``order`` sorts the entries inside a group (ties keep the apps' order). ``manage``: shown
    only to whoever manages the program (``build_menu``'s ``manages``), whatever its roles. ``badge``: a function
    giving the count shown beside the entry (:class:`Badge`); it must be cheap (cached), since every page of the
    program renders the menu. ``show``: a predicate of the same arguments that hides the entry when false.
    """

    label: Label
    url_name: str
    roles: frozenset[str] | None = None
    group: str | None = None
    pinned_for: frozenset[str] = frozenset()
    also: tuple[str, ...] = ()
    order: int = 100
    manage: bool = False
    badge: BadgeFunction | None = None
    #: shown only when this is true of the menu's ``badge_args`` (the page's user and program), after ``roles``
    #: (a predicate over what is already loaded: no query)
    show: Callable[..., bool] | None = None


#: The groups, in menu order: a user's daily path first (what stands today, reporting and review, supervision),
#: then the lists that are set up once and looked up.
GROUPS: dict[str, str] = {
    "overview": gettext_noop("总览"),
    "reporting": gettext_noop("调度填报"),
    "supervision": gettext_noop("督办推进"),
    "lists": gettext_noop("清单"),
    "publish": gettext_noop("发布"),
    "setup": gettext_noop("设置"),
}


@dataclass
class MenuLink:
    label: str
    href: str
    active: bool = False
    badge: Badge | None = None


@dataclass
class MenuItem:
    """A top-level item: a plain link (``links`` has one entry) or a dropdown group (``is_group``)."""

    label: str
    links: list[MenuLink] = field(default_factory=list)
    is_group: bool = False

    @property
    def active(self) -> bool:
        return any(link.active for link in self.links)

    @property
    def href(self) -> str:
        return self.links[0].href


def nav_modules() -> list[str]:
    """The ``nav`` modules of the installed apps, in INSTALLED_APPS order (the order of ties inside a group)."""
    return [f"{config.name}.nav" for config in apps.get_app_configs() if module_has_submodule(config.module, "nav")]


def entries() -> list[NavEntry]:
    """Every app's entries, old 3-tuples read as top-level links."""
    found = []
    for module in nav_modules():
        for raw in getattr(import_module(module), "NAV", ()):
            entry = raw if isinstance(raw, NavEntry) else NavEntry(*raw)
            found.append(entry)
    return found


def translate(label: Label) -> str:
    """A gettext_noop label is looked up now; a lazy one (with a context) renders itself in the active language."""
    return gettext(label) if isinstance(label, str) else str(label)


def build_menu(*, roles: Collection[str], program_id: int, path: str, url_name: str | None,
               manages: bool = False, badge_args: tuple[object, ...] | None = None) -> list[MenuItem]:
    """The menu for a user holding ``roles`` (its duties' roles) on the page ``path`` (``url_name``) of a program
    that it manages or not (``manages``: the entries marked ``manage`` lead to a 403 otherwise).

    Pinned and group-less entries come first as plain links, then the groups in :data:`GROUPS` order; a group
    with a single visible entry is shown as that entry's plain link. The active entry is the one whose section
    holds the page: named in its ``also``, else the entry with the longest path that starts ``path`` (the program
    overview, whose path starts every program page, only counts on itself). With ``badge_args`` each visible
    entry's ``badge`` function is called with them; without, no badge is computed (and no query issued).
    """
    program_root = reverse("program", kwargs={"program_id": program_id})
    visible: list[tuple[NavEntry, MenuLink]] = []
    for entry in entries():
        if (entry.roles is not None and entry.roles.isdisjoint(roles)) or (entry.manage and not manages):
            continue
        if entry.show is not None and (badge_args is None or not entry.show(*badge_args)):
            continue
        try:
            href = reverse(entry.url_name, kwargs={"program_id": program_id})
        except NoReverseMatch:
            continue
        badge = entry.badge(*badge_args) if entry.badge is not None and badge_args is not None else None
        visible.append((entry, MenuLink(translate(entry.label), href, badge=badge)))
    _mark_active(visible, path=path, url_name=url_name, program_root=program_root)

    top: list[MenuItem] = []
    grouped: dict[str, list[MenuLink]] = {key: [] for key in GROUPS}
    for entry, link in sorted(visible, key=lambda pair: pair[0].order):
        if entry.group is None or entry.group not in GROUPS or not entry.pinned_for.isdisjoint(roles):
            top.append(MenuItem(label=link.label, links=[link]))
        else:
            grouped[entry.group].append(link)
    for key, links in grouped.items():
        if len(links) == 1:
            top.append(MenuItem(label=links[0].label, links=links))
        elif links:
            top.append(MenuItem(label=gettext(GROUPS[key]), links=links, is_group=True))
    return top


def _mark_active(visible: list[tuple[NavEntry, MenuLink]], *, path: str, url_name: str | None,
                 program_root: str) -> None:
    for entry, link in visible:
        if url_name is not None and url_name in entry.also:
            link.active = True
            return
    best: MenuLink | None = None
    for _entry, link in visible:
        matches = path == link.href or (link.href != program_root and path.startswith(link.href))
        if matches and (best is None or len(link.href) > len(best.href)):
            best = link
    if best is not None:
        best.active = True
