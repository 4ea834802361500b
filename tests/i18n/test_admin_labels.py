"""The Django admin speaks Chinese (#12): no field label, column header or filter title is an English identifier.

Every registered ``ModelAdmin`` (``admin.site._registry``, so a new admin is covered without being named here)
is rendered as a superuser in zh-hans: its changelist, and the change form of a row (the add form where the
fixture has none). A label such as ``PARENT`` or a filter "以 framework" is what Django prints for a field
without a ``verbose_name``; the test fails on any label that is ASCII letters, digits and underscores only.
"""

from __future__ import annotations

import html
import re
from types import SimpleNamespace

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.db import models
from django.test import Client
from django.urls import reverse

from apps.accounts.models import User
from apps.jobs.models import Job
from tests.accounts.test_admin_scope import _program_rows

MODELS = sorted(admin.site._registry, key=lambda m: m._meta.label)

#: Column headers (not a row's first cell, ``<th class="field-…">``, which is data), labels, filter titles, help.
LABELS = [r"<th(?![^>]*field-)[^>]*>(.*?)</th>", r"<label[^>]*>(.*?)</label>", r"<summary>(.*?)</summary>",
          r'<div class="help"[^>]*>(.*?)</div>', r'<h2 class="[^"]*heading[^"]*"[^>]*>(.*?)</h2>', r"<h3>(.*?)</h3>"]
#: An English identifier as Django derives it from a field's name: "parent", "created by", "source_sha256".
IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_ ]*")
#: Words Django's own zh-hans catalogue puts before a filter's title.
FILTER_PREFIX = re.compile(r"^(以|按)\s*")


def labels(content: str) -> list[str]:
    found = []
    for pattern in LABELS:
        for fragment in re.findall(pattern, content, flags=re.S):
            text = html.unescape(re.sub(r"<[^>]+>", " ", fragment))
            text = FILTER_PREFIX.sub("", " ".join(text.split()).strip(" :：*"))
            if text:
                found.append(text)
    return found


def english(content: str) -> list[str]:
    return sorted({text for text in labels(content) if IDENTIFIER.fullmatch(text) and text != "ID"})


@pytest.fixture
def root(filled: SimpleNamespace) -> Client:
    """A superuser's client, with a row of every admin's model, so that each change form renders."""
    superuser = User.objects.create_superuser("root", password="pw")
    world = filled.world
    _program_rows(world.program, world.counties["hill"], world.units["市生态环境局"], superuser, "L-甲")
    Job.objects.create(name="staging.check", args={}, created_by=superuser)
    AccessAttempt.objects.create(username="someone", ip_address="127.0.0.1", user_agent="test", failures_since_start=1)
    AccessLog.objects.create(username="root", ip_address="127.0.0.1", user_agent="test")
    AccessFailureLog.objects.create(username="root", ip_address="127.0.0.1", user_agent="test")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(superuser)
    return client


def _url(model: type[models.Model], view: str, *args: object) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_every_admin_page_labels_in_chinese(root: Client, model: type[models.Model]):
    changelist = root.get(_url(model, "changelist"))
    assert changelist.status_code == 200
    assert english(changelist.content.decode()) == [], "changelist"
    row = model._default_manager.order_by("pk").first()
    form = root.get(_url(model, "change", row.pk) if row is not None else _url(model, "add"))
    assert form.status_code == 200, "the fixture has no row of this model and its admin adds none"
    assert labels(form.content.decode()), "no label found: the page or the pattern changed"
    assert english(form.content.decode()) == [], "change form" if row is not None else "add form"


def test_the_check_finds_an_english_label():
    """Not vacuous: what Django prints for a field without a verbose_name is caught."""
    assert english('<th scope="col" class="column-parent"><div class="text"><a href="?o=1">Parent</a></div></th>'
                   '<label for="id_created_by">Created by:</label><summary>以 framework</summary>') == [
        "Created by", "Parent", "framework"]
    assert english("<label>上级区域：</label><th>ID</th>") == []
