"""Header menu entries of this app (see apps.core.nav.NavEntry).

These are short menu forms of words that pages use at full length, so they carry the "menu" context.
"""

from django.utils.translation import pgettext_lazy

from apps.core.nav import NavEntry

NAV: list[NavEntry] = [
    NavEntry(pgettext_lazy("menu", "指标总览"), "program", None, "overview",
             also=("region", "region_override", "region_assigned"), order=30),
    NavEntry(pgettext_lazy("menu", "责任清单"), "responsibilities", None, "lists", order=10),
    NavEntry(pgettext_lazy("menu", "责任单位"), "departments", None, "lists", order=20),
    NavEntry(pgettext_lazy("menu", "地方调整"), "target_edits", None, "lists", order=50),
]
