"""A user holding a one-time initial password changes it before anything else (``User.must_change_password``).

Every page sends such a user to the password change page (``/password/``) and every API call but the password
change itself answers 403 with code ``password_change_required``; logging out, the language switch and static
files stay open.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

#: Paths such a user may still reach (besides the password change page itself).
OPEN_PREFIXES = ("/logout/", "/login/", "/i18n/", "/static/")
OPEN_API = frozenset({"/api/me", "/api/me/password"})


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            target = reverse("password_change")
            path = request.path_info
            if path != target and path not in OPEN_API and not path.startswith(OPEN_PREFIXES):
                if path.startswith("/api/"):
                    return JsonResponse({"detail": _("请先修改初始密码。"), "code": "password_change_required"},
                                        status=403)
                return redirect(target)
        return self.get_response(request)
