"""Login throttling (django-axes) with a limit per kind of counter.

Axes counts failed logins per username + IP, per username and per IP (``AXES_LOCKOUT_PARAMETERS``) but compares
every counter with one limit. An office logs in from behind one address, so the IP counter needs a higher limit
than a person's: ``ECOCIV_LOGIN_LIMITS`` gives each counter its own (5 for one name from one address, 10 for
one name from anywhere, 20 for one address whatever the name), and this handler reports the failures scaled so
that axes' single comparison with ``AXES_FAILURE_LIMIT`` trips exactly when one counter reaches its own limit.
A lockout lasts ``AXES_COOLOFF_TIME`` from the last counted failure.
"""

from __future__ import annotations

from math import ceil
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit, get_lockout_parameters
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

LOCKED = 429
USERNAME_MAX = 150  # accounts.User.username


def counter_key(parameter: str | list[str]) -> str:
    """``"username"``, ``"ip_address"`` or ``"username+ip_address"``: the key of a counter's limit."""
    return parameter if isinstance(parameter, str) else "+".join(parameter)


class PerCounterLimitHandler(AxesDatabaseHandler):
    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        base = get_failure_limit(request, credentials)
        limits: dict[str, int] = settings.ECOCIV_LOGIN_LIMITS
        parameters = get_lockout_parameters(request, credentials)
        worst = 0
        for parameter, attempts in zip(parameters, self.get_user_attempts(request, credentials), strict=True):
            failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            limit = limits.get(counter_key(parameter), base)
            worst = max(worst, ceil(failures * base / limit))  # reaches ``base`` exactly when failures >= limit
        return worst


def client_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """The name a login tried, cut to the longest a user name can be (``AXES_USERNAME_CALLABLE``).

    Django's login form does not enforce the name's length, and axes stores it in a 255-character column: a longer
    name failed the login with a server error on PostgreSQL (SQLite does not check lengths)."""
    field = settings.AXES_USERNAME_FORM_FIELD
    name = credentials.get(field) if credentials else request.POST.get(field)
    return str(name or "")[:USERNAME_MAX]


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,  # noqa: ARG001
                     credentials: dict[str, Any] | None = None) -> HttpResponse:  # noqa: ARG001
    """A refused login: 429 with the Chinese lockout page (JSON ``detail`` for a script's request)."""
    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else 0
    if request.headers.get("x-requested-with") == "XMLHttpRequest" or request.path.startswith("/api/"):
        return JsonResponse({"detail": _("登录失败次数过多，登录已暂停 %(minutes)d 分钟。") % {"minutes": minutes}},
                            status=LOCKED)
    return render(request, "core/lockout.html", {"cooloff_minutes": minutes}, status=LOCKED)
