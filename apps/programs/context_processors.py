from __future__ import annotations

from django.http import HttpRequest

from apps.core.nav import build_menu

from .access import visible_programs_q
from .models import Program


def navigation(request: HttpRequest) -> dict[str, object]:
    """The programs and the program menu of the header; no SQL query (the programs are evaluated lazily)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def programs() -> list[Program]:
        return list(Program.objects.filter(visible_programs_q(user)).only("id", "name").order_by("id"))

    return {"nav_programs": programs, "nav_menu": _menu(request)}


def _menu(request: HttpRequest) -> list[object]:
    """The grouped menu (apps.core.nav) for the program being viewed; empty outside a program.

    Labels are translated here, at render time, so an app only has to mark them (gettext_noop, or pgettext_lazy
    for a menu-only short form) and have them in the catalogue.
    """
    match = getattr(request, "resolver_match", None)
    program_id = match and match.kwargs.get("program_id")
    if not program_id:
        return []
    roles = frozenset(d.role for d in request.user.duties_as(program_id=program_id))
    return build_menu(roles=roles, program_id=program_id, path=request.path, url_name=match.url_name)
