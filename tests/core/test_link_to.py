"""``{% link_to %}``: a page shows a link only where its reader may follow it, else the plain (escaped) name."""

from __future__ import annotations

from django.template import Context, Template

TEMPLATE = Template("{% load ecociv %}{% link_to id|in_set:allowed name 'program' 7 query=query %}")


def render(id_: int, allowed: set[int] | None, name: str = "甲市", query: str = "") -> str:
    return TEMPLATE.render(Context({"id": id_, "allowed": allowed, "name": name, "query": query}))


def test_an_allowed_target_is_a_link():
    assert render(1, {1, 2}) == '<a href="/programs/7/">甲市</a>'
    assert render(1, {1}, query="year=2024") == '<a href="/programs/7/?year=2024">甲市</a>'


def test_a_refused_target_is_plain_text_and_escaped():
    assert render(3, {1, 2}) == "甲市"
    assert render(3, None) == "甲市"
    assert render(3, set(), name="<b>乙</b>") == "&lt;b&gt;乙&lt;/b&gt;"
    assert render(1, {1}, name="<b>乙</b>") == '<a href="/programs/7/">&lt;b&gt;乙&lt;/b&gt;</a>'
