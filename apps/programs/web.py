"""View helpers of the program pages that the other apps' views share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.http import HttpRequest

from apps.core.web import submit

from .access import access_program, can_manage_program, manager_posts
from .models import Program

T = TypeVar("T")


def manager_form(
    request: HttpRequest, program_id: int, form_class: type[forms.Form], refusal: str,
    action: Callable[[Program, dict[str, Any]], T],
) -> tuple[Program, bool, forms.Form, T | None]:
    """A program page every role may see with a form only its managers may post.

    Returns the program (as the user may see it), whether the user manages it, the form (bound on a POST) and what
    ``action(program, data)`` returned for a valid POST (``None`` otherwise: a GET, or input the form or the domain
    refused, kept on the form as :func:`apps.core.web.submit` does). Anyone else's POST is refused with ``refusal``.
    """
    program = access_program(request.user, program_id)  # type: ignore[arg-type]
    form = form_class(request.POST or None)
    result = None
    if manager_posts(request, program, refusal):
        result = submit(form, lambda data: action(program, data))
    return program, can_manage_program(request.user, program), form, result  # type: ignore[arg-type]
