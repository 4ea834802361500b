"""The header's program menu, built from the page's program (see apps.programs.context_processors)."""

from __future__ import annotations

from typing import Any

from django import template

from apps.core.nav import MenuItem

from ..context_processors import program_menu as build_program_menu

register = template.Library()


@register.simple_tag(takes_context=True)
def program_menu(context: dict[str, Any]) -> list[MenuItem]:
    program = context.get("program")
    return build_program_menu(context["request"], program if getattr(program, "pk", None) else None)
