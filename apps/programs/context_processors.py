from __future__ import annotations

from django.http import HttpRequest

from apps.core.nav import MenuItem, build_menu

from .access import can_manage_program, visible_programs_q
from .models import Program


def navigation(request: HttpRequest) -> dict[str, object]:
    """The programs of the header; no SQL query (the programs are evaluated lazily). The program menu is built
    where the page's program is known, by :func:`program_menu` (the ``program_menu`` tag of ``base.html``)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def programs() -> list[Program]:
        return list(Program.objects.filter(visible_programs_q(user)).only("id", "name").order_by("id"))

    return {"nav_programs": programs}


def program_menu(request: HttpRequest, program: Program | None) -> list[MenuItem]:
    """The grouped menu (apps.core.nav) of the page's ``program``; empty outside a program. No SQL query: the
    program comes from the page (fetched with its region by ``access_program``) and the duties are cached; the
    entries' badges (the inbox count) are called with the user and the program and read a cached count.

    Entries marked ``manage`` (the review queue) are shown only to whoever manages this program, by the same
    ``can_manage_program`` the pages ask: a province office reads a city's program but does not review it.
    Labels are translated here, at render time, so an app only has to mark them (gettext_noop, or pgettext_lazy
    for a menu-only short form) and have them in the catalogue.
    """
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    if program is None or user is None or not user.is_authenticated or match is None:
        return []
    roles = frozenset(d.role for d in user.duties_as(program_id=program.id))
    return build_menu(roles=roles, program_id=program.id, path=request.path, url_name=match.url_name,
                      manages=can_manage_program(user, program), badge_args=(user, program))
