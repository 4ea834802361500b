from __future__ import annotations

from django.http import HttpRequest

from apps.core.permissions import visible_programs_q


def navigation(request: HttpRequest) -> dict[str, object]:
    """The programs in the header menu; lazily evaluated so pages that don't show it pay nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def programs():  # noqa: ANN202
        from apps.programs.models import Program

        return list(Program.objects.filter(visible_programs_q(user)).only("id", "name").order_by("id"))

    return {"nav_programs": programs}
