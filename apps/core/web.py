"""Helpers shared by the HTML views: login + domain-error mapping in one decorator, forms run in one place.

A view raises; it does not catch. ``page`` turns a ``PermissionDeniedError``/``NotFoundError`` into a 403/404
page in Chinese, and any other ``DomainError`` on a POST into an error message and a redirect back to the
page (post/redirect/get). A view that must show the user's input again runs its form through ``submit``:
a ``DomainError`` then becomes the form's error (an ``ImportRejected`` keeps its rows on ``form.row_errors``)
and the view re-renders the form.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .errors import DomainError, GoneError, ImportRejected, NotFoundError, PermissionDeniedError
from .forms import StepForm
from .validation import INT_RANGE

T = TypeVar("T")
View = Callable[..., HttpResponse]
Back = str | Callable[..., str] | None


def page(view: View | None = None, *, back: Back = None) -> Any:
    """A logged-in page. ``back`` is where a refused POST returns: a URL name (reversed with the view's
    arguments, ``"name#anchor"`` allowed) or a function of the view's arguments; by default the page itself."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except DomainError as exc:
                return domain_error_response(request, exc, back_url(request, back, kwargs))

        return login_required(wrapper)

    return decorate(view) if view is not None else decorate


def public_page(view: View, *, not_found: str) -> View:
    """A page of the public side (no login): Simplified Chinese whatever the visitor's cookie, with a
    ``Content-Language`` header; a ``NotFoundError`` is a plain 404 page (the template ``not_found``, with
    ``message``). The caller states the methods (``require_GET`` for a read-only page)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        with translation.override("zh-hans"):
            try:
                response = view(request, *args, **kwargs)
            except NotFoundError as exc:
                response = render(request, not_found, {"message": str(exc)}, status=404)
        response.headers["Content-Language"] = "zh-Hans"
        return response

    return wrapper


def query_int(request: HttpRequest, name: str, *, low: int = INT_RANGE[0], high: int = INT_RANGE[1]) -> int | None:
    """``?name=`` as an integer within ``low … high`` (by default what a database column holds), else None.

    The one reader of an integer query parameter on every page: text, decimals and numbers beyond 64 bits (which
    SQLite cannot even bind) mean "not given", never a server error.
    """
    raw = request.GET.get(name, "").strip()
    if not re.fullmatch(r"-?[0-9]{1,19}", raw):
        return None
    value = int(raw)
    return value if low <= value <= high else None


def domain_error_response(request: HttpRequest, exc: DomainError, back: str) -> HttpResponse:
    """403/404/410 as pages; on a POST any other refusal is a message on the page the user came from."""
    if isinstance(exc, PermissionDeniedError):
        return render(request, "core/error.html", {
            "title": _("无权访问"), "message": str(exc), "back": came_from(request),
            "hint": _("如需查看，请联系本级生态办管理员为您分配相应的职责。"),
        }, status=403)
    if isinstance(exc, NotFoundError | GoneError):
        return render(request, "core/error.html", {"title": _("未找到"), "message": str(exc),
                                                   "back": came_from(request)}, status=exc.status_code)
    if request.method != "POST":
        raise exc
    messages.error(request, str(exc))
    return redirect(back)


def came_from(request: HttpRequest) -> str | None:
    """The page of this site the user came from (the Referer), for an error page's "back" link; else None."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer or not url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()},
                                                          require_https=request.is_secure()):
        return None
    return None if urlsplit(referer).path == request.path else referer


def back_url(request: HttpRequest, back: Back, kwargs: dict[str, object]) -> str:
    if back is None:
        return request.get_full_path()
    if callable(back):
        return back(**kwargs)
    name, _sep, anchor = back.partition("#")
    url = reverse(name, kwargs=kwargs)
    return f"{url}#{anchor}" if anchor else url


def moved(request: HttpRequest, title: str, status_label: str) -> None:
    """The message after a workflow step on the office's pages: 「title」：the status it is now in."""
    messages.success(request, _("「%(title)s」：%(status)s。") % {"title": title, "status": status_label})


def back_to(name: str, *params: str) -> Callable[..., str]:
    """A ``back`` of :func:`page` for a view below the page ``name``: that page, reversed with only ``params``
    of the view's arguments."""
    return lambda **kwargs: reverse(name, kwargs={param: kwargs[param] for param in params})


def step_page(*, access: Callable[..., Any], transition: Callable[..., object], form: type[StepForm],
              workflow: Any, to: Callable[..., str]) -> View:
    """The POST of a workflow step on the office's pages: ``access(user, **the URL's arguments)`` fetches and
    authorizes the object, ``transition(it, actor=…, **the posted move)`` applies the form's ``move()``, a
    message says where it is now (:func:`moved`), and the answer goes to ``to(**the URL's arguments)`` (so does
    a refusal's message)."""

    @page(back=to)
    @require_POST
    def step(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        item = access(request.user, **kwargs)
        transition(item, actor=request.user, **form(request.POST).move())
        moved(request, item.title, workflow.status_label(item.status))
        return redirect(to(**kwargs))

    return step


def form_message(form: forms.Form) -> str:
    """A form's errors as one line, each field's under its label (for a form posted from another page)."""
    parts = []
    for field, errors in form.errors.items():
        label = str(form.fields[field].label or "") if field in form.fields else ""
        text = "；".join(errors)
        parts.append(f"{label}：{text}" if label and label not in text else text)
    return "；".join(dict.fromkeys(parts))


def cleaned(form: forms.Form, refusal: str | None = None) -> dict[str, Any]:
    """The form's cleaned data; an invalid form is refused as a whole (nothing is written), with ``refusal`` or
    else its errors as the message."""
    if not form.is_valid():
        raise DomainError(form_message(form) if refusal is None else refusal)
    return form.cleaned_data


def submit(form: forms.Form, action: Callable[[dict[str, Any]], T]) -> T | None:
    """Run ``action`` on a valid form's data; ``None`` when the form or the domain refused the input.

    A refusal is kept on the form (``form.non_field_errors()``, the error itself on ``form.refusal``, ``form.row_errors`` for an
    import) so that the
    view can show the input again; a permission or not-found error still goes to ``page``.
    """
    form.row_errors, form.refusal = [], None
    if not form.is_valid():
        return None
    try:
        return action(form.cleaned_data)
    except (PermissionDeniedError, NotFoundError):
        raise
    except DomainError as exc:
        form.add_error(None, str(exc))
        form.refusal = exc
        form.row_errors = exc.errors if isinstance(exc, ImportRejected) else []
        return None
