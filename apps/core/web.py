"""Helpers shared by the HTML views: login + domain-error mapping in one decorator."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .errors import NotFoundError, PermissionDeniedError


def page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A logged-in page; permission and not-found errors become 403/404 pages in Chinese."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PermissionDeniedError as exc:
            return render(request, "core/error.html", {"title": _("无权访问"), "message": str(exc)}, status=403)
        except NotFoundError as exc:
            return render(request, "core/error.html", {"title": _("未找到"), "message": str(exc)}, status=404)

    return login_required(wrapper)

