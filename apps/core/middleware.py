from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from .validation import CONTROL_MULTILINE


class ChineseFirstLocaleMiddleware:
    """Simplified Chinese unless the user chose another language (the language cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language; offices' machines often run
    English browsers, and the interface must still come up in Chinese.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class ContentSecurityPolicyMiddleware:
    """Send ``settings.ECOCIV_CSP`` as the Content-Security-Policy of every response that has none yet."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = getattr(settings, "ECOCIV_CSP", "")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class ControlCharacterMiddleware:
    """Refuse (400) a page request whose query or form carries a control character (other than tab and line
    breaks): PostgreSQL cannot even compare a text with NUL in it (a server error), SQLite would store it, and
    a stored one breaks every xlsx download that shows it. The API refuses the same as invalid input (422)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/") and any(
            CONTROL_MULTILINE.search(text)
            for data in ((request.GET, request.POST) if request.method == "POST" else (request.GET,))
            for key, values in data.lists() for text in (key, *values) if isinstance(text, str)
        ):
            return render(request, "core/error.html", {
                "title": _("请求无效"), "message": _("请求含有不可见的控制字符，请删除后重试。")}, status=400)
        return self.get_response(request)
