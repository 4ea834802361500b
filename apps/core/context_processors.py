from __future__ import annotations

from importlib import import_module

from django.http import HttpRequest

from apps.core.permissions import visible_programs_q

NAV_MODULES = ["apps.assessment.nav", "apps.reporting.nav", "apps.tasks.nav", "apps.monitoring.nav"]


def navigation(request: HttpRequest) -> dict[str, object]:
    """The programs in the header menu; lazily evaluated so pages that don't show it pay nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def programs():  # noqa: ANN202
        from apps.programs.models import Program

        return list(Program.objects.filter(visible_programs_q(user)).only("id", "name").order_by("id"))

    return {"nav_programs": programs, "nav_extra": _extra_entries(request)}


def _extra_entries(request: HttpRequest) -> list[tuple[str, str]]:
    """Menu entries contributed by apps (their ``nav.py``) for the program being viewed.

    Labels are translated here, at render time, so an app only has to mark them (gettext_noop or
    gettext_lazy) and have them in the catalogue.
    """
    from django.urls import NoReverseMatch, reverse
    from django.utils.translation import gettext

    program_id = (getattr(request, "resolver_match", None) and request.resolver_match.kwargs.get("program_id"))
    if not program_id:
        return []
    entries = []
    for module in NAV_MODULES:
        for label, url_name, roles in import_module(module).NAV:
            if roles is not None and request.user.role not in roles:
                continue
            try:
                entries.append((gettext(str(label)), reverse(url_name, kwargs={"program_id": program_id})))
            except NoReverseMatch:
                continue
    return entries
