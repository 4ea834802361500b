"""Counting the queries of a page: the growth-invariant tests open each page at two sizes and compare."""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def page_queries(client: Client, url: str, *, cold: bool = False) -> int:
    """The number of queries of one GET of ``url``, which must answer 200; ``cold``: with the cache cleared first
    (what the menu and the pages cache is computed again)."""
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)
